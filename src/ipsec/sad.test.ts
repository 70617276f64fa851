import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipv6Address } from '../util/ip-address.ts';
import type { TrafficSelector } from '../wire/ike/traffic-selector.ts';
import { sealEsp } from './esp-protect.ts';
import { EspSad } from './sad.ts';
import type { PacketSelector } from './selectors.ts';
import { BU, countingRandom, HA, HOA, saParams } from './test-support.ts';

const one = (a: Ipv6Address, ipProtocol = 135, port = 0): Extract<TrafficSelector, { kind: 'ipv6-range' }> => ({
  kind: 'ipv6-range',
  ipProtocol,
  startPort: port,
  endPort: port === 0 ? 0xffff : port,
  startAddress: a,
  endAddress: a,
});

const haBa = (hoa: Ipv6Address): PacketSelector => ({
  source: HA,
  destination: hoa,
  protocol: 135,
  sourcePort: 0x0600,
});

test('outbound lookup by selectors; the newest SA wins after a rekey (RFC 7296 §2.8)', () => {
  const sad = new EspSad({ random: countingRandom() });
  const other = Ipv6Address.parse('2001:db8:1::200');
  const selectors = (hoa: Ipv6Address) => ({ local: [one(HA, 135, 0x0600)], remote: [one(hoa, 135, 0x0500)] });
  const a = sad.install(saParams('gcm128', 'outbound', { spi: 1, selectors: selectors(HOA) }));
  const b = sad.install(saParams('gcm128', 'outbound', { spi: 2, selectors: selectors(other) }));
  assert.equal(sad.findOutbound(haBa(HOA)), a);
  assert.equal(sad.findOutbound(haBa(other)), b);
  assert.equal(sad.findOutbound({ ...haBa(HOA), sourcePort: 0x0500 }), undefined, 'a BU does not go out on the BA SA');
  const rekeyed = sad.install(saParams('gcm128', 'outbound', { spi: 3, selectors: selectors(HOA) }));
  assert.equal(sad.findOutbound(haBa(HOA)), rekeyed);
  assert.ok(sad.remove(rekeyed));
  assert.equal(sad.findOutbound(haBa(HOA)), a);
  assert.equal(sad.remove(rekeyed), false);
  const wide = sad.install(
    saParams('gcm128', 'outbound', {
      spi: 4,
      selectors: {
        local: [one(HA, 0)],
        remote: [{ ...one(HOA, 0), endAddress: Ipv6Address.parse('2001:db8:1::ffff') }],
      },
    }),
  );
  assert.equal(sad.findOutbound(haBa(Ipv6Address.parse('2001:db8:1::300'))), wide, 'range selectors');
  const any = sad.install(saParams('gcm128', 'outbound', { spi: 5 }));
  assert.equal(
    sad.findOutbound(haBa(Ipv6Address.parse('2001:db8:2::1'))),
    any,
    'an SA without selectors takes anything',
  );
});

test('two peers may choose the same SPI for our outbound SAs; each is found by its selectors', () => {
  const sad = new EspSad({ random: countingRandom() });
  const other = Ipv6Address.parse('2001:db8:1::200');
  const a = sad.install(
    saParams('gcm128', 'outbound', { spi: 7, selectors: { local: [one(HA)], remote: [one(HOA)] } }),
  );
  const b = sad.install(
    saParams('gcm128', 'outbound', { spi: 7, selectors: { local: [one(HA)], remote: [one(other)] } }),
  );
  assert.equal(sad.findOutbound(haBa(HOA)), a);
  assert.equal(sad.findOutbound(haBa(other)), b);
  assert.ok(sad.remove(a));
  assert.equal(sad.findOutbound(haBa(other)), b);
  assert.equal(sad.all().length, 1);
});

test('an SA past its hard lifetime is skipped by the outbound lookup', () => {
  const sad = new EspSad({ random: countingRandom() });
  const sel = { local: [one(HA)], remote: [one(HOA)] };
  const old = sad.install(saParams('gcm128', 'outbound', { spi: 1, selectors: sel }));
  const newer = sad.install(saParams('gcm128', 'outbound', { spi: 2, selectors: sel, lifetime: { hardPackets: 1 } }));
  assert.equal(sad.findOutbound(haBa(HOA)), newer);
  assert.ok(sad.seal(newer, 135, BU).ok);
  assert.equal(sad.findOutbound(haBa(HOA)), old);
});

test('inbound by SPI, counters over live and removed SAs, unknown SPIs counted', () => {
  const tx = new EspSad({ random: countingRandom() });
  const rx = new EspSad({ random: countingRandom() });
  const out = tx.install(saParams('cbc128-sha256', 'outbound'));
  const inb = rx.install(saParams('cbc128-sha256', 'inbound'));
  assert.equal(rx.inbound(inb.spi), inb);
  assert.equal(rx.inbound(inb.spi + 1), undefined);
  const p = tx.seal(out, 135, BU);
  assert.ok(p.ok);
  assert.ok(rx.open(p.packet).ok);
  assert.equal(rx.open(p.packet).ok, false);
  assert.deepEqual(rx.open(new Uint8Array([0, 0, 0, 9, 0, 0, 0, 1])), { ok: false, reason: 'unknown-spi', spi: 9 });
  assert.deepEqual(rx.open(new Uint8Array(3)), { ok: false, reason: 'malformed', spi: 0 });
  assert.ok(rx.remove(inb));
  assert.equal(rx.remove(inb), false);
  const c = rx.counters();
  assert.equal(c.inboundPackets, 1);
  assert.equal(c.inboundBytes, BU.length);
  assert.equal(c.drops.replay, 1);
  assert.equal(c.drops['unknown-spi'], 1);
  assert.equal(c.drops.malformed, 1);
  assert.equal(tx.counters().outboundPackets, 1);
  assert.equal(rx.all().length, 0);
});

test('the event queue keeps the newest events up to its limit and counts the rest', () => {
  const sad = new EspSad({ random: countingRandom(), eventQueueLimit: 2 });
  for (let spi = 1; spi <= 3; spi++) {
    const sa = sad.install(saParams('gcm128', 'outbound', { spi, lifetime: { hardPackets: 1 } }));
    assert.ok(sealEsp(sa, 135, BU).ok);
  }
  assert.equal(sad.counters().eventsLost, 1);
  assert.deepEqual(sad.pollEvent(), { kind: 'lifetime-hard', spi: 2, direction: 'outbound', limit: 'packets' });
  assert.deepEqual(sad.pollEvent(), { kind: 'lifetime-hard', spi: 3, direction: 'outbound', limit: 'packets' });
  assert.equal(sad.pollEvent(), undefined);
});

test('moving endpoints: a new care-of address and NAT port (RFC 4877 §4.3, RFC 7296 §2.23)', () => {
  const sad = new EspSad({ random: countingRandom() });
  const sa = sad.install(saParams('gcm128', 'outbound', { udpEncap: { localPort: 4500, remotePort: 4500 } }));
  const coa = Ipv6Address.parse('2001:db8:ff::99');
  sa.moveEndpoints({ remoteAddress: coa, udpEncap: { localPort: 4500, remotePort: 40001 } });
  assert.equal(sa.remoteAddress, coa);
  assert.deepEqual(sa.udpEncap, { localPort: 4500, remotePort: 40001 });
  assert.equal(sa.localAddress, undefined);
});
