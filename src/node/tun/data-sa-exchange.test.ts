// The data SA of RFC 5555 §5.2.2 end to end between the real IKE engines, the SADs and both forwarders
// (data-sa-test-support.ts): negotiated after registration, carrying user traffic both ways in either format, with
// the inbound policy checks (RFC 4301 §5.2) and the binding check at the HA.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ChildSaEvent } from '../../ike/events.ts';
import { seededRandom } from '../../ike/test-support.ts';
import { sealEsp } from '../../ipsec/esp-protect.ts';
import { EspSad } from '../../ipsec/sad.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { parseIpv4 } from '../../wire/ip/ipv4.ts';
import { espSaParamsOf } from '../ike/esp-sa-params.ts';
import {
  buildDataSaWorld,
  CN4,
  CN6,
  HA4,
  HA6,
  HOA,
  HOA4,
  NAT_ADDR,
  UE_COA,
  withDataSa,
} from './data-sa-test-support.ts';
import { espMaxInner } from './esp-data-tunnel.ts';
import { ping } from './test-support.ts';

test('after registration from an IPv4 CoA the UE gets a data SA; without a NAT its packets are plain ESP (protocol 50)', () => {
  const w = withDataSa();
  assert.deepEqual(
    w.ueEvents.map((e) => e.kind),
    ['requested', 'installed'],
  );
  assert.equal(w.ha.size, 1);
  // UE → CN, both families: sealed on the data SA, not in the plain tunnel.
  const up6 = ping(HOA, CN6, 200);
  const up4 = ping(HOA4, CN4, 120);
  w.ueDevice.inject(up6, up4);
  assert.equal(w.uePlain.sent.length, 0);
  const sent = w.deliver();
  assert.deepEqual(
    sent.map((p) => [p.from, p.kind]),
    [
      ['ue', 'raw'],
      ['ue', 'raw'],
    ],
  );
  const outer = parseIpv4(Reader.of(sent[0]!.kind === 'raw' ? sent[0]!.packet : new Uint8Array(), 'ipv4'));
  assert.deepEqual([outer.protocol, `${outer.source}`, `${outer.destination}`], [50, `${UE_COA}`, `${HA4}`]);
  assert.deepEqual(w.haDevice.take(), [up6, up4], 'the HA writes exactly the inner packets to its device');
  // CN → UE: the HA's forwarder finds the binding, the data SA covers the packet.
  const down6 = ping(CN6, HOA, 300);
  const down4 = ping(CN4, HOA4, 64);
  w.haDevice.inject(down6, down4);
  assert.equal(w.haPlain.sent.length, 0);
  assert.deepEqual(
    w.deliver().map((p) => [p.from, p.kind]),
    [
      ['ha', 'raw'],
      ['ha', 'raw'],
    ],
  );
  assert.deepEqual(w.ueDevice.take(), [down6, down4]);
  assert.deepEqual([w.ue.counters.opened, w.ha.counters.opened], [2, 2]);
  assert.deepEqual([w.ueForwarder.counters.intoTunnel.packets, w.haForwarder.counters.intoTunnel.packets], [2, 2]);
});

test("through a NAT the data SA is ESP in UDP: the UE sends to the HA's 4500, the HA to the NAT's mapping", () => {
  const w = withDataSa({ nat: true });
  const haPath = w.link.ha.ikeSa(w.haSa)!.path;
  assert.equal(`${haPath.remoteAddr}`, `${NAT_ADDR}`);
  w.ueDevice.inject(ping(HOA, CN6));
  const [up] = w.deliver();
  assert.ok(up?.kind === 'udp');
  assert.deepEqual([`${up.to}`, up.port], [`${HA4}`, 4500]);
  assert.equal(w.haDevice.take().length, 1);
  w.haDevice.inject(ping(CN4, HOA4));
  const [down] = w.deliver();
  assert.ok(down?.kind === 'udp');
  assert.deepEqual([`${down.to}`, down.port], [`${NAT_ADDR}`, haPath.remotePort]);
  assert.equal(w.ueDevice.take().length, 1);
});

test('traffic to the HA itself stays in the plain tunnel: the SPD rule excludes remote_address = home_agent', () => {
  const w = withDataSa();
  w.ueDevice.inject(ping(HOA, HA6), ping(HOA4, HA4));
  assert.equal(w.wire.length, 0);
  assert.equal(w.uePlain.sent.length + w.ueForwarder.counters.drops['no-socket'], 2);
});

