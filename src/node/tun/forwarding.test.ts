// User traffic through the tunnel on the simulated network (virtual time), a forwarder with a fake packet device on
// each end. The HA's binding comes from its core; the framing is the one TS 24.303 §5.1.3.2 / §5.1.2.4 give:
//   nat:  CN ─dev─▶ HA ══ UDP 4191 / IPv4 ══▶ NAT ══▶ UE ─dev─▶ app   (NAT detected, RFC 5555 §4.1)
//   ipv4: CN ─dev─▶ HA ══ IPv4 protocol 41 / 4 ══▶ UE                 (IPv4 CoA, no NAT)
//   ipv6: CN ─dev─▶ HA ══ IPv6 next header 41 / 4 ══▶ UE              (IPv6 CoA, RFC 6275 §10.4.2)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CN4, CN6, COA4_B, HA4, HOA_2 } from '../../mip/test-fixtures.ts';
import type { SimNetwork } from '../../net/sim/network.ts';
import { SimTransportHost } from '../../net/sim/sim-transport.ts';
import { toHex } from '../../util/hex.ts';
import { Ipv6Address } from '../../util/ip-address.ts';
import { decodeIpv4 } from '../../wire/ip/ipv4.ts';
import { decodeIpv6 } from '../../wire/ip/ipv6.ts';
import { encapsulateIpInIp } from '../../wire/ip/tunnel.ts';
import { buildTunnelWorld, COA4, HOA, ping, type Topology } from './test-support.ts';

/** How the packets delivered to `node` were framed: udp, ipv4/41, ipv4/4, ipv6/41, ipv6/4. */
function framings(net: SimNetwork, node: string): string[] {
  return net.trace
    .filter((e) => e.event === 'delivered' && e.to === node)
    .map((e) => {
      const p = e.packet;
      if (p[0]! >> 4 === 4) return p[9] === 17 ? 'udp' : `ipv4/${p[9]}`;
      return `ipv6/${p[6]}`;
    });
}

/** An address in no bound home prefix. */
const UNBOUND = Ipv6Address.parse('2001:db8:9::9');

const EXPECTED: Record<Topology, string[]> = {
  nat: ['udp', 'udp'],
  ipv4: ['ipv4/41', 'ipv4/4'],
  ipv6: ['ipv6/41', 'ipv6/4'],
};

for (const t of ['nat', 'ipv4', 'ipv6'] as const) {
  test(`${t}: pings both ways for the IPv6 and the IPv4 home address`, () => {
    const w = buildTunnelWorld(t);
    const setupDrops = w.core.counters.uplinkDropped['no-binding-for-source']; // the NAT-opening packet before the BU
    w.net.trace.length = 0;
    const down = [ping(CN6, HOA), ping(CN4, w.ipv4HomeAddress)];
    w.haDevice.inject(...down);
    w.net.runUntilQuiescent();
    assert.deepEqual(w.ueDevice.take().map(toHex), down.map(toHex), 'HA → UE, unchanged inside the tunnel');
    assert.deepEqual(framings(w.net, 'ue'), EXPECTED[t]);
    const up = [ping(HOA, CN6, 1200), ping(w.ipv4HomeAddress, CN4, 300)];
    w.ueDevice.inject(...up);
    w.net.runUntilQuiescent();
    assert.deepEqual(w.haDevice.take().map(toHex), up.map(toHex), 'UE → HA, accepted and written to the device');
    assert.deepEqual(framings(w.net, 'ha'), EXPECTED[t]);
    assert.deepEqual(w.ha.counters.intoTunnel, { packets: 2, bytes: 64 + 64 });
    assert.deepEqual(w.ha.counters.outOfTunnel, { packets: 2, bytes: 1500 });
    assert.deepEqual(
      w.ue.counters.intoTunnel,
      t === 'ipv6' ? { packets: 2, bytes: 1500 } : { packets: 3, bytes: 64 + 1500 },
    );
    assert.equal(w.core.counters.uplinkDropped['no-binding-for-source'], setupDrops);
    assert.equal(setupDrops, t === 'ipv6' ? 0 : 1);
  });
}

