import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatSubscriberFile, parseSubscriberFile } from '../../eap/index.ts';
import { ConfigError } from '../../util/errors.ts';
import { SubscriberFileStore } from './subscriber-file-store.ts';

const TEXT = JSON.stringify({
  subscribers: [
    {
      imsi: '001010000000001',
      k: '465b5ce8b199b49faa5f0a2ee238a6bc',
      opc: 'cd63cb71954a9f4e48a5994e37a02baf',
      amf: '8000',
    },
    { imsi: '001010000000002', k: '00'.repeat(16), opc: '11'.repeat(16), amf: 'b9b9', sqn: '000000000400' },
  ],
});

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-store-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('updateSqn is on disk at once, the other entries untouched, no temporary file left, mode kept', () => {
  withDir((dir) => {
    const file = join(dir, 'subscribers.json');
    writeFileSync(file, TEXT);
    chmodSync(file, 0o640);
    const store = SubscriberFileStore.open(file);
    store.updateSqn('001010000000001', { seqHe: 7, ind: 3 });
    const reloaded = SubscriberFileStore.open(file);
    assert.deepEqual(reloaded.get('001010000000001')!.sqn, { seqHe: 7, ind: 3 });
    assert.deepEqual(reloaded.list()[1], parseSubscriberFile(TEXT)[1]);
    assert.equal(readFileSync(file, 'utf8'), formatSubscriberFile(store.list()));
    assert.deepEqual(readdirSync(dir), ['subscribers.json']);
    assert.equal(statSync(file).mode & 0o777, 0o640);
    assert.equal(store.persistFailures, 0);
  });
});

test('a missing file is UNREADABLE, a bad one names the key', () => {
  withDir((dir) => {
    assert.throws(
      () => SubscriberFileStore.open(join(dir, 'nope.json')),
      (e: unknown) => e instanceof ConfigError && e.code === 'UNREADABLE',
    );
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ subscribers: [{ imsi: '001010000000001', k: 'x', opc: '', amf: '' }] }));
    assert.throws(
      () => SubscriberFileStore.open(file),
      (e: unknown) => e instanceof ConfigError && e.path === 'subscribers[0].k',
    );
  });
});

test('a failed write is counted and reported; the in-memory SQN still advances', () => {
  withDir((dir) => {
    const file = join(dir, 'subscribers.json');
    writeFileSync(file, TEXT);
    const errors: unknown[] = [];
    const store = SubscriberFileStore.open(file, { onPersistError: (e) => errors.push(e) });
    rmSync(dir, { recursive: true, force: true }); // the directory is gone: the temporary file cannot be created
    store.updateSqn('001010000000002', { seqHe: 40, ind: 1 });
    assert.equal(store.persistFailures, 1);
    assert.equal(errors.length, 1);
    assert.deepEqual(store.get('001010000000002')!.sqn, { seqHe: 40, ind: 1 });
  });
});
