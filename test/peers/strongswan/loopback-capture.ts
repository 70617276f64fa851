/**
 * Captures loopback traffic with dumpcap (Debian wireshark-common, pulled in by tshark) while a test runs,
 * so the exchange with a strongSwan peer can be decoded (and decrypted with its logged keys) by tshark.
 * Needs the capture privilege (root here). The process is ended by its PID and dies with the test process.
 *
 * dumpcap says "Capturing on" before its filter is in place (libpcap drops what arrived before), and writes
 * packets in blocks: so the capture counts as started only once a probe datagram sent to a port of its own
 * shows up in the file, and `stop` waits for the packets it expects before ending dumpcap.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freeUdpPorts } from '../../../scripts/peers/strongswan.ts';
import { readPcap } from '../../../src/obs/pcap.ts';

/** Linux loopback frames carry a 14-byte Ethernet header (LINKTYPE_ETHERNET) with zero addresses. */
const ETHERNET_HEADER_LEN = 14;

export interface LoopbackCapture {
  /**
   * Waits until `expectedPackets` were captured (or `timeoutMs` passed), ends dumpcap and returns the IP
   * packets (Ethernet header and probes removed), in capture order. Later calls return the same packets.
   */
  stop(expectedPackets: number, timeoutMs?: number): Promise<Uint8Array[]>;
}

/** UDP destination port of an IPv4 packet, or -1. */
function udpDestinationPort(ip: Uint8Array): number {
  if (ip.length < 20 || ip[0]! >> 4 !== 4 || ip[9] !== 17) return -1;
  const at = (ip[0]! & 0x0f) * 4 + 2;
  return at + 2 <= ip.length ? (ip[at]! << 8) | ip[at + 1]! : -1;
}

function packetsIn(file: string): Uint8Array[] {
  try {
    return readPcap(readFileSync(file)).records.map((r) => r.data.subarray(ETHERNET_HEADER_LEN));
  } catch {
    return []; // not written yet, or a record half written
  }
}

async function waitForCapturing(child: ChildProcess): Promise<void> {
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dumpcap did not start within 5 s: ${stderr}`)), 5000);
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('Capturing on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dumpcap exited (${code}) before capturing: ${stderr}`));
    });
  });
}

/** Starts dumpcap on `lo` with a BPF `filter`, writing `<dir>/loopback.pcap`; resolves once it captures. */
export async function startLoopbackCapture(filter: string, dir: string): Promise<LoopbackCapture> {
  const file = join(dir, 'loopback.pcap');
  const [probePort] = await freeUdpPorts(1);
  const args = ['-q', '-P', '-i', 'lo', '-f', `(${filter}) or udp dst port ${probePort}`, '-w', file];
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'dumpcap', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const end = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGINT'); // dumpcap finishes the file on SIGINT
    }
    await exited;
  };
  const probe = createSocket('udp4');
  try {
    await waitForCapturing(child);
    const deadline = Date.now() + 5000;
    while (!packetsIn(file).some((p) => udpDestinationPort(p) === probePort)) {
      if (Date.now() > deadline) throw new Error('dumpcap captured no probe datagram within 5 s');
      probe.send(Uint8Array.of(0), probePort!, '127.0.0.1');
      await sleep(100);
    }
  } catch (e) {
    await end();
    throw e;
  } finally {
    probe.close();
  }

  const captured = (): Uint8Array[] => packetsIn(file).filter((p) => udpDestinationPort(p) !== probePort);
  let stopped: Promise<Uint8Array[]> | undefined;
  const stop = async (expectedPackets: number, timeoutMs: number): Promise<Uint8Array[]> => {
    const deadline = Date.now() + timeoutMs;
    while (captured().length < expectedPackets && Date.now() < deadline) await sleep(50);
    await end();
    return captured();
  };
  return {
    stop(expectedPackets, timeoutMs = 3000) {
      stopped ??= stop(expectedPackets, timeoutMs); // idempotent: a finally block may stop it again
      return stopped;
    },
  };
}
