import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { IkeInitiator } from './initiator.ts';
import { IkeResponder } from './responder.ts';
import { FakeLink } from './test-link.ts';
import { haConfig, ueConfig, validNow } from './test-support.ts';

type Mutation =
  | { kind: 'flip'; bit: number }
  | { kind: 'truncate'; keep: number }
  | { kind: 'append'; extra: Uint8Array }
  | { kind: 'random'; bytes: Uint8Array };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((bit) => ({ kind: 'flip', bit }) as const),
  fc.nat().map((keep) => ({ kind: 'truncate', keep }) as const),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((extra) => ({ kind: 'append', extra }) as const),
  fc.uint8Array({ maxLength: 600 }).map((bytes) => ({ kind: 'random', bytes }) as const),
);

function mutate(b: Uint8Array, m: Mutation): Uint8Array {
  switch (m.kind) {
    case 'flip': {
      const out = b.slice();
      const bit = m.bit % (b.length * 8);
      out[bit >> 3]! ^= 1 << (bit & 7);
      return out;
    }
    case 'truncate':
      return b.slice(0, m.keep % b.length);
    case 'append':
      return new Uint8Array([...b, ...m.extra]);
    case 'random':
      return m.bytes;
  }
}

test('property: a mangled datagram at any step never throws, and after IKE_SA_INIT never derails the attach', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 9 }), mutationArb, (k, m) => {
      const link = new FakeLink(new IkeInitiator(ueConfig()), new IkeResponder(haConfig()), validNow());
      link.ue.connect(link.now);
      for (let i = 0; i < k && link.next(); i++) link.step();
      const d = link.next();
      if (!d) return;
      // The forgery arrives first; the genuine datagram follows.
      link.deliver({ ...d, t: { ...d.t, bytes: mutate(d.t.bytes, m) } });
      link.collect();
      if (k < 2) return; // IKE_SA_INIT is unauthenticated: a forged answer there can only be survived, not undone
      link.runUntil(() => link.eventsOf('ue', 'child-sa-established').length >= 2);
      assert.equal(link.eventsOf('ue', 'ike-sa-failed').length, 0);
    }),
    { numRuns: 60 },
  );
});

test('property: arbitrary datagrams to idle endpoints are dropped and counted', () => {
  const ha = new IkeResponder(haConfig());
  const ue = new IkeInitiator(ueConfig());
  const path = ueConfig().path;
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const before = ha.counters.received;
      ha.handleDatagram(0, bytes, path);
      ue.handleDatagram(0, bytes, path);
      assert.equal(ha.counters.received, before + 1);
    }),
  );
  for (let t = ha.pollTransmit(); t; t = ha.pollTransmit()) assert.ok(t.bytes.length >= 28);
});
