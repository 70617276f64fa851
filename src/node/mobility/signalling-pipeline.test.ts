// The pipelines without a network: each drop reason with the input that causes it, the outcomes for packets that
// are not signalling, a BU held back until its SA exists, and totality (any bytes → an outcome, never a throw).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { protectTunnelPacket } from '../../ipsec/packet.ts';
import { EspSad } from '../../ipsec/sad.ts';
import { HomeAgentCore } from '../../mip/home-agent.ts';
import { MobileNodeCore } from '../../mip/mobile-node.ts';
import { altCoa, ba, bu, COA4, COA6, HA4, HA6, HOA, haPolicy, mnConfig, POOL, v4Coa } from '../../mip/test-fixtures.ts';
import { buildIpv4Packet, buildIpv6Packet, buildUdp4 } from '../../wire/ip/build.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { encodeMobilityHeader } from '../../wire/mh/header.ts';
import { HaSignalling } from './ha-signalling.ts';
import { MobilitySaRegistry } from './sa-registry.ts';
import type { SignallingOutcome } from './signalling-open.ts';
import { frameSignalling, signallingOutputBytes } from './signalling-packet.ts';
import { childSaEvents, SessionTable } from './test-support.ts';
import { UeSignalling } from './ue-signalling.ts';

const ACCESS = { ipv6CareOf: COA6, routerPrefixes: [] };

function pipelines(installUe = true) {
  const random = (n: number) => new Uint8Array(n).fill(1);
  const sessions = new SessionTable();
  sessions.prefixes.set(1, { prefix: HOA, prefixLength: 64 });
  const haSad = new EspSad({ random });
  const ha = new HaSignalling({
    core: new HomeAgentCore(haPolicy(), POOL),
    sad: haSad,
    registry: MobilitySaRegistry.forHomeAgent(haSad, sessions),
  });
  const ueSad = new EspSad({ random });
  const ue = new UeSignalling({
    core: new MobileNodeCore(mnConfig()),
    sad: ueSad,
    registry: MobilitySaRegistry.forMobileNode(ueSad),
  });
  const events = childSaEvents({ ikeSaId: 1, homeAddress: HOA, spiHa: 0x100, spiUe: 0x200 });
  assert.ok(ha.registry.install(events.ha).ok);
  if (installUe) assert.ok(ue.registry.install(events.ue).ok);
  return { ha, ue, events };
}

/** The BU the UE core sends on attach, as bytes. */
function firstBu(ue: UeSignalling): Uint8Array {
  ue.core.attach(0, ACCESS);
  const out = ue.pollSend();
  assert.ok(out !== undefined);
  return signallingOutputBytes(out);
}

const outcome = (o: SignallingOutcome) => (o.kind === 'dropped' ? `dropped:${o.reason}` : o.kind);

test('a BU goes through: accepted by the HA core, the BA sealed back and accepted by the UE core', () => {
  const { ha, ue } = pipelines();
  assert.equal(outcome(ha.receiveIp(10, firstBu(ue))), 'accepted');
  const back = ha.pollSend();
  assert.ok(back?.kind === 'ip' && back.protocol === 50);
  assert.equal(ha.pollSend(), undefined);
  assert.equal(outcome(ue.receiveIp(20, back.packet)), 'accepted');
  assert.equal(ue.core.phase, 'registered');
});

