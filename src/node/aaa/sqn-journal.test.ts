import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../util/errors.ts';
import { formatRecord, SqnJournal } from './sqn-journal.ts';

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-sqn-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readAll(path: string): Array<[string, number]> {
  const seen: Array<[string, number]> = [];
  SqnJournal.open(path, 'k', (imsi, sqn) => seen.push([imsi, sqn])).close();
  return seen;
}

test('appends are read back in order, the file is created 0600 with a header', () => {
  withDir((dir) => {
    const path = join(dir, 's.sqn');
    const j = SqnJournal.open(path, 'k', () => assert.fail('empty'));
    assert.equal(j.append('001010000000001', 0x20), true);
    assert.equal(j.append('001010000000002', 2 ** 48 - 1), true);
    assert.equal(j.append('001010000000001', 0x7e1), true);
    j.close();
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.match(readFileSync(path, 'utf8'), /^# dsmip SQN state v1/);
    assert.deepEqual(readAll(path), [
      ['001010000000001', 0x20],
      ['001010000000002', 2 ** 48 - 1],
      ['001010000000001', 0x7e1],
    ]);
  });
});

test('a torn last line (crash in the middle of an append) is ignored and cut off before the next append', () => {
  withDir((dir) => {
    const path = join(dir, 's.sqn');
    const j = SqnJournal.open(path, 'k', () => {});
    j.append('001010000000001', 0x40);
    j.close();
    const whole = readFileSync(path, 'latin1');
    for (const torn of ['001010000000001 0000000', '0010100', '\0\0\0\0']) {
      writeFileSync(path, whole + torn);
      const again = SqnJournal.open(path, 'k', () => {});
      assert.equal(readFileSync(path, 'latin1'), whole, 'cut back to the last complete line');
      again.append('001010000000002', 0x60);
      again.close();
      assert.deepEqual(readAll(path), [
        ['001010000000001', 0x40],
        ['001010000000002', 0x60],
      ]);
      writeFileSync(path, whole);
    }
  });
});

test('a malformed complete line is an error naming the key, the file and the line', () => {
  withDir((dir) => {
    const path = join(dir, 's.sqn');
    writeFileSync(path, `# header\n${formatRecord('001010000000001', 5)}001010000000002 zz\n`);
    assert.throws(
      () => SqnJournal.open(path, 'ha.aaa.sqnStateFile', () => {}),
      (e: unknown) => e instanceof ConfigError && e.path === 'ha.aaa.sqnStateFile' && e.message.includes(`${path}:3`),
    );
  });
});

test('rewrite compacts atomically, keeps 0600 and leaves no temporary file; appends continue after it', () => {
  withDir((dir) => {
    const path = join(dir, 's.sqn');
    const j = SqnJournal.open(path, 'k', () => {});
    for (let i = 0; i < 50; i++) j.append('001010000000001', i);
    assert.equal(j.records, 50);
    assert.equal(
      j.rewrite([
        ['001010000000001', 49],
        ['001010000000003', 7],
      ]),
      true,
    );
    assert.equal(j.records, 2);
    j.append('001010000000003', 8);
    j.close();
    assert.deepEqual(readAll(path), [
      ['001010000000001', 49],
      ['001010000000003', 7],
      ['001010000000003', 8],
    ]);
    assert.deepEqual(readdirSync(dir), ['s.sqn']);
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });
});

test('stale temporaries of a crashed rewrite are removed at open', () => {
  withDir((dir) => {
    const path = join(dir, 's.sqn');
    writeFileSync(join(dir, 's.sqn.tmp-12345'), 'secret');
    writeFileSync(join(dir, 's.sqn.tmp-other'), 'not ours');
    SqnJournal.open(path, 'k', () => {}).close();
    assert.deepEqual(readdirSync(dir).sort(), ['s.sqn', 's.sqn.tmp-other']);
  });
});

test('an unwritable location fails at open naming the key', () => {
  withDir((dir) => {
    assert.throws(
      () => SqnJournal.open(join(dir, 'missing', 's.sqn'), 'ha.aaa.sqnStateFile', () => {}),
      (e: unknown) => e instanceof ConfigError && e.path === 'ha.aaa.sqnStateFile' && /not writable/.test(e.message),
    );
  });
});

test('one process at a time: a running owner of the lock is refused, a lock left by an ended process is taken over', () => {
  withDir((dir) => {
    const path = join(dir, 's.sqn');
    writeFileSync(`${path}.lock`, `${process.ppid}\n`); // another process that runs: the test runner
    assert.throws(
      () => SqnJournal.open(path, 'ha.aaa.sqnStateFile', () => {}),
      (e: unknown) =>
        e instanceof ConfigError && e.path === 'ha.aaa.sqnStateFile' && /in use by process \d+/.test(e.message),
    );
    const ended = spawnSync('true').pid!; // has exited by now
    writeFileSync(`${path}.lock`, `${ended}\n`);
    const j = SqnJournal.open(path, 'k', () => {});
    assert.equal(readFileSync(`${path}.lock`, 'utf8'), `${process.pid}\n`);
    j.close();
    assert.deepEqual(readdirSync(dir), ['s.sqn'], 'the lock goes with close');
  });
});
