import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isWireError } from '../../util/errors.ts';
import { decodeDns, encodeDns } from './dns.ts';

const HA_APN = 'internet.ha-apn.mnc012.mcc345.pub.3gppnetwork.org';

test('a AAAA query for the HA-APN and its answer round-trip', () => {
  const q = encodeDns({ type: 'query', id: 7, flags: 256, questions: [{ type: 'AAAA', name: HA_APN }] });
  const dq = decodeDns(q);
  assert.equal(dq.id, 7);
  assert.equal(dq.questions?.[0]?.name, HA_APN);
  const a = encodeDns({
    type: 'response',
    id: 7,
    flags: 0x8180,
    questions: [{ type: 'AAAA', name: HA_APN }],
    answers: [{ type: 'AAAA', name: HA_APN, ttl: 300, data: '2001:db8:ffff::1' }],
  });
  const da = decodeDns(a);
  const answer = da.answers?.[0] as { type: string; data: string; ttl: number } | undefined;
  assert.equal(answer?.type, 'AAAA');
  assert.equal(answer?.data, '2001:db8:ffff::1');
  assert.equal(answer?.ttl, 300);
});

test('malformed DNS becomes WireError only', () => {
  const seed = encodeDns({ type: 'query', id: 1, questions: [{ type: 'A', name: HA_APN }] });
  assert.throws(
    () => decodeDns(seed.subarray(0, 5)),
    (e: unknown) => isWireError(e) && e.code === 'TRUNCATED',
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }))), fc.nat(), (edits, cut) => {
      const b = seed.slice(0, Math.max(0, seed.length - (cut % 20)));
      for (const [at, v] of edits) if (b.length) b[at % b.length] = v;
      try {
        decodeDns(b);
      } catch (e) {
        assert.ok(isWireError(e), String(e));
      }
    }),
  );
});
