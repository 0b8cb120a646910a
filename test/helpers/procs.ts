// Processes as Linux's /proc shows them, for tests that check what is left running and for the
// benchmark's readings. A process that ends while it is read is left out.
import { readdirSync, readFileSync } from 'node:fs'

export interface Proc {
  pid: number
  ppid: number
  /** The one-letter state: R, S, Z (ended, waiting to be reaped), ... */
  state: string
  /** utime + stime, in clock ticks. */
  cpuTicks: number
  /** The command line, its words joined by spaces. */
  cmdline: string
}

/** One process, or undefined once it has gone. */
export function proc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // after "pid (comm) ": comm may hold spaces and parentheses
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()
    return { pid, ppid: Number(fields[1]), state: fields[0]!, cpuTicks: Number(fields[11]) + Number(fields[12]), cmdline }
  } catch {
    return undefined
  }
}

export function processes(): Proc[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => proc(Number(name)))
    .filter((p): p is Proc => p !== undefined)
}

/** "pid: command line" of every live (not zombie) process whose environment holds the marker. */
export function processesWith(marker: string): string[] {
  return processes()
    .filter((p) => p.state !== 'Z' && environ(p.pid).includes(marker))
    .map((p) => `${p.pid}: ${p.cmdline}`)
}

function environ(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8')
  } catch {
    return '' // gone, or not ours to read
  }
}
