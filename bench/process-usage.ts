// What a client process costs, read from Linux's /proc (elsewhere the figures are not available):
// - CPU time: the bench process's `cutime + cstime` (fields 16 and 17 of /proc/self/stat) count the
//   CPU of every child once it has exited and been waited for, its own children included. Clients run
//   one at a time, so the growth across one client's run is that client's CPU time. Exact, in clock
//   ticks (10 ms here), whatever the client is written in.
// - Peak memory: the high-water mark of the client's resident set (VmHWM in /proc/<pid>/status),
//   read every few milliseconds while it runs; the last reading before it exits is its peak.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const POLL_MS = 5;

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU milliseconds of this process's exited children so far; undefined off Linux. */
export function exitedChildrenCpuMs(): number | undefined {
  let stat: string;
  try {
    stat = readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cutime = Number(fields[13]);
  const cstime = Number(fields[14]);
  return ((cutime + cstime) * 1000) / clockTicks();
}

function highWaterMarkKb(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined; // gone already
  }
}

export interface PeakWatch {
  /** Stops watching; the largest resident set seen, in MB (NaN when it could not be read). */
  stop(): number;
}

/** Watches a running process's peak resident memory until stop(). */
export function watchPeakMemory(pid: number | undefined): PeakWatch {
  let peakKb = NaN;
  const read = (): void => {
    if (pid === undefined) return;
    const kb = highWaterMarkKb(pid);
    if (kb !== undefined) peakKb = Number.isNaN(peakKb) ? kb : Math.max(peakKb, kb);
  };
  read();
  const timer = setInterval(read, POLL_MS);
  return {
    stop: () => {
      clearInterval(timer);
      return peakKb / 1024;
    },
  };
}
