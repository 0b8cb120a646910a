// Text that came from the server, the SDK or the job, made inert before it reaches the log: the
// runner obeys a line that starts with `::` (after blanks) or holds `##[` (its legacy form), and
// stop-commands only covers the launch group. A zero-width space between the two characters
// breaks the command and leaves the text as it reads.
const ZWSP = '\u200b'

export function inert(text: string): string {
  return text.replace(/(^|[\r\n])([^\S\r\n]*)::/g, `$1$2:${ZWSP}:`).replace(/##\[/g, `#${ZWSP}#[`)
}
