/**
 * dumpcap on one interface inside a lab namespace (the HA's WAN link), writing a pcap of Ethernet frames.
 * dumpcap says "Capturing on" before libpcap really receives, so the capture counts as started only once a probe
 * (a UDP datagram to the discard port 9 from a neighbour namespace) shows up in the file. `stop` sends one more
 * probe and waits for it (libpcap delivers in blocks: frames still in a block would be lost), then ends dumpcap with
 * SIGINT (it then finishes the file). The probes stay in the file: they decode like any other packet.
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readPcap } from '../../../src/obs/pcap.ts';

export interface WanCapture {
  readonly file: string;
  /** Ends dumpcap (idempotent) and returns the captured Ethernet frames. */
  stop(): Promise<Uint8Array[]>;
}

const ETHERTYPE_IPV4 = 0x0800;
const UDP = 17;
const DISCARD_PORT = 9; // RFC 863

/** The probe: IPv4 UDP to the discard port, seen in an Ethernet frame. */
function isProbe(frame: Uint8Array): boolean {
  if (frame.length < 14 + 20 + 4) return false;
  if (((frame[12]! << 8) | frame[13]!) !== ETHERTYPE_IPV4 || frame[14 + 9] !== UDP) return false;
  const at = 14 + (frame[14]! & 0x0f) * 4 + 2;
  return at + 2 <= frame.length && ((frame[at]! << 8) | frame[at + 1]!) === DISCARD_PORT;
}

function framesIn(file: string): Uint8Array[] {
  try {
    return readPcap(readFileSync(file)).records.map((r) => r.data);
  } catch {
    return []; // not written yet, or a record half written
  }
}

/**
 * Starts dumpcap on `iface` in `netns`; the probe goes from `probeFrom` (the neighbour namespace) to `probeTo` (an
 * IPv4 address behind `iface`) until the capture shows it.
 */
export async function startWanCapture(o: {
  netns: string;
  iface: string;
  dir: string;
  probeFrom: string;
  probeTo: string;
}): Promise<WanCapture> {
  const file = join(o.dir, 'ha-wan.pcap');
  const child = spawn(
    'setpriv',
    ['--pdeathsig', 'KILL', '--', 'ip', 'netns', 'exec', o.netns, 'dumpcap', '-q', '-P', '-i', o.iface, '-w', file],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const end = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGINT');
    }
    await exited;
  };
  /** Sends probes until one more than `seen` is in the file: everything captured before it is written too. */
  const flushed = async (seen: number): Promise<void> => {
    const deadline = Date.now() + 5000;
    while (framesIn(file).filter(isProbe).length <= seen) {
      if (child.exitCode !== null) throw new Error(`dumpcap exited (${child.exitCode}): ${stderr}`);
      if (Date.now() > deadline) throw new Error(`dumpcap wrote no probe within 5 s: ${stderr}`);
      await sendProbe(o.probeFrom, o.probeTo);
      await sleep(100);
    }
  };
  try {
    await flushed(0);
  } catch (e) {
    await end();
    throw e;
  }
  let stopped: Promise<Uint8Array[]> | undefined;
  return {
    file,
    stop: () => {
      // libpcap hands packets over in blocks: a last probe in the file means the frames before it are there too.
      // A capture that cannot be flushed still ends; checks on what it lacks then fail with the packet summary.
      stopped ??= flushed(framesIn(file).filter(isProbe).length)
        .catch(() => undefined)
        .then(end)
        .then(() => framesIn(file));
      return stopped;
    },
  };
}

/** One UDP datagram from `netns` to `address` port 9, through bash's /dev/udp (no extra tool needed). */
function sendProbe(netns: string, address: string): Promise<void> {
  const script = `echo probe > /dev/udp/${address}/${DISCARD_PORT}`;
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', netns, 'bash', '-c', script], () => resolve());
  });
}
