import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ExchangeType, NotifyType } from '../wire/ike/constants.ts';
import type { IkePayload } from '../wire/ike/payload.ts';
import { timing } from './config.ts';
import { DeadlineHeap } from './deadline-heap.ts';
import { retransmitDelay } from './retransmit.ts';
import { checkOuterPayloads, checkPayloads, isErrorNotify, messageRules } from './rules.ts';

const none = new Uint8Array(0);
const sa: IkePayload = { kind: 'sa', proposals: [] };
const ke: IkePayload = { kind: 'ke', dhGroup: 31, data: none };
const nonce: IkePayload = { kind: 'nonce', data: none };
const n: IkePayload = { kind: 'notify', protocolId: 0, spi: none, notifyType: 16388, data: none };
const unknown = (critical: boolean): IkePayload => ({ kind: 'unknown', type: 99, critical, data: none });

test('IKE_SA_INIT request: SA, KE and Ni once each; notifies and non-critical unknown payloads are fine', () => {
  const r = messageRules(ExchangeType.IKE_SA_INIT, false)!;
  assert.equal(r.encrypted, false);
  assert.equal(checkPayloads([sa, ke, nonce, n, n, unknown(false)], r, { requireAll: true }), undefined);
  assert.equal(checkPayloads([sa, ke, n], r, { requireAll: true })?.notifyType, NotifyType.INVALID_SYNTAX);
  assert.equal(checkPayloads([sa, sa, ke, nonce], r, { requireAll: true })?.notifyType, NotifyType.INVALID_SYNTAX);
  assert.equal(
    checkPayloads([sa, ke, nonce, { kind: 'eap', data: none }], r, { requireAll: true })?.notifyType,
    NotifyType.INVALID_SYNTAX,
  );
  const critical = checkPayloads([sa, ke, nonce, unknown(true)], r, { requireAll: true });
  assert.deepEqual(
    [critical?.notifyType, critical?.data],
    [NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, Uint8Array.of(99)],
  );
});

test('error responses only need their notifications; the protected exchanges have rules too', () => {
  const r = messageRules(ExchangeType.IKE_SA_INIT, true)!;
  assert.equal(checkPayloads([n], r, { requireAll: false }), undefined);
  for (const x of [ExchangeType.IKE_AUTH, ExchangeType.CREATE_CHILD_SA, ExchangeType.INFORMATIONAL]) {
    assert.equal(messageRules(x, false)?.encrypted, true);
    assert.equal(messageRules(x, true)?.encrypted, true);
  }
  assert.equal(messageRules(ExchangeType.IKE_SESSION_RESUME, false), undefined);
  const info = messageRules(ExchangeType.INFORMATIONAL, false)!;
  assert.equal(
    checkPayloads([{ kind: 'delete', protocolId: 3, spiSize: 4, spis: [] }, n], info, { requireAll: true }),
    undefined,
  );
  assert.equal(checkPayloads([sa], info, { requireAll: true })?.notifyType, NotifyType.INVALID_SYNTAX);
  const sk: IkePayload = { kind: 'sk', firstPayload: 0, data: none };
  assert.equal(checkOuterPayloads([unknown(false), sk]), undefined);
  assert.equal(checkOuterPayloads([n, sk])?.notifyType, NotifyType.INVALID_SYNTAX);
  assert.equal(checkOuterPayloads([unknown(true), sk])?.notifyType, NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD);
  assert.ok(isErrorNotify(NotifyType.TS_UNACCEPTABLE));
  assert.ok(!isErrorNotify(NotifyType.COOKIE));
});

test('retransmission timeouts double up to the cap, then stop after the configured tries (RFC 7296 §2.1)', () => {
  const t = timing({
    retransmitTimeoutMs: 1000,
    retransmitBackoff: 2,
    retransmitTries: 5,
    retransmitMaxTimeoutMs: 10_000,
  });
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6].map((a) => retransmitDelay(a, t)),
    [1000, 2000, 4000, 8000, 10_000, 10_000, undefined],
  );
});

test('property: the deadline heap yields live items in deadline order and skips stale entries', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 1000 }))), (moves) => {
      const items = Array.from({ length: 51 }, () => ({ scheduledAt: Number.POSITIVE_INFINITY, dead: false }));
      const heap = new DeadlineHeap<(typeof items)[number]>();
      for (const [i, at] of moves) {
        const it = items[i]!;
        it.scheduledAt = at;
        heap.push(it, at);
      }
      const want = items
        .filter((x) => Number.isFinite(x.scheduledAt))
        .map((x) => x.scheduledAt)
        .sort((a, b) => a - b);
      const got: number[] = [];
      let last = -1;
      for (let now = 0; now <= 1000; now += 37) {
        for (const it of heap.takeDue(now)) {
          assert.ok(it.scheduledAt === Number.POSITIVE_INFINITY);
          got.push(now);
        }
        assert.ok(now >= last);
        last = now;
      }
      got.push(...heap.takeDue(1001).map(() => 1001));
      assert.equal(got.length, want.length);
      assert.equal(heap.peek(), undefined);
    }),
  );
});
