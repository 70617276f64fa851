import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NotifyType } from '../wire/ike/constants.ts';
import { timing } from './config.ts';
import type { ChildSaEvent, IkeEvent } from './events.ts';
import { IkeInitiator } from './initiator.ts';
import { IkeResponder } from './responder.ts';
import { attached, EXCHANGE, FakeLink } from './test-link.ts';
import { haConfig, TEST_TIMING, ueConfig, validNow } from './test-support.ts';

const N = (t: number) => `N(${t})`;

function pair(ueTiming = TEST_TIMING, haTiming = TEST_TIMING) {
  const pool = haConfig().pool as ReturnType<typeof haConfig>['pool'] & { allocated: Map<string, string> };
  const link = new FakeLink(
    new IkeInitiator(ueConfig({ timing: ueTiming })),
    new IkeResponder(haConfig({ timing: haTiming, pool })),
    validNow(),
  );
  return { link, pool, ...attached(link) };
}

const children = (link: FakeLink, side: 'ue' | 'ha') => link.eventsOf(side, 'child-sa-established') as ChildSaEvent[];

test('child rekey: CREATE_CHILD_SA with REKEY_SA, then the old pair is deleted', () => {
  const { link, ueSa } = pair();
  const mip = children(link, 'ue')[1]!;
  link.ue.rekeyChildSa(link.now, ueSa, mip.spiIn);
  // CREATE_CHILD_SA { N(REKEY_SA), N(USE_TRANSPORT_MODE), SA, Ni, TSi, TSr } -->
  const req = link.step();
  assert.equal(req.exchangeType, EXCHANGE.CHILD);
  assert.deepEqual(req.names, [N(NotifyType.REKEY_SA), N(NotifyType.USE_TRANSPORT_MODE), 'SA', 'N', 'TSi', 'TSr']);
  // <-- CREATE_CHILD_SA { N(USE_TRANSPORT_MODE), SA, Nr, TSi, TSr }
  assert.deepEqual(link.step().names, [
    N(NotifyType.USE_TRANSPORT_MODE),
    N(NotifyType.ESP_TFC_PADDING_NOT_SUPPORTED),
    'SA',
    'N',
    'TSi',
    'TSr',
  ]);
  // INFORMATIONAL { D(ESP, old inbound SPI) } -->   <-- INFORMATIONAL { D(ESP, the HA's old inbound SPI) }
  assert.deepEqual(link.step().names, ['D']);
  assert.deepEqual(link.step().names, ['D']);
  const [ueNew] = children(link, 'ue').slice(2);
  const [haNew] = children(link, 'ha').slice(2);
  assert.equal(ueNew?.rekeyOf, mip.spiIn);
  assert.equal(ueNew?.mode, 'transport');
  assert.equal(ueNew?.homeAddress?.toString(), '2001:db8:1::42');
  assert.equal(haNew?.rekeyOf, mip.spiOut);
  assert.equal(haNew?.homeAddress?.toString(), '2001:db8:1::42');
  assert.deepEqual(ueNew?.keysIn, haNew?.keysOut);
  assert.notDeepEqual(ueNew?.keysIn, mip.keysIn);
  const deleted = (side: 'ue' | 'ha') =>
    link.eventsOf(side, 'child-sa-deleted').map((e) => e.kind === 'child-sa-deleted' && e.spiIn);
  assert.deepEqual(deleted('ue'), [mip.spiIn]);
  assert.deepEqual(deleted('ha'), [mip.spiOut]);
});

