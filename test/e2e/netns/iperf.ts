/**
 * A TCP transfer through the tunnel with iperf3 (Debian's): the server on the correspondent node (both families, port
 * 5201), the client in the UE's namespace bound to a home address, `-J` for the numbers. `-R` makes the CN the
 * sender, so the transfer runs downlink (HA → UE tunnel) instead of uplink.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { type Daemon, startDaemon } from '../../peers/dhcp-dns/daemon.ts';
import type { Lab } from './topology.ts';

export interface TcpTransfer {
  /** Bytes the receiving side counted. */
  readonly bytesReceived: number;
  readonly bitsPerSecond: number;
  readonly seconds: number;
  /** TCP retransmissions on the sending side. */
  readonly retransmits: number;
}

/** `iperf3 -s` in the CN's namespace, ready once it listens. */
export function startIperfServer(lab: Lab, dir: string): Promise<Daemon> {
  return startDaemon({
    name: 'iperf3',
    netns: lab.ns.cn,
    argv: ['iperf3', '-s', '--forceflush'],
    logPath: join(dir, 'iperf3-server.log'),
    readyPattern: /Server listening on/,
  });
}

interface IperfJson {
  error?: string;
  end?: {
    sum_sent?: { retransmits?: number };
    sum_received?: { bytes?: number; bits_per_second?: number; seconds?: number };
  };
}

/** One transfer of `seconds` from the UE's `bind` address to `server`; `downlink` reverses it (`-R`). */
export function iperfFromUe(
  lab: Lab,
  o: { server: string; bind: string; seconds: number; downlink: boolean },
): Promise<TcpTransfer> {
  const argv = ['netns', 'exec', lab.ns.ue, 'iperf3', '-c', o.server, '-B', o.bind, '-t', String(o.seconds), '-J'];
  argv.push('--connect-timeout', '3000');
  if (o.downlink) argv.push('-R');
  return new Promise((resolve, reject) => {
    execFile('ip', argv, { timeout: (o.seconds + 10) * 1000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      let json: IperfJson;
      try {
        json = JSON.parse(stdout) as IperfJson;
      } catch {
        reject(new Error(`iperf3 printed no JSON (${error?.message ?? ''}): ${stdout}${stderr}`));
        return;
      }
      const received = json.end?.sum_received;
      if (json.error !== undefined || received?.bytes === undefined) {
        reject(new Error(`iperf3 failed: ${json.error ?? 'no sum_received'}`));
        return;
      }
      resolve({
        bytesReceived: received.bytes,
        bitsPerSecond: received.bits_per_second ?? 0,
        seconds: received.seconds ?? 0,
        retransmits: json.end?.sum_sent?.retransmits ?? 0,
      });
    });
  });
}
