// The HA accepts a BU only inside ESP from the Child SA whose IKE identity owns that HoA (RFC 4877 §4.3, §7.1);
// anything else is dropped, counted by reason, and never answered (RFC 6275 §10.3.1): a BU in the clear, a BU on
// another UE's SA, a BU on an SA whose identity does not own the HoA, a replayed and a tampered ESP packet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sealEsp } from '../../ipsec/esp-protect.ts';
import { EspSad } from '../../ipsec/sad.ts';
import { frameMobilityPacket } from '../../mip/framing.ts';
import { altCoa, bu, HA4, HA6, HOA, v4, v4Coa } from '../../mip/test-fixtures.ts';
import { encodeMobilityHeader } from '../../wire/mh/header.ts';
import { mobilityChildSa } from './child-sa.ts';
import type { SignallingDropReason } from './signalling-open.ts';
import { frameSignalling, signallingOutputBytes } from './signalling-packet.ts';
import {
  ATTACKER6,
  attachAndRegister,
  buildMobilityWorld,
  childSaEvents,
  HOA2,
  type MobilityWorld,
  UE2_PREFIX,
} from './test-support.ts';

const ATTACKER4 = v4('203.0.113.66');

async function registeredWithAttacker(): Promise<MobilityWorld> {
  const w = await buildMobilityWorld({ topology: 'ipv6' });
  w.net.addNode('attacker', [ATTACKER6]);
  w.net.connect('attacker', 'ha', { latencyMs: 5 });
  attachAndRegister(w);
  return w;
}

/** The HA dropped exactly these, answered nobody new, and its core never saw them. */
function assertDroppedSilently(w: MobilityWorld, expected: Partial<Record<SignallingDropReason, number>>): void {
  const dropped = Object.entries(w.ha.pipeline.counters.dropped).filter(([, n]) => n > 0);
  assert.deepEqual(Object.fromEntries(dropped), expected);
  assert.equal(w.net.trace.filter((t) => t.event === 'sent' && t.from === 'ha').length, 1, 'only the first BA');
  assert.equal(w.ha.pipeline.core.counters.bindingUpdatesReceived, 1);
  assert.equal(w.ha.pipeline.core.binding(HOA)?.careOfV6 !== '', true, 'the genuine binding is untouched');
}

/** A BU for `hoa` from the attacker's address, sealed on another subscriber's SA (UE side of `events`). */
function sealedByAttacker(events: ReturnType<typeof childSaEvents>, hoa = HOA): Uint8Array {
  const m = mobilityChildSa(events.ue, 'mobile-node');
  assert.ok(m.ok);
  const sa = new EspSad({ random: (n) => new Uint8Array(n) }).install(m.sa.outbound);
  const send = {
    kind: 'send-mh' as const,
    message: bu({ sequence: 5000 }, [altCoa(ATTACKER6)]),
    innerSrc: hoa,
    innerDst: HA6,
    transport: { kind: 'ipv6-hao' as const, careOf: ATTACKER6 },
  };
  const sealed = sealEsp(sa, 135, encodeMobilityHeader(send.message, { src: hoa, dst: HA6 }));
  assert.ok(sealed.ok);
  return signallingOutputBytes(frameSignalling(send, sealed.packet));
}

test('a BU without ESP, over IPv6 or in UDP 4191, is dropped and counted; no BA', async () => {
  const w = await registeredWithAttacker();
  const clear = (sequence: number) =>
    frameMobilityPacket({
      kind: 'send-mh',
      message: bu({ sequence }, [altCoa(ATTACKER6)]),
      innerSrc: HOA,
      innerDst: HA6,
      transport: { kind: 'ipv6-hao', careOf: ATTACKER6 },
    });
  w.net.inject('attacker', clear(1000));
  w.net.addNode('attacker4', [ATTACKER4]);
  w.net.connect('attacker4', 'ha', { latencyMs: 5 });
  const inUdp = frameMobilityPacket({
    kind: 'send-mh',
    message: bu({ sequence: 1001 }, [v4Coa(ATTACKER4)]),
    innerSrc: HOA,
    innerDst: HA6,
    transport: { kind: 'udp4', source: ATTACKER4, destination: HA4, sourcePort: 4191, destinationPort: 4191 },
  });
  w.net.inject('attacker4', inUdp);
  w.net.runUntilQuiescent();
  assertDroppedSilently(w, { 'mh-without-esp': 2 });
});

