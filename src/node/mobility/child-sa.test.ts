// The BU/BA Child SA from the IKE engine's event (RFC 4877 §7.3, RFC 5555 §5.2.1) and the per-role registry that
// installs it: which events are this SA, the two parameter sets, and the HA's SPI → IKE SA → prefix tie.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChildSaEvent } from '../../ike/events.ts';
import type { IkeResponder } from '../../ike/responder.ts';
import { addressSelector, mobilitySelectors, rangeSelector } from '../../ike/traffic-selectors.ts';
import { EspSad } from '../../ipsec/sad.ts';
import { HA4, HA6, HOA, HOA_2, HOME_PREFIX, v6 } from '../../mip/test-fixtures.ts';
import { mobilityChildSa } from './child-sa.ts';
import { type IkeSessionLookup, MobilitySaRegistry } from './sa-registry.ts';
import { childSaEvents, SessionTable } from './test-support.ts';

const SPEC = { ikeSaId: 4, homeAddress: HOA, spiHa: 0xa1, spiUe: 0xb2, suite: 'cbc128-sha256' } as const;

// IkeResponder's session lookup is what the HA registry reads the identity's prefix from.
type ResponderFits = IkeResponder extends IkeSessionLookup ? true : false;
const responderFits: ResponderFits = true;

test('HA side: inbound = our SPI and keysIn, outbound = the peer SPI and keysOut, transport, the negotiated selectors', () => {
  const { ha } = childSaEvents({ ...SPEC, udpEncapsulation: true });
  const m = mobilityChildSa(ha, 'home-agent', { replayWindow: 64 });
  assert.ok(m.ok);
  const { inbound, outbound } = m.sa;
  assert.deepEqual(
    [m.sa.homeAddress.toString(), m.sa.homeAgent.toString(), m.sa.ikeSaId, m.sa.rekeyOf],
    [HOA.toString(), HA6.toString(), 4, undefined],
  );
  assert.deepEqual(
    [inbound.spi, inbound.direction, inbound.mode, inbound.encr, inbound.integ, inbound.esn, inbound.replayWindow],
    [0xa1, 'inbound', 'transport', { id: 12, keyLengthBits: 128 }, 12, false, 64],
  );
  assert.deepEqual(
    [outbound.spi, outbound.direction, outbound.replayWindow, [...outbound.encrKey.subarray(0, 2)]],
    [0xb2, 'outbound', undefined, [0x90, 0x91]],
  );
  assert.deepEqual([...inbound.encrKey.subarray(0, 2)], [0x10, 0x11], 'UE → HA keys open what the UE seals');
  assert.deepEqual(inbound.selectors, { local: ha.tsLocal, remote: ha.tsRemote });
  // RFC 5555 §5.2.1: ESP goes inside the IPv6 packet (UDP 4191 around it), never in RFC 3948 UDP 4500.
  assert.equal(inbound.udpEncap, undefined);
  assert.equal(outbound.udpEncap, undefined);
});

test('UE side mirrors it; GCM carries no integrity transform', () => {
  const { ue } = childSaEvents({ ...SPEC, suite: 'gcm128' });
  const m = mobilityChildSa(ue, 'mobile-node');
  assert.ok(m.ok);
  assert.deepEqual(
    [m.sa.inbound.spi, m.sa.outbound.spi, m.sa.inbound.integ, m.sa.inbound.integKey, m.sa.inbound.encrKey.length],
    [0xb2, 0xa1, undefined, undefined, 20],
  );
  assert.equal(m.sa.homeAddress.toString(), HOA.toString());
});

