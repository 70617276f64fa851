/**
 * User traffic through the tunnel (TS 24.303 §5.1.2.4 / §5.1.3.2 last paragraphs): a UDP echo server on the
 * correspondent node (port 7, RFC 862) that logs every source it hears, and a one-shot client in the UE's namespace.
 * With the UE's and the HA's TUN devices up, the client's datagrams leave from the home addresses and the CN answers
 * them there: the CN sees the HoAs, never the care-of address or the NAT's.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Daemon, startDaemon } from '../../peers/dhcp-dns/daemon.ts';
import type { Lab } from './topology.ts';

const run = promisify(execFile);
const ECHO_PORT = 7; // RFC 862

const SERVER = `
const dgram = require('node:dgram');
for (const [type, address] of [['udp4', process.argv[1]], ['udp6', process.argv[2]]]) {
  const s = dgram.createSocket(type);
  s.on('message', (m, from) => { console.log('from ' + from.address); s.send(m, from.port, from.address); });
  s.bind(${ECHO_PORT}, address, () => console.log('listening ' + address));
}`;

const CLIENT = `
const dgram = require('node:dgram');
const to = process.argv[1];
const s = dgram.createSocket(to.includes(':') ? 'udp6' : 'udp4');
const done = (result) => { console.log(JSON.stringify(result)); process.exit(0); };
setTimeout(() => done({ error: 'no echo within 3 s' }), 3000);
s.on('error', (e) => done({ error: e.message }));
s.connect(${ECHO_PORT}, to, (e) => {
  if (e) return done({ error: e.message });
  const local = s.address().address;
  s.on('message', (m) => done({ local, reply: String(m) }));
  // A datagram the tunnel is not ready for is lost: send a few.
  for (let i = 0; i < 3; i++) setTimeout(() => s.send('dsmip-e2e'), i * 200);
});`;

/** The echo server on the CN's IPv4 and IPv6 addresses; its log lists the sources it heard (`echoSources`). */
export function startEchoServer(lab: Lab, dir: string): Promise<Daemon> {
  return startDaemon({
    name: 'udp-echo',
    netns: lab.ns.cn,
    argv: [process.execPath, '-e', SERVER, lab.cnIpv4, lab.cnIpv6],
    logPath: join(dir, 'udp-echo.log'),
    readyPattern: /listening .*\n.*listening/,
  });
}

export function echoSources(server: Daemon): string[] {
  return [...server.log().matchAll(/^from (\S+)$/gm)].map((m) => m[1]!);
}

/** One echo from the UE's namespace to `destination`: the local address the kernel chose and the reply. */
export async function echoFromUe(
  lab: Lab,
  destination: string,
): Promise<{ local?: string; reply?: string; error?: string }> {
  const { stdout } = await run('ip', ['netns', 'exec', lab.ns.ue, process.execPath, '-e', CLIENT, destination]);
  return JSON.parse(stdout.trim()) as { local?: string; reply?: string; error?: string };
}
