/**
 * Runs inside a network namespace for tun-netns.test.ts (started with `ip netns exec`): a real TUN device through
 * the native addon, driven by HaTun or UeTun, with the kernel's own UDP sockets as the applications. The tunnel's far
 * end is simulated: what the forwarder sends into a tunnel is answered by swapping addresses and ports. Prints one
 * JSON object with what it saw, then exits.
 */
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { loadHaConfig } from '../../config/load.ts';
import type { DatagramTransport, IpFamily } from '../../net/transport.ts';
import { type IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { buildUdp4, buildUdp6 } from '../../wire/ip/build.ts';
import { decodeIpPacket } from '../../wire/ip/tunnel.ts';
import { parseUdp } from '../../wire/ip/udp.ts';
import { HomeAgent } from '../ha/home-agent.ts';
import { monotonicNowMs } from '../net/clock.ts';
import { HaTun } from './ha-tun.ts';
import type { TunnelOutput } from './tunnel-output.ts';
import { UeTun } from './ue-tun.ts';

const role = process.argv[2];

/** The UDP answer to an inner UDP packet: addresses and ports swapped, payload "pong". */
function answer(inner: Uint8Array): Uint8Array | undefined {
  const ip = decodeIpPacket(inner);
  const p = ip.packet;
  if ((ip.version === 4 ? ip.packet.protocol : ip.packet.nextHeader) !== 17) return undefined;
  const udp = parseUdp(Reader.of(p.payload, 'udp'));
  const o = {
    sourcePort: udp.destinationPort,
    destinationPort: udp.sourcePort,
    payload: new TextEncoder().encode('pong'),
  };
  return ip.version === 4
    ? buildUdp4({ src: ip.packet.destination, dst: ip.packet.source, ...o })
    : buildUdp6({ src: ip.packet.destination, dst: ip.packet.source, ...o });
}

/** A UDP "socket" that records what the forwarder sends and answers it through `reply`. */
function farEnd(reply: (packet: Uint8Array) => void, sent: unknown[]): TunnelOutput {
  const udp: DatagramTransport = {
    family: 4,
    localAddress: Ipv4Address.ANY,
    localPort: 4191,
    send(payload: Uint8Array, to: IpAddress, port: number) {
      const ip = decodeIpPacket(payload);
      sent.push({ to: to.toString(), port, innerSource: ip.packet.source.toString(), length: payload.length });
      const back = answer(payload);
      if (back) setImmediate(() => reply(back));
    },
    onMessage() {},
    close() {},
  };
  return { udp, sendRaw: (_f: IpFamily) => false };
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8' });
}

async function exchange(family: 4 | 6, from: string, to: string, size: number): Promise<string> {
  const s: Socket = createSocket(family === 4 ? 'udp4' : 'udp6');
  await new Promise<void>((resolve) => s.bind(0, from, resolve));
  const got = new Promise<string>((resolve) => {
    s.on('message', (m) => resolve(m.toString()));
    setTimeout(() => resolve('timeout'), 1500);
  });
  s.send(new Uint8Array(size), 7, to);
  const r = await got;
  s.close();
  return r;
}

async function homeAgent(): Promise<unknown> {
  const config = loadHaConfig({
    text: [
      'ha:',
      '  addresses: { ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }',
      '  ike: { identity: ha.example.net, certificate: c.pem, privateKey: k.pem }',
      '  aaa: { subscriberFile: s.json }',
      '  homePrefixPool: { base: "2001:db8:100::/40" }',
      '  ipv4HomeAddressPool: [10.10.0.0/30]',
      '  tun: { enabled: true, name: dsmtun-ha, mtu: 1500, linkMtu: 1400 }',
    ].join('\n'),
  });
  const sent: unknown[] = [];
  let tun: HaTun | undefined;
  tun = HaTun.open(config, {
    output: farEnd((p) => tun?.fromMobileNode(p), sent),
    isMobileRouter: () => false,
    now: monotonicNowMs,
  });
  const hoa = Ipv6Address.parse('2001:db8:100::5');
  tun.applyBindingEvent({
    kind: 'binding-created',
    homeAddress: hoa,
    careOf: Ipv4Address.parse('198.51.100.7'),
    tunnel: {
      kind: 'udp4',
      source: Ipv4Address.parse('192.0.2.1'),
      destination: Ipv4Address.parse('203.0.113.5'),
      sourcePort: 4191,
      destinationPort: 20000,
    },
    lifetimeSec: 3600,
    ikeSaId: '1',
    keyManagementMobility: false,
    natDetected: true,
  });
  tun.applyBindingEvent({
    kind: 'ipv4-hoa-assigned',
    homeAddress: hoa,
    ipv4HomeAddress: Ipv4Address.parse('10.10.0.1'),
    dynamic: true,
  });
  const routes = ip('-j', 'route', 'show', 'dev', 'dsmtun-ha');
  const routes6 = ip('-6', '-j', 'route', 'show', 'dev', 'dsmtun-ha');
  const pong4 = await exchange(4, '203.0.113.9', '10.10.0.1', 32);
  const pong6 = await exchange(6, '2001:db8:5::9', '2001:db8:100::5', 32);
  const unbound = await exchange(4, '203.0.113.9', '10.10.0.2', 32);
  // Too big for the tunnel (1400 - 28 = 1372 inside): the kernel learns the path MTU from our ICMP errors.
  await exchange(4, '203.0.113.9', '10.10.0.1', 1450);
  await exchange(6, '2001:db8:5::9', '2001:db8:100::5', 1450);
  const pmtu4 = ip('route', 'get', '10.10.0.1');
  const pmtu6 = ip('-6', 'route', 'get', '2001:db8:100::5');
  const status = tun.status();
  tun.close();
  await new Promise((r) => setTimeout(r, 50));
  const left = ip('-j', 'link', 'show');
  return { routes, routes6, pong4, pong6, unbound, pmtu4, pmtu6, sent, status, left };
}

async function userEquipment(): Promise<unknown> {
  const sent: unknown[] = [];
  const hoa = Ipv6Address.parse('2001:db8:100::5');
  let tun: UeTun | undefined;
  tun = new UeTun({
    config: { enabled: true, name: 'dsmtun-ue', mtu: 1400, routes: [] },
    homeAddress: hoa,
    homeAgent: { ipv6: Ipv6Address.parse('2001:db8:1::1'), ipv4: Ipv4Address.parse('192.0.2.1') },
    output: farEnd((p) => tun?.fromHomeAgent(p), sent),
    now: monotonicNowMs,
  });
  tun.apply({
    kind: 'registered',
    homeAgent: Ipv6Address.parse('2001:db8:1::1'),
    careOf: Ipv4Address.parse('192.0.2.100'),
    lifetimeSec: 3600,
    ipv4HomeAddress: Ipv4Address.parse('10.10.0.1'),
    tunnel: {
      kind: 'udp4',
      source: Ipv4Address.parse('192.0.2.100'),
      destination: Ipv4Address.parse('192.0.2.1'),
      sourcePort: 4191,
      destinationPort: 4191,
    },
    refresh: false,
    prefixDiscoveryNeeded: false,
    keyManagementMobility: false,
  });
  const addresses = ip('-j', 'addr', 'show', 'dev', 'dsmtun-ue');
  const viaDefault = ip('-j', 'route', 'get', '198.51.100.50');
  const toHa = ip('-j', 'route', 'get', '192.0.2.1');
  const toHa6 = ip('-6', '-j', 'route', 'get', '2001:db8:1::1');
  const pong4 = await exchange(4, '0.0.0.0', '198.51.100.50', 32); // source chosen by the kernel: the IPv4 HoA
  const pong6 = await exchange(6, '::', '2001:db8:5::9', 32);
  const counters = tun.counters;
  tun.close();
  await new Promise((r) => setTimeout(r, 50));
  const left = ip('-j', 'link', 'show');
  const pinsLeft = ip('route', 'show', '192.0.2.1');
  return { addresses, viaDefault, toHa, toHa6, pong4, pong6, sent, counters, left, pinsLeft };
}

/** The runnable HomeAgent with `tun.enabled`: the device comes up with the node, shows in /status, goes with stop(). */
async function homeAgentNode(): Promise<unknown> {
  const pki = new URL('../../../examples/demo-pki/', import.meta.url).pathname;
  const config = loadHaConfig({
    text: [
      'ha:',
      '  addresses: { ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }',
      `  ike: { identity: ha.example.net, certificate: "${pki}ha-ecdsa.pem", privateKey: "${pki}ha-ecdsa.key" }`,
      `  aaa: { subscriberFile: "${new URL('../../../examples/subscribers.json', import.meta.url).pathname}" }`,
      '  homePrefixPool: { base: "2001:db8:100::/40" }',
      '  ipv4HomeAddressPool: [10.10.0.0/30]',
      '  metrics: { enabled: false }',
      '  tun: { enabled: true, name: dsmtun-node }',
      '  logging: { level: error }',
    ].join('\n'),
  });
  // UDP only: this checks the device's life with the node, not the raw sockets.
  const rawSupport = {
    available: false,
    reason: 'not-privileged',
    detail: 'raw sockets left out of this test',
  } as const;
  const ha = await HomeAgent.start(config, { processMetrics: false, rawSupport });
  const status = ha.status();
  const up = ip('-j', 'link', 'show', 'dev', 'dsmtun-node');
  await ha.stop();
  const left = ip('-j', 'link', 'show');
  return { tun: status.tun, up, left };
}

const result = role === 'ha' ? await homeAgent() : role === 'ha-node' ? await homeAgentNode() : await userEquipment();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
