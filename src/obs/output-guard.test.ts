import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openFileSink } from './output-guard.ts';

// A failed write may have advanced the file offset (a partial write before ENOSPC); the capture then cuts the file
// back to its last whole record. The next record must land right there, not at the old offset behind a hole of zeros.
for (const flags of ['w', 'a'] as const) {
  test(`openFileSink (${flags}): an append after truncate lands at the new end`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsmip-sink-'));
    try {
      const path = join(dir, 'out');
      const sink = openFileSink(path, { flags, mode: 0o600 });
      sink.append(Uint8Array.of(1, 2, 3, 4));
      sink.append(Uint8Array.of(9, 9, 9)); // the partial record
      sink.truncate(4);
      sink.append(Uint8Array.of(5, 6));
      sink.close();
      assert.deepEqual([...readFileSync(path)], [1, 2, 3, 4, 5, 6]);
      assert.equal(sink.size(), 6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
