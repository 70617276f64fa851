/**
 * strongSwan's load-tester (a generic IKEv2 initiator: EAP-AKA, X25519, a tunnel-mode Child SA in IKE_AUTH with
 * TSi = its virtual addresses, TSr = ::/0, and a CFG_REQUEST for an IPv4 and an IPv6 address) against a real
 * `dsmip ha` process: a bounded run of 20 UEs that must all get their IKE SA and their Child SA
 * (bench/strongswan-load/ measures the same setup with 2,000).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { runLoad } from '../../bench/strongswan-load/run-load.ts';
import { ensureStrongswan } from '../../scripts/peers/strongswan.ts';

before(() => {
  ensureStrongswan();
});

test('20 load-tester UEs against dsmip ha: every IKE SA and every tunnel-mode Child SA established', async () => {
  const r = await runLoad('dsmip', { count: 20, initiators: 2, initLimit: 8, stallMs: 15_000 });
  assert.equal(r.failed, 0, r.problems.join('\n'));
  assert.equal(r.established, 20, r.problems.join('\n'));
  assert.equal(r.children, 20);
});
