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

/** For Markdown prose: no HTML, no Markdown links or autolinks, emphasis, code or mentions. */
export function escapeText(text: string): string {
  return breakAutolinks(text)
    .replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/([[\]@*_`])/g, '\\$1')
}

/** GitHub turns a bare `https://...` or `www.` into a link: a zero-width space breaks both. */
function breakAutolinks(text: string): string {
  return text.replace(/:\/\//g, ':\u200b//').replace(/www\./gi, (w) => `${w.slice(0, 3)}\u200b.`)
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

/** Text from the run in a code span inside a table cell: no backtick, pipe or line break can end it
 *  (inside a code span nothing else is markup, and an entity would show as typed). */
export function codeCell(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\s+/g, ' ')}\``
}

/** Text from the run as a table cell: no HTML, Markdown link or autolink, emphasis, mention, pipe
 *  or line break (a zero-width space breaks `://` and `www.`, which GitHub would turn into links). */
export function textCell(text: string): string {
  return breakAutolinks(text)
    .replace(/([[\]@*_`\\!#~])/g, '\\$1')
    .replace(/\|/g, '\\|')
    .replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/\s+/g, ' ')
}

/**
 * A name from the run inside a Mermaid string: letters, digits and a few marks that are plain
 * text to Mermaid and to Markdown; anything else (a quote that would end the string, `#` and `;`
 * that Mermaid reads as entities and statement ends, backticks, HTML) becomes `_`.
 */
export function mermaidText(text: string): string {
  const safe = text.replace(/[^\p{L}\p{N} _./:+()%,=-]/gu, '_')
  return safe.length > 60 ? `${safe.slice(0, 59)}…` : safe
}
