// The whole-HA fuzz family (fuzz/ha-node.ts) in a small bounded run: 2,000 mutated datagrams of a real attach sent to
// a live HA; nothing may escape, state may not grow, the attached UE must still be served. `npm run fuzz` runs 100,000.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzzHomeAgentNode } from '../../fuzz/ha-node.ts';

test('whole HA node under 2,000 mutated attach datagrams: no findings', async () => {
  const r = await fuzzHomeAgentNode({ inputs: 2000, seed: 0x16 });
  assert.deepEqual(r.findings, []);
  assert.ok(r.seeds >= 4, `a real attach gave ${r.seeds} seeds`);
  assert.ok(r.drops > 0, 'mutated datagrams were dropped and counted');
  assert.equal(r.bindings, 1);
});