test('IKE rekey: new SPIs and keys, Child SAs and the session carry over, the old SA is deleted', () => {
  const { link, ueSa, haSa } = pair();
  const oldUe = link.ue.ikeSa(ueSa)!;
  const oldSpis = [oldUe.spiI, oldUe.spiR];
  link.ue.rekeyIkeSa(link.now, ueSa);
  // CREATE_CHILD_SA { SA(IKE, new SPIi), Ni, KEi } -->
  const req = link.step();
  assert.deepEqual(req.names, ['SA', 'N', 'KE']);
  const proposal = req.payloads[0]?.kind === 'sa' ? req.payloads[0].proposals[0] : undefined;
  assert.equal(proposal?.protocolId, 1);
  assert.equal(proposal?.spi.length, 8);
  // <-- CREATE_CHILD_SA { SA(IKE, new SPIr), Nr, KEr }
  assert.deepEqual(link.step().names, ['SA', 'N', 'KE']);
  // INFORMATIONAL { D(IKE) } --> on the old SA;  <-- INFORMATIONAL { }
  assert.deepEqual(link.step().names, ['D']);
  assert.deepEqual(link.step().names, []);
  for (const side of ['ue', 'ha'] as const) {
    const r = link.eventsOf(side, 'ike-sa-rekeyed');
    assert.equal(r.length, 1, side);
    assert.equal(link.eventsOf(side, 'key-log').length, 2, side);
    assert.equal(link.eventsOf(side, 'ike-sa-deleted').length, 0, side);
    assert.equal(link.eventsOf(side, 'child-sa-deleted').length, 0, side);
  }
  const next = link.ue.ikeSa(ueSa)!;
  assert.notDeepEqual([next.spiI, next.spiR], oldSpis);
  assert.equal(next.children.size, 2);
  assert.equal(link.ha.ikeSaCount, 1);
  assert.equal(link.ha.session(haSa)?.homePrefix?.prefix.toString(), '2001:db8:1::');
  assert.equal(link.ha.ikeSaBySpi(oldSpis[1]!), undefined);
  // The new SA works: a liveness check and a child rekey over it.
  link.ue.checkLiveness(link.now, ueSa);
  assert.deepEqual(link.step().names, []);
  assert.deepEqual(link.step().names, []);
  link.ue.rekeyChildSa(link.now, ueSa, children(link, 'ue')[1]!.spiIn);
  link.flush();
  assert.equal(children(link, 'ue').length, 3);
  assert.equal(next.originalInitiator, true);
});

test("IKE rekey started by the HA: the HA becomes the new SA's original initiator", () => {
  const { link, ueSa, haSa } = pair();
  link.ha.rekeyIkeSa(link.now, haSa);
  link.flush();
  const haNew = link.ha.ikeSa(haSa)!;
  const ueNew = link.ue.ikeSa(ueSa)!;
  assert.equal(haNew.originalInitiator, true); // RFC 7296 §2.18
  assert.equal(ueNew.originalInitiator, false);
  assert.deepEqual(haNew.spiI, ueNew.spiI);
  // Requests in both directions still work on the new SA.
  link.ue.rekeyChildSa(link.now, ueSa, children(link, 'ue')[1]!.spiIn);
  link.flush();
  link.ha.checkLiveness(link.now, haSa);
  link.flush();
  assert.equal(children(link, 'ue').length, 3);
  assert.equal(link.eventsOf('ue', 'ike-sa-deleted').length + link.eventsOf('ha', 'ike-sa-deleted').length, 0);
});

test('a child rekey started by the HA is accepted by the UE with the same selectors', () => {
  const { link, haSa } = pair();
  const haMip = children(link, 'ha')[1]!;
  link.ha.rekeyChildSa(link.now, haSa, haMip.spiIn);
  link.flush();
  const ueNew = children(link, 'ue')[2];
  assert.equal(ueNew?.rekeyOf, haMip.spiOut);
  assert.equal(ueNew?.mode, 'transport');
  assert.equal(ueNew?.homeAddress?.toString(), '2001:db8:1::42');
});

test('liveness check (DPD): an empty INFORMATIONAL each way; silence ends the IKE SA', () => {
  const { link, ueSa, haSa, pool } = pair();
  link.ue.checkLiveness(link.now, ueSa);
  // INFORMATIONAL { } -->   <-- INFORMATIONAL { }
  const req = link.step();
  assert.deepEqual([req.exchangeType, req.names.length], [EXCHANGE.INFO, 0]);
  assert.ok(link.step().response);
  // Now the HA checks, and the UE has gone away.
  link.ha.checkLiveness(link.now, haSa);
  for (let i = 0; i < 20 && link.eventsOf('ha', 'ike-sa-deleted').length === 0; i++) {
    while (link.next()) link.step({ drop: true });
    link.advance();
  }
  const del = link.eventsOf('ha', 'ike-sa-deleted') as Extract<IkeEvent, { kind: 'ike-sa-deleted' }>[];
  assert.deepEqual(
    del.map((e) => e.reason),
    ['peer-unreachable'],
  );
  assert.equal(link.eventsOf('ha', 'child-sa-deleted').length, 2);
  assert.equal(pool.allocated.size, 0); // the prefix went back to the pool
});

test('automatic DPD after an idle interval', () => {
  const t = timing({ ...TEST_TIMING, dpdIntervalMs: 10_000 });
  const { link } = pair(t);
  const start = link.now;
  link.advance();
  assert.equal(link.now - start, 10_000);
  const m = link.step();
  assert.deepEqual([m.from, m.exchangeType, m.names.length], ['ue', EXCHANGE.INFO, 0]);
});