test('other Child SAs are not the BU/BA SA, each for its reason', () => {
  const { ha } = childSaEvents(SPEC);
  const { tsi, tsr } = mobilitySelectors(HOA, HA6);
  const cases: [string, ChildSaEvent, string][] = [
    ['tunnel mode', { ...ha, mode: 'tunnel' }, 'not-transport-mode'],
    ['any protocol', { ...ha, tsRemote: [addressSelector(HOA)] }, 'not-mobility-selectors'],
    ['two selectors', { ...ha, tsRemote: [tsi, tsi] }, 'not-mobility-selectors'],
    ['no selectors', { ...ha, tsLocal: [] }, 'not-mobility-selectors'],
    ['UE side without BU', { ...ha, tsRemote: [addressSelector(HOA, 135, 0x0600, 0x0600)] }, 'not-mobility-selectors'],
    ['HA side without BA', { ...ha, tsLocal: [addressSelector(HA6, 135, 0x0500, 0x0500)] }, 'not-mobility-selectors'],
    [
      'an address range',
      { ...ha, tsRemote: [rangeSelector(HOA, v6('2001:db8:1::1ff'), 135, 0x0500, 0x0600)] },
      'not-mobility-selectors',
    ],
    ['IPv4 selectors', { ...ha, tsLocal: [addressSelector(HA4, 135, 0x0500, 0x0600)] }, 'not-mobility-selectors'],
    ['roles swapped (BU..BA on both sides)', { ...ha, tsLocal: [tsi], tsRemote: [tsr] }, 'home-address-mismatch'],
    ['another Home Address named', { ...ha, homeAddress: HOA_2 }, 'home-address-mismatch'],
  ];
  for (const [name, e, reason] of cases) {
    const m = mobilityChildSa(e, 'home-agent');
    assert.deepEqual(m, { ok: false, reason }, name);
  }
  // A single-type range on each side (MN: local BU, remote BA, RFC 4877 §7.2) is enough.
  const exact = {
    ...ha,
    tsLocal: [addressSelector(HA6, 135, 0x0600, 0x0600)],
    tsRemote: [addressSelector(HOA, 135, 0x0500, 0x0500)],
  };
  assert.ok(mobilityChildSa(exact, 'home-agent').ok);
});

test('HA registry: SPI → entry with the IKE SA and its prefix read at install; outbound by (HA, HoA)', () => {
  const sessions = new SessionTable();
  sessions.prefixes.set(4, HOME_PREFIX);
  const sad = new EspSad({ random: (n) => new Uint8Array(n) });
  const reg = MobilitySaRegistry.forHomeAgent(sad, sessions);
  const r = reg.install(childSaEvents(SPEC).ha);
  assert.ok(r.ok);
  assert.deepEqual([r.entry.ikeSaKey, r.entry.authorizedHomePrefix, reg.size], ['4', HOME_PREFIX, 1]);
  assert.equal(reg.entryBySpi(0xa1), r.entry);
  assert.equal(reg.entryBySpi(0xa1)?.inbound, sad.inbound(0xa1));
  assert.equal(reg.outbound(HA6, HOA), r.entry.outbound);
  assert.equal(reg.outbound(HOA, HA6), undefined, 'the UE direction is not ours');
  assert.deepEqual(reg.install({ ...childSaEvents(SPEC).ha, mode: 'tunnel' }), {
    ok: false,
    reason: 'not-transport-mode',
  });
  assert.equal(sad.all().length, 2, 'nothing installed for a refused event');
  assert.throws(() => reg.install(childSaEvents(SPEC).ha), RangeError, 'our inbound SPI twice');
});

test('HA registry: an IKE SA without a prefix owns nothing, so its SA carries no BA', () => {
  const reg = MobilitySaRegistry.forHomeAgent(new EspSad({ random: (n) => new Uint8Array(n) }), new SessionTable());
  const r = reg.install(childSaEvents(SPEC).ha);
  assert.ok(r.ok && r.entry.authorizedHomePrefix === undefined);
  assert.equal(reg.outbound(HA6, HOA), undefined);
});

test('rekey: the newer SA sends while both receive; removing the old one, then the IKE SA, empties the SAD', () => {
  const sad = new EspSad({ random: (n) => new Uint8Array(n) });
  const reg = MobilitySaRegistry.forMobileNode(sad);
  const old = childSaEvents(SPEC).ue;
  const rekeyed = { ...childSaEvents({ ...SPEC, spiHa: 0xa2, spiUe: 0xb3, keySeed: 0x40 }).ue, rekeyOf: 0xb2 };
  assert.ok(reg.install(old).ok && reg.install(rekeyed).ok);
  assert.equal(reg.outbound(HOA, HA6)?.spi, 0xa2);
  assert.ok(reg.entryBySpi(0xb2) && reg.entryBySpi(0xb3));
  assert.equal(reg.remove(0xb2), true);
  assert.equal(reg.remove(0xb2), false);
  assert.equal(reg.outbound(HOA, HA6)?.spi, 0xa2);
  assert.equal(reg.removeIkeSa(4), 1);
  assert.deepEqual([reg.size, sad.all().length, reg.outbound(HOA, HA6)], [0, 0, undefined]);
  assert.equal(responderFits, true);
});
