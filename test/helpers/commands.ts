// The workflow commands the runner would obey in a step's output: a line that starts with `::`
// after blanks (.NET Trim), or holds `##[` (the legacy form), outside a stop-commands block.
export function obeyedCommands(stdout: string): string[] {
  const obeyed: string[] = []
  let stopToken: string | undefined
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    const trimmed = line.trim()
    if (stopToken !== undefined) {
      if (trimmed === `::${stopToken}::`) stopToken = undefined
      continue
    }
    const stop = /^::stop-commands::(.+)$/i.exec(trimmed)
    if (stop) stopToken = stop[1]
    if (stop) obeyed.push(trimmed)
    else if (trimmed.startsWith('::') || line.includes('##[')) obeyed.push(trimmed) // `::` wins: then no legacy parse
  }
  return obeyed
}
