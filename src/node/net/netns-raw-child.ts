/**
 * Runs inside a fresh network namespace for raw-netns.test.ts (started with `ip netns exec`), with the raw IPv6
 * paths against the real kernel (no CONFIG_IPV6_MIP6 on these machines). Prints one JSON object, then exits.
 *  - `guard`: HAO, RH2 and plain protocol 41 packets to addresses on lo, some guarded by a KernelGuard (one moved
 *    out of the set by `update`), and which of them drew an ICMPv6 error (seen on lo through AF_PACKET).
 *  - `reader`: a provider's raw IPv6 transports on one interface of a veth pair (promiscuous), fed through the other
 *    end: how many AF_PACKET sockets exist, and what reached the ESP transport; then a send with no route (refused)
 *    and one with a route, and which of them were traced as sent.
 */

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { RawProtocol } from '../../net/transport.ts';
import { copyBytes } from '../../util/bytes.ts';
import { Ipv6Address } from '../../util/ip-address.ts';
import { buildIpv6Packet } from '../../wire/ip/build.ts';
import { KernelGuard } from './kernel-guard.ts';
import { nativeModule, PacketHandle } from './native.ts';
import { NodeTransportProvider } from './transport-provider.ts';

const v6 = (s: string) => Ipv6Address.parse(s);
const native = nativeModule();
const ESP_BODY = new Uint8Array(24).fill(0xab);