test('inbound policy at the HA: a spoofed inner source, an unbound HoA, replays and unknown SPIs are dropped', () => {
  const w = withDataSa({ nat: true });
  const sa = w.ue.current!;
  // An inner source outside TSi, sealed on the real SA: RFC 4301 §5.2 step 4.
  const spoofed = sealEsp(sa.outbound, 41, ping(Ipv6Address.parse('2001:db8:1::99'), CN6));
  assert.ok(spoofed.ok);
  w.ha.fromUdp(spoofed.packet);
  assert.equal(w.ha.counters.drops['selector-mismatch'], 1);
  // The same ESP twice: the second is a replay (RFC 4303 §3.4.3).
  w.ueDevice.inject(ping(HOA, CN6));
  const [first] = w.deliver();
  assert.ok(first?.kind === 'udp');
  w.ha.fromUdp(first.esp);
  assert.equal(w.ha.counters.drops.replay, 1);
  w.ha.fromUdp(Uint8Array.of(0, 0, 0x99, 0x99, 0, 0, 0, 1, 1, 2, 3, 4));
  assert.equal(w.ha.counters.drops['unknown-spi'], 1);
  // Deregistered: authentic ESP from a home address with no binding is not forwarded (RFC 5555 §4.5.1).
  w.ha.applyBindingEvent({
    kind: 'ipv4-hoa-released',
    homeAddress: HOA,
    ipv4HomeAddress: HOA4,
    reason: 'binding-removed',
  });
  w.ueDevice.inject(ping(HOA4, CN4));
  w.deliver();
  assert.equal(w.ha.counters.drops['source-not-bound'], 1);
  assert.equal(w.haDevice.take().length, 1, 'only the first genuine packet got through');
});

test("inbound policy at the UE: an inner packet from the HA's own address is outside TSr and dropped", () => {
  const w = withDataSa();
  // Sealed with the HA's outbound keys, as the HA would, but from the address the SPD rule excludes.
  const mine = w.childEvents.find((c) => c.side === 'ha' && c.event.spiIn === w.ha.status().sas[0]!.spiIn)!;
  const sad = new EspSad({ random: seededRandom('forger') });
  const outbound = sad.install({ ...espSaParamsOf(mine.event, mine.path).outbound, initialSequence: 100 });
  const forged = sealEsp(outbound, 41, ping(HA6, HOA));
  assert.ok(forged.ok);
  w.ue.fromEsp(forged.packet);
  assert.equal(w.ue.counters.drops['selector-mismatch'], 1);
  assert.equal(w.ueDevice.take().length, 0);
  // A genuine one after it passes.
  w.haDevice.inject(ping(CN6, HOA));
  w.deliver();
  assert.equal(w.ueDevice.take().length, 1);
  assert.equal(w.ue.fromRawIpv4(Uint8Array.of(0x45, 0, 0, 20)), false, 'not a whole IPv4 ESP packet');
  w.ue.fromRawIpv4(Uint8Array.of(0x45, 0, 0, 20, 0, 0, 0, 0, 64, 50, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8));
  assert.equal(w.ue.counters.drops.malformed, 1, 'ESP shorter than its header');
});

test('the data SA has its own tunnel MTU: a larger IPv6 packet gets Packet Too Big with it (RFC 4301 §8.2)', () => {
  const w = withDataSa({ nat: true, linkMtu: 1400, deviceMtu: 1500 });
  const max = espMaxInner(w.ue.current!.outbound, true, { linkMtu: 1400, deviceMtu: 1500 });
  assert.equal(max, 1400 - 20 - 8 - 8 - 8 - 16 - 2, 'AES-GCM: IPv4, UDP, SPI+Seq, IV, ICV, trailer; 4-byte aligned');
  assert.equal(w.ue.current!.tunnel.maxInner, max);
  w.ueDevice.inject(ping(HOA, CN6, max), ping(HOA, CN6, max + 1));
  assert.equal(w.deliver().length, 1);
  const [ptb] = w.ueDevice.take();
  assert.ok(ptb);
  assert.equal(ptb[40], 2, 'ICMPv6 Packet Too Big (RFC 4443 §3.2)');
  assert.equal((ptb[44]! << 24) | (ptb[45]! << 16) | (ptb[46]! << 8) | ptb[47]!, max);
});

test('a deleted data SA: both ends remove it, and the traffic it carried is dropped, not sent in the clear', () => {
  const w = withDataSa();
  const spi = w.ue.current!.spiIn;
  w.link.ue.deleteChildSa(w.link.now, w.ueSa, spi);
  w.pump();
  assert.deepEqual([w.ue.current, w.ha.size], [undefined, 0]);
  // RFC 4301 §5.1: the SPD-S entry asked for stays PROTECT; with no SA the packet is discarded.
  w.ueDevice.inject(ping(HOA, CN6), ping(HOA4, CN4));
  assert.deepEqual([w.wire.length, w.uePlain.sent.length], [0, 0]);
  assert.deepEqual([w.ueForwarder.counters.drops['no-data-sa'], w.ueForwarder.counters.drops['no-socket']], [2, 0]);
  // The HA's own address is outside the rule: still the plain tunnel (DSA-5).
  w.ueDevice.inject(ping(HOA, HA6));
  assert.equal(w.ueForwarder.counters.drops['no-socket'], 1, 'the plain IPv4 tunnel needs a raw socket here');
});

