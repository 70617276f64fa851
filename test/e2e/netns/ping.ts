/**
 * `ping` (iputils) inside a lab namespace, read the way a user reads it: how many echo requests went out, how many
 * replies came back, and the ICMP errors it printed ("From <source> icmp_seq=<n> <text>"), with the MTU that a
 * Fragmentation Needed (RFC 1191 §4) or Packet Too Big (RFC 4443 §3.2) carried. A run without replies is a result,
 * not an exception (ping exits 1 then).
 */
import { execFile } from 'node:child_process';

export interface PingOptions {
  readonly count?: number;
  /** `-W`: how long to wait for each reply. */
  readonly waitSec?: number;
  /** `-i`: the gap between requests. */
  readonly intervalSec?: number;
  /** `-I`: the source address. */
  readonly from?: string;
  /** `-s`: bytes of ICMP data (the packet is 28 bytes longer in IPv4, 48 in IPv6). */
  readonly size?: number;
  /** `-M do` (DF set in IPv4, no fragmentation at the source in IPv6) or `-M dont` (fragment when needed). */
  readonly pmtuDiscovery?: 'do' | 'dont';
}

export interface PingError {
  readonly source: string;
  readonly text: string;
  /** The MTU a Fragmentation Needed or Packet Too Big reported. */
  readonly mtu?: number;
}

export interface PingResult {
  readonly transmitted: number;
  readonly received: number;
  readonly errors: readonly PingError[];
  /** The whole output, for failure messages. */
  readonly output: string;
}

function args(destination: string, o: PingOptions): string[] {
  const a = [destination.includes(':') ? '-6' : '-4', '-n', '-c', String(o.count ?? 3), '-W', String(o.waitSec ?? 2)];
  a.push('-i', String(o.intervalSec ?? 0.2));
  if (o.from !== undefined) a.push('-I', o.from);
  if (o.size !== undefined) a.push('-s', String(o.size));
  if (o.pmtuDiscovery !== undefined) a.push('-M', o.pmtuDiscovery);
  a.push(destination);
  return a;
}

export function parsePing(output: string): PingResult {
  const summary = /(\d+) packets transmitted, (\d+) received/.exec(output);
  const errors = [...output.matchAll(/^From (\S+) icmp_seq=\d+ (.+)$/gm)].map((m): PingError => {
    const mtu = /mtu ?= ?(\d+)/.exec(m[2]!);
    return { source: m[1]!, text: m[2]!.trim(), ...(mtu ? { mtu: Number(mtu[1]) } : {}) };
  });
  return {
    transmitted: Number(summary?.[1] ?? 0),
    received: Number(summary?.[2] ?? 0),
    errors,
    output,
  };
}

/** Runs ping in `netns`; rejects only when ping could not run or printed no summary (exit status 2). */
export function ping(netns: string, destination: string, options: PingOptions = {}): Promise<PingResult> {
  const argv = ['netns', 'exec', netns, 'ping', ...args(destination, options)];
  return new Promise((resolve, reject) => {
    execFile('ip', argv, { env: { ...process.env, LC_ALL: 'C' }, timeout: 30_000 }, (error, stdout, stderr) => {
      const output = `$ ping ${argv.slice(4).join(' ')}\n${stdout}${stderr}`;
      if (!/packets transmitted/.test(stdout)) {
        reject(new Error(`ping did not run: ${error?.message ?? ''}\n${output}`));
        return;
      }
      resolve(parsePing(output));
    });
  });
}
