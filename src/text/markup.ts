// Text from the run, the job or the server, made safe for where it is shown: the log, HTML in the
// job summary, Markdown in the pull-request comment and the check run.

const ZWSP = '\u200b'

/**
 * For the log: the runner obeys a line that starts with `::` (after blanks) or holds `##[` (its
 * legacy form), and stop-commands only covers the launch group. A zero-width space between the two
 * characters breaks the command and leaves the text as it reads.
 */
export function inert(text: string): string {
  return text.replace(/(^|[\r\n])([^\S\r\n]*)::/g, `$1$2:${ZWSP}:`).replace(/##\[/g, `#${ZWSP}#[`)
}

/** For HTML: every character that could open markup or an attribute, as an entity. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** For Markdown prose: no HTML, no Markdown links, emphasis, code or mentions. */
export function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`).replace(/([[\]@*_`])/g, '\\$1')
}

/** For a Markdown table cell: no HTML, no pipes, no line breaks. */
export function cell(text: string): string {
  return text
    .replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ')
}

/** For inline code in Markdown: a backtick would end it early. */
export function inlineCode(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``
}