test("a BU claiming UE 1's HoA on UE 2's genuine SA fails the SA's selectors: dropped, no BA", async () => {
  const w = await registeredWithAttacker();
  w.sessions.prefixes.set(2, UE2_PREFIX);
  const ue2 = childSaEvents({ ikeSaId: 2, homeAddress: HOA2, spiHa: 0x1000_0002, spiUe: 0x2000_0002, keySeed: 0x30 });
  assert.ok(w.ha.pipeline.registry.install(ue2.ha).ok);
  w.net.inject('attacker', sealedByAttacker(ue2));
  w.net.runUntilQuiescent();
  assertDroppedSilently(w, { 'selector-mismatch': 1 });
});

test('a BU on an SA naming the HoA, negotiated by an identity that does not own it: dropped, no BA', async () => {
  const w = await registeredWithAttacker();
  // IKE SA 3 belongs to UE 2's identity (prefix UE2_PREFIX) yet its Child SA names UE 1's HoA.
  w.sessions.prefixes.set(3, UE2_PREFIX);
  const rogue = childSaEvents({ ikeSaId: 3, homeAddress: HOA, spiHa: 0x1000_0003, spiUe: 0x2000_0003, keySeed: 0x50 });
  assert.ok(w.ha.pipeline.registry.install(rogue.ha).ok);
  w.net.inject('attacker', sealedByAttacker(rogue));
  w.net.runUntilQuiescent();
  assertDroppedSilently(w, { 'home-address-not-owned': 1 });
  // The rogue SA is newer for (HA, HoA), yet BAs to UE 1 keep using the SA of the identity that owns the HoA.
  assert.equal(w.ha.pipeline.registry.outbound(HA6, HOA)?.spi, 0x2000_0001);
  w.ue.pipeline.core.changeCareOf(w.net.now, w.access);
  w.ue.io.flush();
  w.net.runUntilQuiescent();
  assert.equal(w.ueEvents().filter((e) => e.kind === 'registered').length, 2);
});

test('a replayed ESP packet is dropped (replay) and not answered', async () => {
  const w = await registeredWithAttacker();
  const first = w.net.trace.find((t) => t.event === 'delivered' && t.to === 'ha')!.packet;
  w.net.inject('ue', first);
  w.net.runUntilQuiescent();
  assertDroppedSilently(w, { replay: 1 });
});

test('a tampered ESP packet is dropped (auth-failed); the genuine retransmission then registers', async () => {
  const w = await registeredWithAttacker();
  let held: Uint8Array | undefined;
  const removeFilter = w.net.addFilter((p) => {
    if (p.from !== 'ue' || held !== undefined) return false;
    held = p.packet;
    return true; // lost on the way: the attacker has it
  });
  w.ue.pipeline.core.changeCareOf(w.net.now, w.access);
  w.ue.io.flush();
  w.net.advance(0); // hands the BU to the link, where the filter takes it
  removeFilter();
  assert.ok(held !== undefined);
  const tampered = held.slice();
  tampered[tampered.length - 20]! ^= 0x01; // a ciphertext byte
  w.net.inject('ue', tampered);
  w.net.advance(100);
  assertDroppedSilently(w, { 'auth-failed': 1 });
  w.net.runUntil(() => w.ueEvents().filter((e) => e.kind === 'registered').length === 2, { maxTimeMs: 10_000 });
  assert.equal(w.ha.pipeline.counters.dropped['auth-failed'], 1);
  assert.equal(w.ha.pipeline.sad.counters().drops['auth-failed'], 1);
});