test('a rekeyed data SA takes over on both ends (RFC 7296 §1.3.3) and traffic goes on with the new SPIs', () => {
  const w = withDataSa();
  const old = w.ue.current!;
  w.link.ue.rekeyChildSa(w.link.now, w.ueSa, old.spiIn);
  w.pump();
  const now = w.ue.current!;
  assert.notEqual(now.spiIn, old.spiIn);
  assert.equal(w.ha.size, 1, 'the old SA was deleted by the rekey initiator');
  w.ueDevice.inject(ping(HOA, CN6));
  w.haDevice.inject(ping(CN6, HOA));
  const sent = w.deliver();
  assert.deepEqual(
    sent.map(
      (p) =>
        (p.kind === 'raw'
          ? (p.packet[20]! << 24) | (p.packet[21]! << 16) | (p.packet[22]! << 8) | p.packet[23]!
          : 0) >>> 0,
    ),
    [now.spiOut, now.spiIn],
  );
  assert.deepEqual([w.haDevice.take().length, w.ueDevice.take().length], [1, 1]);
});

test('a registration with another IPv4 HoA asks for a data SA that covers it', () => {
  const w = withDataSa();
  const other = Ipv4Address.parse('10.10.0.8');
  w.ha.applyBindingEvent({ kind: 'ipv4-hoa-assigned', homeAddress: HOA, ipv4HomeAddress: other, dynamic: true });
  w.ue.registered(UE_COA, other);
  w.pump();
  assert.deepEqual(
    w.ueEvents.map((e) => e.kind),
    ['requested', 'installed', 'requested', 'removed', 'installed'],
    'the SA of the earlier registration is deleted (RFC 7296 §1.4.1)',
  );
  const latest = w.childEvents.filter((c) => c.side === 'ue').at(-1)!.event as ChildSaEvent;
  assert.equal(latest.tsLocal.length, 2);
  assert.equal(w.ha.size, 1, 'the HA deleted it too');
  // The same registration again: covered, nothing asked.
  w.ue.registered(UE_COA, other);
  w.pump();
  assert.equal(w.ueEvents.length, 5);
});

test('without a NAT and without a raw ESP socket the data SA could carry nothing: not asked for, said once', () => {
  const w = buildDataSaWorld({ raw: false });
  w.ue.registered(UE_COA, HOA4);
  w.ue.registered(UE_COA, HOA4);
  w.pump();
  assert.deepEqual(
    w.ueEvents.map((e) => e.kind),
    ['unavailable'],
  );
  assert.equal(w.ha.size, 0);
});

test('from an IPv6 care-of address no data SA is asked for (RFC 5555 §5.2.2 secures data over IPv4)', () => {
  const w = buildDataSaWorld();
  w.ue.registered(Ipv6Address.parse('2001:db8:2::200'), HOA4);
  w.pump();
  assert.deepEqual(w.ueEvents, []);
});

test('the IKE_AUTH Child SA (TSi = the home prefix) is not taken for a data SA by the HA', () => {
  const w = buildDataSaWorld();
  assert.equal(w.ha.size, 0);
  w.pump();
  assert.equal(w.ha.size, 0);
});

test('any bytes into either end only ever count as drops (no throw, nothing delivered)', () => {
  const w = withDataSa({ nat: true });
  const spi = Uint8Array.of(0, 0, 0, 0);
  const ha = w.ha.status().sas[0]!;
  for (const [i, v] of [ha.spiIn, w.ue.current!.spiIn].entries()) {
    spi[0] = v >>> 24;
    spi[1] = v >>> 16;
    spi[2] = v >>> 8;
    spi[3] = v;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (tail, known) => {
        const esp = known ? Uint8Array.from([...spi, ...tail]) : tail;
        if (i === 0) {
          w.ha.fromUdp(esp);
          w.ha.fromRawIpv4(esp);
        } else {
          w.ue.fromEsp(esp);
          w.ue.fromRawIpv4(esp);
        }
      }),
    );
  }
  assert.deepEqual([w.haDevice.take().length, w.ueDevice.take().length], [0, 0]);
  assert.equal(w.ha.counters.opened + w.ue.counters.opened, 0);
  assert.ok(
    w.ha.counters.drops['unknown-spi'] > 0 && w.ha.counters.drops['auth-failed'] + w.ha.counters.drops.malformed > 0,
  );
});

test('an SA the SAD refuses (here the same inbound SPI twice) is counted and the node runs on', () => {
  const w = withDataSa();
  const mine = w.childEvents.filter((c) => c.side === 'ha').at(-1)!;
  w.ha.handleIkeEvent(mine.event);
  assert.deepEqual([w.ha.counters.refused, w.ha.size], [1, 1]);
  w.ueDevice.inject(ping(HOA, CN6));
  w.deliver();
  assert.equal(w.haDevice.take().length, 1);
});
