// Text from the run, the job or the server, made safe for where it is shown: HTML in the job
// summary, Markdown in the pull-request comment and the check run. (The log has its own: inert.)

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