test('inner source spoofing: a bound HoA from another tunnel, and an unbound source, are dropped and counted', () => {
  const w = buildTunnelWorld('nat');
  // A second socket behind the same NAT gets another mapping: the inner source is bound, but not to this tunnel.
  const other = w.ueHost.openUdpNow({ family: 4, port: 40001 });
  other.send(ping(HOA, CN6), w.haUdpSeen[0]!.local, 4191);
  w.net.runUntilQuiescent();
  assert.equal(w.core.counters.uplinkDropped['spoofed-inner-source'], 1);
  // The UE's own tunnel with an inner source nobody bound.
  other.close();
  const udp = w.ueHost.openUdpNow({ family: 4, port: 40002 });
  udp.send(ping(UNBOUND, CN6), w.haUdpSeen[0]!.local, 4191);
  w.net.runUntilQuiescent();
  assert.equal(w.core.counters.uplinkDropped['no-binding-for-source'], 2); // with the NAT-opening ping
  assert.deepEqual(w.haDevice.take(), [], 'nothing reached the core network');
  // The UE itself never sends a packet whose source is not a home address.
  w.ueDevice.inject(ping(UNBOUND, CN6), ping(Ipv6Address.parse('fe80::1'), CN6));
  assert.equal(w.ue.counters.drops['source-not-home-address'], 1);
  assert.equal(w.ue.counters.drops['link-local'], 1);
});

test('IP-in-IP spoofing: protocol 41 from another address than the CoA, or UDP for a plain IPv4 tunnel', () => {
  const w = buildTunnelWorld('ipv4');
  const evil = new SimTransportHost({ addresses: [COA4_B], raw: true });
  w.net.addNode('evil', [COA4_B], evil);
  w.net.connect('evil', 'ha', { latencyMs: 1 });
  const raw = evil.openRawNow(41, 4);
  const outer = { source: COA4_B, destination: HA4 };
  raw.send(encapsulateIpInIp(outer, { inner: ping(HOA, CN6) })); // bound inner source, wrong tunnel
  raw.send(encapsulateIpInIp(outer, { inner: ping(UNBOUND, CN6) })); // nobody's inner source
  w.net.runUntilQuiescent();
  assert.equal(w.core.counters.uplinkDropped['spoofed-inner-source'], 1);
  assert.equal(w.core.counters.uplinkDropped['no-binding-for-source'], 2); // with the NAT-opening ping
  // From the CoA itself, but in UDP: this binding's tunnel is plain IPv4 (no NAT, F = 0).
  w.ueHost.openUdpNow({ family: 4, port: 40003 }).send(ping(HOA, CN6), HA4, 4191);
  w.net.runUntilQuiescent();
  assert.equal(w.core.counters.uplinkDropped['spoofed-inner-source'], 2);
  assert.deepEqual(w.haDevice.take(), [], 'nothing reached the core network');
});

test('unbound HoA: dropped and counted, nothing on the wire; link-local gets Destination Unreachable 3', () => {
  const w = buildTunnelWorld('ipv6');
  w.net.trace.length = 0;
  w.haDevice.inject(
    ping(CN6, UNBOUND),
    ping(CN6, Ipv6Address.parse('ff0e::1')),
    ping(CN6, Ipv6Address.parse('fe80::5')),
  );
  w.net.runUntilQuiescent();
  assert.deepEqual(w.net.trace, []);
  assert.equal(w.ha.counters.drops['no-binding'], 1);
  assert.equal(w.ha.counters.drops.multicast, 1);
  assert.equal(w.ha.counters.drops['link-local'], 1);
  const [du] = w.haDevice.take();
  const icmp = decodeIpv6(du!);
  assert.equal(icmp.destination.toString(), CN6.toString());
  assert.deepEqual([icmp.payload[0], icmp.payload[1]], [1, 3]); // RFC 6275 §10.4.2, RFC 4443 §3.1
});

