// A mapping input given as a file path: read only from a regular file inside the workspace (after
// symlinks are resolved), of bounded size. A FIFO, a device (/dev/zero) or a path leading out of
// the workspace is refused before a byte is read, so nothing can hang the action or grow its memory.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs'
import path from 'node:path'

/** Mapping files and the run config they may carry: a few MB is far more than any config needs. */
export const MAX_MAPPING_FILE_BYTES = 8 * 1024 * 1024

export function readMappingFile(shown: string, file: string, workspace: string): string {
  let real: string
  let root: string
  try {
    real = realpathSync(file)
    root = realpathSync(workspace)
  } catch (error) {
    throw new Error(`file ${shown} could not be resolved (${(error as NodeJS.ErrnoException).code ?? error})`, { cause: error })
  }
  const relative = path.relative(root, real)
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(
      `file ${shown} is outside the workspace (it resolves to ${real}; GITHUB_WORKSPACE is ${root}): keep mapping files in the repository's checkout`
    )
  }
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is then refused as not a file.
  const fd = openSync(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  try {
    const stat = fstatSync(fd)
    if (!stat.isFile()) throw new Error(`file ${shown} is not a regular file (a FIFO, device or directory cannot be read as a mapping)`)
    if (stat.size > MAX_MAPPING_FILE_BYTES) {
      throw new Error(`file ${shown} is ${stat.size} bytes; a mapping file may have at most ${MAX_MAPPING_FILE_BYTES} bytes (8 MiB)`)
    }
    // read at most one byte past the limit: a file that grows while read is still bounded
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_MAPPING_FILE_BYTES) + 1)
    let length = 0
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null)
      if (n === 0) break
      length += n
      if (length >= buffer.length) throw new Error(`file ${shown} grew past ${MAX_MAPPING_FILE_BYTES} bytes while it was read`)
    }
    return buffer.subarray(0, length).toString('utf8')
  } finally {
    closeSync(fd)
  }
}
