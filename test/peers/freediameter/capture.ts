/**
 * dumpcap on loopback for the test's Diameter ports, and tshark's Diameter dissector over the result: one entry
 * per Diameter message with what the dissector found wrong (malformed items, expert errors and warnings).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Daemon, startDaemon } from '../dhcp-dns/daemon.ts';

const run = promisify(execFile);

export interface CapturedMessage {
  readonly frame: string;
  readonly command: string;
  readonly request: boolean;
  /** The T flag (RFC 6733 §3). */
  readonly retransmit: boolean;
  /** Every AVP code, nested ones included, in order. */
  readonly avpCodes: number[];
  readonly problems: string[];
}

export interface Capture {
  stop(): Promise<void>;
  /** Stops the capture (once) and decodes it. */
  decode(): Promise<CapturedMessage[]>;
}

export async function startCapture(dir: string, ports: readonly number[]): Promise<Capture> {
  const file = join(dir, 'diameter.pcapng');
  const filter = ports.map((p) => `tcp port ${p}`).join(' or ');
  const daemon: Daemon = await startDaemon({
    name: 'dumpcap',
    argv: ['dumpcap', '-q', '-i', 'lo', '-f', filter, '-w', file],
    logPath: join(dir, 'dumpcap.log'),
    readyPattern: /Capturing on|File:/,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await new Promise((r) => setTimeout(r, 200)); // let the last segments reach the ring buffer
    await daemon.stop();
  };
  return {
    stop,
    async decode() {
      await stop();
      const args = ['-n', '-r', file, '-Y', 'diameter', '-T', 'json', '--no-duplicate-keys'];
      for (const p of ports) args.push('-d', `tcp.port==${p},diameter`);
      const { stdout } = await run('tshark', args, {
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, WIRESHARK_CONFIG_DIR: dir },
      });
      const packets = JSON.parse(stdout) as { _source: { layers: Record<string, unknown> } }[];
      const out: CapturedMessage[] = [];
      for (const p of packets) {
        const layers = p._source.layers;
        const frame = String((layers.frame as Record<string, unknown>)['frame.number']);
        const diameters = Array.isArray(layers.diameter) ? layers.diameter : [layers.diameter];
        for (const d of diameters as Record<string, unknown>[]) {
          const text = JSON.stringify(d);
          const problems: string[] = [];
          if ('_ws.malformed' in layers || text.includes('_ws.malformed')) problems.push('malformed');
          // Any expert item inside the Diameter layer (bad AVP length, bad flags, unknown AVP with M set...).
          for (const m of text.matchAll(/"_ws\.expert\.message":"([^"]*)"/g)) problems.push(m[1]!);
          out.push({
            frame,
            command: String(d['diameter.cmd.code']),
            request: ['1', 'True', 'true'].includes(String(findFlag(d, 'diameter.flags.request'))),
            retransmit: ['1', 'True', 'true'].includes(String(findFlag(d, 'diameter.flags.T'))),
            avpCodes: [...text.matchAll(/"diameter\.avp\.code":"(\d+)"/g)].map((m) => Number(m[1])),
            problems,
          });
        }
      }
      return out;
    },
  };
}

function findFlag(tree: unknown, key: string): unknown {
  if (tree === null || typeof tree !== 'object') return undefined;
  const rec = tree as Record<string, unknown>;
  if (key in rec) return rec[key];
  for (const v of Object.values(rec)) {
    const hit = findFlag(v, key);
    if (hit !== undefined) return hit;
  }
  return undefined;
}