test('delete: a Child SA, then the IKE SA; the HA releases the prefix', () => {
  const { link, ueSa, pool } = pair();
  const tunnel = children(link, 'ue')[0]!;
  assert.equal(pool.allocated.size, 1);
  link.ue.deleteChildSa(link.now, ueSa, tunnel.spiIn);
  // INFORMATIONAL { D(ESP, SPI) } -->   <-- INFORMATIONAL { D(ESP, SPI) }
  assert.deepEqual(link.step().names, ['D']);
  assert.deepEqual(link.step().names, ['D']);
  assert.equal(link.eventsOf('ha', 'child-sa-deleted').length, 1);
  link.ue.deleteIkeSa(link.now, ueSa);
  // INFORMATIONAL { D(IKE) } -->   <-- INFORMATIONAL { }
  assert.deepEqual(link.step().names, ['D']);
  link.step();
  for (const side of ['ue', 'ha'] as const) {
    assert.equal(link.eventsOf(side, 'ike-sa-deleted').length, 1, side);
    assert.equal(link.eventsOf(side, 'child-sa-deleted').length, 2, side);
  }
  assert.equal(pool.allocated.size, 0);
  assert.equal(link.ha.ikeSaCount + link.ue.ikeSaCount, 0);
});

test('lifetimes: soft expiry rekeys Child and IKE SAs, the hard lifetime deletes', () => {
  const t = timing({
    ...TEST_TIMING,
    childLifetime: { rekeyMs: 60_000, hardMs: 90_000 },
    ikeLifetime: { rekeyMs: 100_000, hardMs: 200_000 },
  });
  const haT = timing({
    ...TEST_TIMING,
    childLifetime: { rekeyMs: 0, hardMs: 0 },
    ikeLifetime: { rekeyMs: 0, hardMs: 0 },
  });
  const { link } = pair(t, haT);
  link.advance(link.now + 60_000);
  link.flush();
  // Both Child SAs rekeyed by the UE and the old ones deleted.
  assert.equal(children(link, 'ue').length, 4);
  assert.equal(link.eventsOf('ha', 'child-sa-deleted').length, 2);
  link.advance(link.now + 40_000);
  link.flush();
  assert.equal(link.eventsOf('ue', 'ike-sa-rekeyed').length, 1);
  assert.equal(link.eventsOf('ha', 'ike-sa-rekeyed').length, 1);
});

test('hard lifetime without rekey: the Child SA goes and the peer is told', () => {
  const t = timing({ ...TEST_TIMING, childLifetime: { rekeyMs: 0, hardMs: 30_000 } });
  const { link } = pair(t);
  link.advance(link.now + 30_000);
  const del = link.eventsOf('ue', 'child-sa-deleted');
  assert.equal(del.length, 2);
  link.flush();
  assert.equal(link.eventsOf('ha', 'child-sa-deleted').length, 2);
});

test('simultaneous child rekey: the SA with the lowest nonce is closed by its creator (RFC 7296 §2.8.1)', () => {
  const { link, ueSa, haSa } = pair();
  const ueMip = children(link, 'ue')[1]!;
  link.ue.rekeyChildSa(link.now, ueSa, ueMip.spiIn);
  link.ha.rekeyChildSa(link.now, haSa, ueMip.spiOut);
  link.runUntil(() => !link.ue.ikeSa(ueSa)!.tasks.busy && !link.ha.ikeSa(haSa)!.tasks.busy && !link.next());
  const ue = link.ue.ikeSa(ueSa)!;
  const ha = link.ha.ikeSa(haSa)!;
  assert.equal(ue.children.size, 2);
  assert.equal(ha.children.size, 2);
  for (const c of ue.children.values()) {
    const peer = ha.children.get(c.spiOut);
    assert.ok(peer, `UE child ${c.spiIn} has its HA half`);
    assert.equal(peer.spiOut, c.spiIn);
  }
  assert.ok(!ue.children.has(ueMip.spiIn), 'the old SA is gone');
  // Both exchanges completed (two new pairs), then the redundant one and the old one were deleted.
  assert.equal(children(link, 'ue').length, 4);
  assert.equal(link.eventsOf('ue', 'child-sa-deleted').length, 2);
  assert.equal(link.eventsOf('ha', 'child-sa-deleted').length, 2);
  assert.equal(link.eventsOf('ue', 'child-sa-failed').length + link.eventsOf('ha', 'child-sa-failed').length, 0);
});
