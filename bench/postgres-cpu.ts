import fs from 'node:fs'
import path from 'node:path'

// Linux's clock tick for /proc times; USER_HZ is 100 on every architecture Node runs on.
const TICKS_PER_SECOND = 100

/** User plus system CPU seconds a process has used so far (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name may hold spaces: the fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  } catch {
    return 0
  }
}

function parentOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return -1
  }
}

/** The Postgres server's processes: its postmaster (first line of postmaster.pid) and every child (backends, walwriter, autovacuum...). */
export function postgresPids(dataDir: string): number[] {
  const postmaster = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
  const children = fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => parentOf(pid) === postmaster)
  return [postmaster, ...children]
}

/** CPU seconds of a set of processes, read again by `since()`: the processes of a server are listed anew each time. */
export function cpuOf(pids: () => number[]): { since(): number } {
  const start = new Map(pids().map((pid) => [pid, cpuSeconds(pid)]))
  return {
    since: () => pids().reduce((sum, pid) => sum + cpuSeconds(pid) - (start.get(pid) ?? 0), 0),
  }
}
