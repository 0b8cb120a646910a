// GitHub refuses a comment body or a check run summary over 65,536 characters. A report is put
// together from parts in order: fixed text (cut when one alone would crowd the rest out), and
// parts that fit themselves into the room left (a table shows fewer rows, charts are left out).

export const GITHUB_TEXT_LIMIT = 65_536

/** Fixed text, or a part that returns its text within the budget it is given ('' to leave it out). */
export type Part = string | ((budget: number) => string)

/** The parts joined by blank lines, within `limit` characters (JavaScript's, UTF-16 units, as GitHub counts). */
export function fitParts(parts: readonly Part[], limit = GITHUB_TEXT_LIMIT, separator = '\n\n'): string {
  // A fixed part may take a quarter of the limit at most (a message naming hundreds of gates).
  const cap = Math.floor(limit / 4)
  const fixed = parts.map((p) => (typeof p === 'string' ? cut(p, cap) : undefined))
  let room = limit - fixed.reduce((n, p) => n + (p === undefined ? 0 : p.length + separator.length), 0)
  const texts = parts.map((p, i) => {
    if (typeof p === 'string') return fixed[i]!
    const text = room > separator.length ? p(room - separator.length) : ''
    room -= text ? text.length + separator.length : 0
    return text
  })
  return texts
    .filter((t) => t !== '')
    .join(separator)
    .slice(0, limit)
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 40)}… (cut to fit GitHub's size limit)`
}