test('drop reasons: malformed headers, unknown SPI, a bad MH checksum inside good ESP, a BA sent to the HA', () => {
  const { ha, ue, events } = pipelines();
  const good = firstBu(ue);
  assert.equal(outcome(ha.receiveIp(0, good.subarray(0, 30))), 'dropped:malformed-packet');
  const unknownSpi = good.slice();
  unknownSpi[64]! ^= 0xff; // the SPI's first byte, after IPv6 (40) + Destination Options with the HAO (24)
  assert.equal(outcome(ha.receiveIp(0, unknownSpi)), 'dropped:unknown-spi');
  // The UE's own SA seals an MH whose checksum is wrong, and a BA (which the selectors allow: BU..BA).
  const sa = ue.registry.outbound(HOA, HA6)!;
  const seal = (mh: Uint8Array) => {
    const r = ue.sad.seal(sa, IpProtocol.MH, mh);
    assert.ok(r.ok);
    const send = {
      kind: 'send-mh' as const,
      message: bu(),
      innerSrc: HOA,
      innerDst: HA6,
      transport: { kind: 'ipv6-hao' as const, careOf: COA6 },
    };
    return signallingOutputBytes(frameSignalling(send, r.packet));
  };
  const badChecksum = encodeMobilityHeader(bu({}, [altCoa(COA6)]), { src: HOA, dst: HA6 });
  badChecksum[5]! ^= 1;
  assert.equal(outcome(ha.receiveIp(0, seal(badChecksum))), 'dropped:mh-malformed');
  assert.equal(
    outcome(ha.receiveIp(0, seal(encodeMobilityHeader(ba(), { src: HOA, dst: HA6 })))),
    'dropped:unexpected-mh-type',
  );
  assert.equal(ha.core.counters.bindingUpdatesReceived, 0);
  assert.equal(ha.pollSend(), undefined);
  assert.deepEqual(
    Object.entries(ha.counters.dropped).filter(([, n]) => n > 0),
    [
      ['malformed-packet', 1],
      ['unknown-spi', 1],
      ['mh-malformed', 1],
      ['unexpected-mh-type', 1],
    ],
  );
  assert.equal(events.ha.spiIn, 0x100);
});

test('a BU received by the UE is unexpected; a BA in the clear is dropped', () => {
  const { ha, ue } = pipelines();
  ha.receiveIp(0, firstBu(ue));
  const genuine = ha.pollSend();
  assert.ok(genuine?.kind === 'ip');
  const clear = buildIpv6Packet({
    src: HA6,
    dst: COA6,
    routingHeaderType2: HOA,
    nextHeader: IpProtocol.MH,
    payload: encodeMobilityHeader(ba(), { src: HA6, dst: HOA }),
  });
  assert.equal(outcome(ue.receiveIp(1, clear)), 'dropped:mh-without-esp');
  // The HA's own SA (BU..BA on its side, as src/ike negotiates it) carrying a BU: not what a UE takes.
  const sealed = ha.sad.seal(
    ha.registry.outbound(HA6, HOA)!,
    IpProtocol.MH,
    encodeMobilityHeader(bu(), { src: HA6, dst: HOA }),
  );
  assert.ok(sealed.ok);
  const send = {
    kind: 'send-mh' as const,
    message: bu(),
    innerSrc: HA6,
    innerDst: HOA,
    transport: { kind: 'ipv6-rh2' as const, careOf: COA6 },
  };
  assert.equal(
    outcome(ue.receiveIp(1, signallingOutputBytes(frameSignalling(send, sealed.packet)))),
    'dropped:unexpected-mh-type',
  );
  assert.equal(ue.core.phase, 'registering');
  assert.equal(outcome(ue.receiveIp(1, genuine.packet)), 'accepted');
});

test('not signalling: other UDP ports, IPv4-in-IPv4, and ESP of a data SA, which is opened and handed back', () => {
  const { ha } = pipelines();
  const udp = buildUdp4({ src: HA4, dst: HA4, sourcePort: 53, destinationPort: 53, payload: new Uint8Array(4) });
  const ipip = buildIpv4Packet({ src: HA4, dst: HA4, protocol: 4, payload: udp });
  assert.equal(outcome(ha.receiveIp(0, udp)), 'not-signalling');
  assert.equal(outcome(ha.receiveIp(0, ipip)), 'not-signalling');
  const data = {
    spi: 0x999,
    mode: 'tunnel' as const,
    encr: { id: 20, keyLengthBits: 128 },
    encrKey: new Uint8Array(20),
  };
  ha.sad.install({ ...data, direction: 'inbound' });
  const tx = new EspSad({ random: (n) => new Uint8Array(n) }).install({ ...data, direction: 'outbound' });
  const sealed = protectTunnelPacket(
    tx,
    { version: 6, source: COA6, destination: HA6 },
    buildIpv6Packet({
      src: HOA,
      dst: HA6,
      nextHeader: 59,
      payload: new Uint8Array(0),
    }),
  );
  assert.ok(sealed.ok);
  const r = ha.receiveIp(0, sealed.packet);
  assert.ok(r.kind === 'esp-other' && r.opened.nextHeader === IpProtocol.IPV6 && r.outer.family === 6);
});

