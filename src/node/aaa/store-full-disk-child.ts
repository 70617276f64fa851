/**
 * Child of store-full-disk.test.ts, run in a private mount namespace on a small tmpfs (argv[2]): fills the file
 * system, then checks that the store keeps issuing within its reserved range, refuses beyond it, counts and
 * reports the failures once, leaves no temporary file, and recovers when space returns. Prints "ok" or throws.
 */
import assert from 'node:assert/strict';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SubscriberFileStore } from './subscriber-file-store.ts';
import { writeSubscriberRange } from './subscriber-range.ts';

const dir = process.argv[2]!;
const file = join(dir, 'subs.json');
writeSubscriberRange(file, { first: '001010000000001', count: 3 });
const errors: unknown[] = [];
let recovered = 0;
const store = SubscriberFileStore.open(file, {
  sqnReserve: 4,
  onPersistError: (e) => errors.push(e),
  onPersistRecovered: () => recovered++,
});
const filler = join(dir, 'filler');
const block = Buffer.alloc(4096, 1);
try {
  for (let i = 0; ; i++) writeFileSync(filler, block, { flag: i ? 'a' : 'w' });
} catch (e) {
  assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
}
const imsi = '001010000000002';
// The journal's last page may still have room: vectors go on until a reservation needs a new page.
let issued = 0;
for (let grant = store.nextSqn(imsi); grant.ok; grant = store.nextSqn(imsi)) {
  issued++;
  assert.ok(issued < 4 * 4096, 'a reservation must fail on a full file system');
}
assert.equal(issued % 4, 0, 'refused exactly at the end of a persisted range');
assert.deepEqual(store.nextSqn(imsi), { ok: false, reason: 'SQN_UNAVAILABLE' });
assert.equal(store.get(imsi)!.sqn.seqHe, issued, 'not advanced beyond the persisted mark');
assert.equal(store.compact(), false, 'a rewrite fails too');
assert.equal(store.persistFailures, 3);
assert.equal(store.refused, 2);
assert.equal(errors.length, 1, 'reported once');
assert.equal((errors[0] as NodeJS.ErrnoException).code, 'ENOSPC');
assert.deepEqual(
  readdirSync(dir).sort(),
  ['filler', 'subs.json', 'subs.json.sqn', 'subs.json.sqn.lock'],
  'no temporary file',
);
rmSync(filler);
assert.deepEqual(store.nextSqn(imsi).ok, true, 'space is back');
assert.equal(recovered, 1);
store.close();
const again = SubscriberFileStore.open(file, { sqnReserve: 4 });
assert.equal(again.get(imsi)!.sqn.seqHe, issued + 1, 'the failed lines left no trace');
assert.equal(statSync(again.stateFile).mode & 0o777, 0o600);
again.close();
process.stdout.write('ok\n');
