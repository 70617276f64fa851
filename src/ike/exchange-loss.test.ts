import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IkeEvent } from './events.ts';
import { IkeInitiator } from './initiator.ts';
import { IkeResponder } from './responder.ts';
import { FakeLink } from './test-link.ts';
import { haConfig, ueConfig, validNow } from './test-support.ts';

/** Runs an attach, applying `fault` to the k-th datagram (counting every transmission); returns both event logs. */
function attachWithFault(k: number, fault: 'drop' | 'duplicate' | 'none') {
  const link = new FakeLink(new IkeInitiator(ueConfig()), new IkeResponder(haConfig()), validNow());
  link.ue.connect(link.now);
  let n = 0;
  for (let rounds = 0; rounds < 50; rounds++) {
    while (link.next()) {
      const f = n++ === k ? fault : 'none';
      link.step({ drop: f === 'drop', duplicate: f === 'duplicate' });
    }
    if (
      link.eventsOf('ue', 'child-sa-established').length >= 2 &&
      link.eventsOf('ha', 'child-sa-established').length >= 2
    )
      break;
    link.advance();
  }
  const kinds = (side: 'ue' | 'ha') => (side === 'ue' ? link.ueEvents : link.haEvents).map((e) => e.kind);
  return { link, ue: kinds('ue'), ha: kinds('ha'), transmissions: n };
}

const baseline = attachWithFault(-1, 'none');

test('the attach is 10 datagrams: 2 IKE_SA_INIT, 6 IKE_AUTH, 2 CREATE_CHILD_SA', () => {
  assert.equal(baseline.transmissions, 10);
  assert.equal(baseline.ue.filter((k) => k === 'child-sa-established').length, 2);
});

test('a lost datagram at any step is recovered by retransmission with the same outcome', () => {
  for (let k = 0; k < baseline.transmissions; k++) {
    const r = attachWithFault(k, 'drop');
    assert.deepEqual(r.ue, baseline.ue, `UE events with datagram ${k} lost`);
    assert.deepEqual(r.ha, baseline.ha, `HA events with datagram ${k} lost`);
    assert.equal(r.link.ue.counters.retransmitted, 1, `one retransmission for datagram ${k}`);
    // A lost response makes the UE resend its request, which the HA answers from its cache.
    if (k % 2 === 1) assert.equal(r.link.ha.counters.duplicateRequests, 1, `cached answer for datagram ${k}`);
  }
});

test('a duplicated datagram at any step changes nothing: requests are answered from the cache', () => {
  for (let k = 0; k < baseline.transmissions; k++) {
    const r = attachWithFault(k, 'duplicate');
    assert.deepEqual(r.ue, baseline.ue, `UE events with datagram ${k} duplicated`);
    assert.deepEqual(r.ha, baseline.ha, `HA events with datagram ${k} duplicated`);
    assert.equal(r.link.ue.counters.retransmitted, 0);
    if (k % 2 === 0) {
      assert.equal(r.link.ha.counters.duplicateRequests, 1, `request ${k} answered twice from the cache`);
    } else {
      // A duplicated response no longer matches an outstanding request and is dropped.
      assert.equal(r.link.ue.counters.droppedMessageId, 1, `response ${k} dropped`);
    }
  }
});

test('a peer that never answers: exponential back-off, then the attach fails', () => {
  const link = new FakeLink(new IkeInitiator(ueConfig()), new IkeResponder(haConfig()), validNow());
  const id = link.ue.connect(link.now);
  const start = link.now;
  const sentAt: number[] = [];
  for (let i = 0; i < 20 && link.eventsOf('ue', 'ike-sa-failed').length === 0; i++) {
    while (link.next()) {
      sentAt.push(link.now - start);
      link.step({ drop: true });
    }
    if (link.ue.pollTimeout() === undefined) break;
    link.advance();
  }
  // 500 ms, doubling: sends at 0, 0.5, 1.5, 3.5, 7.5, 15.5 s; gives up 16 s after the last (RFC 7296 §2.1).
  assert.deepEqual(sentAt, [0, 500, 1500, 3500, 7500, 15500]);
  assert.equal(link.now - start, 31500);
  assert.deepEqual(link.eventsOf('ue', 'ike-sa-failed'), [
    { kind: 'ike-sa-failed', ikeSaId: id, reason: 'peer-unreachable', notifyType: undefined },
  ]);
});

/** Child rekey, IKE rekey, a liveness check and the final delete, with datagram `k` of them lost or doubled. */
function lifecycleWithFault(k: number, fault: 'drop' | 'duplicate' | 'none') {
  const link = new FakeLink(new IkeInitiator(ueConfig()), new IkeResponder(haConfig()), validNow());
  const ueSa = link.ue.connect(link.now);
  link.runUntil(() => link.eventsOf('ue', 'child-sa-established').length >= 2);
  const mark = { ue: link.ueEvents.length, ha: link.haEvents.length };
  let n = 0;
  const run = (done: () => boolean) => {
    for (let rounds = 0; rounds < 50 && !done(); rounds++) {
      while (link.next()) {
        const f = n++ === k ? fault : 'none';
        link.step({ drop: f === 'drop', duplicate: f === 'duplicate' });
      }
      if (!done()) link.advance();
    }
    assert.ok(done(), `step ${k} ${fault}`);
  };
  const mip = link.eventsOf('ue', 'child-sa-established')[1]!;
  link.ue.rekeyChildSa(link.now, ueSa, mip.kind === 'child-sa-established' ? mip.spiIn : 0);
  run(() => link.eventsOf('ha', 'child-sa-deleted').length === 1 && !link.ue.ikeSa(ueSa)!.tasks.busy);
  link.ue.rekeyIkeSa(link.now, ueSa);
  run(
    () =>
      link.eventsOf('ha', 'ike-sa-rekeyed').length === 1 &&
      link.ha.ikeSaCount === 1 &&
      !link.ue.ikeSa(ueSa)!.tasks.busy,
  );
  link.ue.checkLiveness(link.now, ueSa);
  run(() => !link.ue.ikeSa(ueSa)!.tasks.busy);
  link.ue.deleteIkeSa(link.now, ueSa);
  run(() => link.eventsOf('ha', 'ike-sa-deleted').length === 1 && link.eventsOf('ue', 'ike-sa-deleted').length === 1);
  // Key logs aside; a lost last answer leaves the UE retransmitting its Delete to an HA that forgot the SA, which
  // answers INVALID_IKE_SPI: reported as an unauthenticated hint, it changes nothing (RFC 7296 §2.21.4).
  const kinds = (events: IkeEvent[], from: number) =>
    events
      .slice(from)
      .filter((e) => e.kind !== 'key-log' && !(e.kind === 'error-notify' && e.unauthenticated))
      .map((e) => (e.kind === 'ike-sa-deleted' ? `${e.kind}:${e.reason}` : e.kind));
  return { ue: kinds(link.ueEvents, mark.ue), ha: kinds(link.haEvents, mark.ha), transmissions: n };
}

test('rekeys, liveness and delete survive a lost or duplicated datagram at every step', () => {
  const base = lifecycleWithFault(-1, 'none');
  assert.equal(base.transmissions, 12);
  for (let k = 0; k < base.transmissions; k++) {
    for (const fault of ['drop', 'duplicate'] as const) {
      const r = lifecycleWithFault(k, fault);
      assert.deepEqual(r.ue, base.ue, `UE events, datagram ${k} ${fault}`);
      assert.deepEqual(r.ha, base.ha, `HA events, datagram ${k} ${fault}`);
    }
  }
});
