/**
 * What the kernel says about a process we started: CPU time (utime + stime of /proc/PID/stat, in clock ticks of
 * 1/100 s on Linux, `getconf CLK_TCK`) and resident memory (VmRSS of /proc/PID/status), plus the load average that
 * every figure is reported beside (the machine is shared).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

const TICK_MS = 10; // USER_HZ is 100 on every Linux ABI (times(2))

/** CPU time (user + system) the process has used so far, in ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold blanks: count fields after its closing parenthesis.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]); // field 14
  const stime = Number(rest[12]); // field 15
  return (utime + stime) * TICK_MS;
}

/** Resident set size in KiB. */
export function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}

/** The 1-minute load average, as text for a report line. */
export function load1(): string {
  return loadavg()[0]!.toFixed(2);
}