function sh(...args: string[]): void {
  execFileSync(args[0]!, args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The elements of a guard set, as nft prints them (protocols by name). */
function nftSet(table: string, set: string): string[] {
  const listed = execFileSync('nft', ['list', 'set', 'ip6', table, set], { encoding: 'utf8' });
  const m = /elements = \{([^}]*)\}/.exec(listed);
  return (m?.[1] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')
    .sort();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sendAll(packets: readonly Uint8Array[]): void {
  const out = new PacketHandle(native.openRaw(6, 255), native);
  for (const p of packets) {
    if (!out.sendTo(p, copyBytes(p, 24, 40))) throw new Error(`sendTo failed: errno ${out.counters.lastError}`);
  }
  out.close();
}

async function guard(): Promise<unknown> {
  sh('ip', 'link', 'set', 'lo', 'up');
  const source = v6('2001:db8::10');
  const guarded = v6('2001:db8::1');
  const moved = v6('2001:db8::3');
  const open = v6('2001:db8::2');
  for (const a of [source, guarded, moved, open]) sh('ip', '-6', 'addr', 'add', `${a}/128`, 'dev', 'lo', 'nodad');
  const g = KernelGuard.install({ addresses: [moved], protocols: [RawProtocol.ESP] });
  if (!(g instanceof KernelGuard)) throw new Error(g);
  const updated = g.update({ addresses: [guarded], protocols: [RawProtocol.ESP, RawProtocol.IPV6_IN_IP] });
  if (updated !== undefined) throw new Error(updated);
  // ICMPv6 errors go back to `source`, on lo: the invoking packet's destination names the probe that drew it.
  const errors: Record<string, string[]> = {};
  const probe = new PacketHandle(native.openPacket('lo', 0x86dd, []), native);
  probe.onPackets((packets) => {
    for (const p of packets) {
      if (p[6] !== 58 || p.length < 48 + 40 || (p[40] as number) >= 128) continue;
      const dst = Ipv6Address.fromBytes(p.subarray(48 + 24, 48 + 40)).toString();
      errors[dst] = [...(errors[dst] ?? []), `type ${p[40]} code ${p[41]}`];
    }
  });
  const esp = { src: source, nextHeader: RawProtocol.ESP, payload: ESP_BODY };
  const plain41 = (dst: Ipv6Address) =>
    buildIpv6Packet({ src: source, dst, nextHeader: 41, payload: buildIpv6Packet({ ...esp, dst }) });
  sendAll(
    [guarded, moved, open].flatMap((dst) => [
      buildIpv6Packet({ ...esp, dst, homeAddressOption: source }),
      buildIpv6Packet({ ...esp, dst, routingHeaderType2: source }),
      plain41(dst),
    ]),
  );
  await sleep(300);
  probe.close();
  g.remove();
  return { errors };
}

async function reader(): Promise<unknown> {
  const src = v6('2001:db8:b::1'); // a raw IPv6 socket sends only from the host's own addresses
  sh('ip', 'link', 'set', 'lo', 'up');
  sh('ip', '-6', 'addr', 'add', `${src}/128`, 'dev', 'lo', 'nodad');
  sh('ip', 'link', 'add', 'dsma', 'type', 'veth', 'peer', 'name', 'dsmb');
  for (const dev of ['dsma', 'dsmb']) sh('ip', 'link', 'set', dev, 'up');
  sh('ip', 'link', 'set', 'dsma', 'promisc', 'on');
  const mac = readFileSync('/sys/class/net/dsma/address', 'utf8').trim();
  // Out of dsmb to dsma: ::98 with dsma's MAC (PACKET_HOST there), ::99 with another host's (PACKET_OTHERHOST).
  const host = v6('2001:db8:a::98');
  const other = v6('2001:db8:a::99');
  for (const [a, lladdr] of [
    [host, mac],
    [other, '02:00:00:00:00:99'],
  ] as const) {
    sh('ip', '-6', 'route', 'add', `${a}/128`, 'dev', 'dsmb');
    sh('ip', '-6', 'neigh', 'add', String(a), 'lladdr', lladdr, 'dev', 'dsmb', 'nud', 'permanent');
  }
  const sentTraces: string[] = [];
  const locals = [host, other];
  const provider = new NodeTransportProvider({
    localAddresses: () => locals,
    rawInterface: 'dsma',
    onRawTrace: (t) => {
      if (t.direction === 'sent') sentTraces.push(Ipv6Address.fromBytes(t.packet.subarray(24, 40)).toString());
    },
  });
  const esp = await provider.openRaw(RawProtocol.ESP, 6);
  await provider.openRaw(RawProtocol.IPV6_IN_IP, 6);
  const ipip = await provider.openRaw(RawProtocol.IPV4_IN_IP, 6);
  const guardTable = provider.rawStatus().kernelGuard;
  const guardedBefore = nftSet(guardTable, 'addresses');
  // /proc/net/packet: one line per AF_PACKET socket in this namespace, after its header line.
  const packetSockets = readFileSync('/proc/net/packet', 'utf8').trim().split('\n').length - 1;
  const got: string[] = [];
  esp.onPacket((p) => got.push(Ipv6Address.fromBytes(p.packet.subarray(24, 40)).toString()));
  const body = { src, nextHeader: RawProtocol.ESP, payload: ESP_BODY };
  const firstFragment = new Uint8Array([RawProtocol.ESP, 0, 0, 1, 0, 0, 0, 9, ...ESP_BODY]);
  sendAll([
    buildIpv6Packet({ ...body, dst: host, homeAddressOption: src }),
    buildIpv6Packet({ ...body, dst: other }),
    buildIpv6Packet({ src, dst: host, nextHeader: 17, payload: new Uint8Array([0, 9, 0, 9, 0, 12, 0, 0, 1, 2, 3, 4]) }),
    buildIpv6Packet({ src, dst: host, nextHeader: 44, payload: firstFragment }),
  ]);
  await sleep(300);
  // The node moves to `src` (a UE's new care-of address): its next packet from there brings the guard along.
  locals.push(src);
  // No route to 2001:db8:ffff::1 in this namespace: ENETUNREACH.
  const sends = [v6('2001:db8:ffff::1'), host].map((dst) => esp.send(buildIpv6Packet({ ...body, dst })) as unknown);
  const status = provider.rawStatus();
  const guardedAfter = nftSet(guardTable, 'addresses');
  const openCounts = [provider.openCount];
  ipip.close(); // on its own: the provider forgets it, the guard stops dropping protocol 4
  openCounts.push(provider.openCount);
  const protocolsLeft = nftSet(guardTable, 'protocols');
  await provider.closeAll();
  openCounts.push(provider.openCount);
  const afterClose = readFileSync('/proc/net/packet', 'utf8').trim().split('\n').length - 1;
  const espStatus = status.sockets.find((s) => s.label === 'raw6/50');
  return {
    packetSockets,
    afterClose,
    got,
    reader: status.ipv6Reader,
    sends,
    sentTraces,
    espStatus,
    guardedBefore,
    guardedAfter,
    protocolsLeft,
    openCounts,
  };
}

const role = process.argv[2];
const result = role === 'guard' ? await guard() : await reader();
console.log(JSON.stringify(result));
process.exit(0);