test('oversize: Packet Too Big / Fragmentation Needed with the tunnel MTU; DF-clear IPv4 is fragmented', () => {
  const w = buildTunnelWorld('ipv6', { linkMtu: 1500, deviceMtu: 1500 }); // IPv6 header: 1460 inside
  w.haDevice.inject(ping(CN6, HOA, 1461), ping(CN4, w.ipv4HomeAddress, 1461, true), ping(CN4, w.ipv4HomeAddress, 1500));
  w.net.runUntilQuiescent();
  const [ptb, fragNeeded] = w.haDevice.take();
  const v6 = decodeIpv6(ptb!);
  assert.deepEqual([v6.payload[0], v6.payload[1], ...v6.payload.subarray(4, 8)], [2, 0, 0, 0, 0x05, 0xb4]); // 1460
  const v4 = decodeIpv4(fragNeeded!);
  assert.equal(v4.destination.toString(), CN4.toString());
  assert.deepEqual([v4.payload[0], v4.payload[1], (v4.payload[6]! << 8) | v4.payload[7]!], [3, 4, 1460]);
  const pieces = w.ueDevice.take().map(decodeIpv4);
  assert.equal(pieces.length, 2);
  assert.ok(pieces.every((p) => 20 + p.payload.length <= 1460));
  const original = decodeIpv4(ping(CN4, w.ipv4HomeAddress, 1500)).payload;
  assert.equal(toHex(Uint8Array.from([...pieces[0]!.payload, ...pieces[1]!.payload])), toHex(original));
  assert.deepEqual([w.ha.counters.drops.oversize, w.ha.counters.fragmented, w.ha.counters.icmpErrors], [2, 1, 2]);
  // The UE's side of the same rule: its own oversize packet gets a PTB from the HA's address (the tunnel's far end).
  w.ueDevice.inject(ping(HOA, CN6, 1461));
  const [uePtb] = w.ueDevice.take();
  assert.equal(decodeIpv6(uePtb!).source.toString(), '2001:db8:1::1');
});

test('after deregistration the HA drops and the UE stops tunnelling', () => {
  const w = buildTunnelWorld('nat');
  w.ha.applyBindingEvent({ kind: 'binding-removed', homeAddress: HOA, reason: 'deregistered' });
  w.ue.setRoute(undefined);
  w.haDevice.inject(ping(CN6, HOA));
  w.ueDevice.inject(ping(HOA, CN6));
  assert.equal(w.ha.counters.drops['no-binding'], 1);
  assert.equal(w.ue.counters.drops['not-registered'], 1);
  assert.equal(w.ha.tunnelCount, 0);
});

test('R = 1 (RFC 3963 §6.5 implicit mode): the whole home prefix is routed toward the UE', () => {
  const w = buildTunnelWorld('ipv4');
  const member = HOA_2; // another address of the UE's /64
  w.haDevice.inject(ping(CN6, member));
  w.net.runUntilQuiescent();
  assert.equal(w.ueDevice.written.length, 0, 'the UE forwarder takes only its home addresses');
  assert.equal(w.ue.counters.drops['not-for-home-address'], 1);
  assert.equal(w.ha.counters.intoTunnel.packets, 1, 'but the HA tunnelled it by prefix');
  // The reverse direction is the core's acceptFromUe, which takes the HoA only (src/mip/ha-data-plane.ts), even
  // through the right tunnel.
  const raw = w.ueHost.openRawNow(41, 4);
  raw.send(encapsulateIpInIp({ source: COA4, destination: HA4 }, { inner: ping(member, CN6) }));
  w.net.runUntilQuiescent();
  assert.deepEqual(w.haDevice.take(), []);
  assert.equal(w.core.counters.uplinkDropped['no-binding-for-source'], 2); // with the NAT-opening ping
});
