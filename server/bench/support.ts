// Shared pieces of the server benches: the row every bench's run() returns (as scripts/bench.ts
// reads it) and what a bench reads of a server process from /proc (Linux).
import { readFileSync } from 'node:fs'

export type { BenchRow } from '../../scripts/bench-row.js'

/** CPU seconds (user + system) a process used so far, from /proc/<pid>/stat (clock ticks, 100/s). */
export function processCpuS(pid: number): number {
  // Fields after the command name: state is field 3, utime 14 and stime 15.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** A memory figure of a process from /proc/<pid>/status, in MB: VmRSS (now) or VmHWM (peak). */
export function processMemoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]) / 1024
}