test('a BU over IPv4 without UDP (protocol 41) reaches the core with its outer headers, which drops it', () => {
  const { ha, ue } = pipelines();
  const sa = ue.registry.outbound(HOA, HA6)!;
  const message = bu({}, [v4Coa(COA4)]);
  const sealed = ue.sad.seal(sa, IpProtocol.MH, encodeMobilityHeader(message, { src: HOA, dst: HA6 }));
  assert.ok(sealed.ok);
  const transport = { kind: 'ipv4-protocol-41' as const, source: COA4, destination: HA4 };
  const send = { kind: 'send-mh' as const, message, innerSrc: HOA, innerDst: HA6, transport };
  assert.equal(outcome(ha.receiveIp(0, signallingOutputBytes(frameSignalling(send, sealed.packet)))), 'accepted');
  // RFC 5555 §4.1: from IPv4 access the BU MUST come in UDP (port Z is needed to answer through a NAT).
  assert.equal(ha.core.counters.dropped['ipv4-bu-not-in-udp'], 1);
  assert.equal(ha.pollSend(), undefined);
});

test('a BU without an SA is counted and not sent; once the SA is installed the retransmission is protected', () => {
  const { ha, ue, events } = pipelines(false);
  ue.core.attach(0, ACCESS);
  assert.equal(ue.pollSend(), undefined);
  assert.equal(ue.counters.unsent['no-outbound-sa'], 1);
  assert.ok(ue.registry.install(events.ue).ok);
  ue.handleTimeout(ue.pollTimeout()!);
  const out = ue.pollSend();
  assert.ok(out !== undefined);
  assert.equal(outcome(ha.receiveIp(2000, signallingOutputBytes(out))), 'accepted');
});

test('pipelines refuse a registry of the other role', () => {
  const sad = new EspSad({ random: (n) => new Uint8Array(n) });
  assert.throws(
    () =>
      new HaSignalling({ core: new HomeAgentCore(haPolicy()), sad, registry: MobilitySaRegistry.forMobileNode(sad) }),
    RangeError,
  );
  assert.throws(
    () =>
      new UeSignalling({
        core: new MobileNodeCore(mnConfig()),
        sad,
        registry: MobilitySaRegistry.forHomeAgent(sad, new SessionTable()),
      }),
    RangeError,
  );
});

test('property: any bytes, and any mutation of a protected BU, give an outcome and never throw', () => {
  const { ha, ue } = pipelines();
  const good = firstBu(ue);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(50, 135, 17, 41), (bytes, nextHeader) => {
      ha.receiveIp(0, bytes);
      ha.receiveUdp(0, { payload: bytes, source: HA4, sourcePort: 4191, local: HA4 });
      // Valid outer headers around arbitrary contents reach the deeper decoders.
      ha.receiveIp(0, buildIpv6Packet({ src: COA6, dst: HA6, homeAddressOption: HOA, nextHeader, payload: bytes }));
      const inUdp = buildUdp4({ src: HA4, dst: HA4, sourcePort: 4191, destinationPort: 4191, payload: bytes });
      ha.receiveIp(0, inUdp);
    }),
  );
  // Bytes from the ESP header on are covered by the SPI lookup, the replay window and the ICV; in front of them
  // a changed hop limit or PadN byte may pass, a changed address fails the selectors or the Alt-CoA check.
  const espAt = 64;
  fc.assert(
    fc.property(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 }), (at, flip) => {
      const m = good.slice();
      m[at]! ^= flip;
      const r = ha.receiveIp(0, m);
      if (at >= espAt) assert.notEqual(r.kind, 'accepted', `byte ${at}`);
    }),
  );
});
