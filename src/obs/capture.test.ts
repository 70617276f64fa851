import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { isWireError } from '../util/errors.ts';
import { fromHex } from '../util/hex.ts';
import { readCapture } from './capture.ts';
import { LINKTYPE_RAW, readPcap, writePcap } from './pcap.ts';
import { readPcapng, writePcapng } from './pcapng.ts';

const packets = [fromHex('4500001c0000000040110000c0000201c0000202'), fromHex(`60000000000011ff${'00'.repeat(32)}01`)];

test('pcap: write then read returns the same records', () => {
  const file = writePcap(packets, LINKTYPE_RAW, 1_700_000_000_000_000);
  const cap = readPcap(file);
  assert.equal(cap.linkType, LINKTYPE_RAW);
  assert.deepEqual(
    cap.records.map((r) => r.data),
    packets,
  );
  assert.equal(cap.records[1]!.timestampUs, 1_700_000_000_001_000);
});

test('pcapng: write then read returns the same records', () => {
  const recs = packets.map((data, i) => ({
    data,
    timestampUs: 1_700_000_000_000_000 + i,
    originalLength: data.length,
  }));
  const cap = readPcapng(writePcapng(recs, LINKTYPE_RAW));
  assert.equal(cap.linkType, LINKTYPE_RAW);
  assert.deepEqual(cap.records, recs);
});

test('pcap and pcapng files written by tshark itself are read (editcap converts ours)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-cap-'));
  try {
    writeFileSync(join(dir, 'a.pcap'), writePcap(packets));
    execFileSync('editcap', ['-F', 'pcapng', join(dir, 'a.pcap'), join(dir, 'b.pcapng')]);
    execFileSync('editcap', ['-F', 'nsecpcap', join(dir, 'a.pcap'), join(dir, 'c.pcap')]);
    for (const f of ['b.pcapng', 'c.pcap']) {
      const cap = readCapture(new Uint8Array(readFileSync(join(dir, f))));
      assert.equal(cap.linkType, LINKTYPE_RAW, f);
      assert.deepEqual(
        cap.records.map((r) => r.data),
        packets,
        f,
      );
      assert.equal(cap.records[1]!.timestampUs - cap.records[0]!.timestampUs, 1000, f);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('capture readers throw only WireError on arbitrary or mutated input', () => {
  const seeds = [
    writePcap(packets),
    writePcapng(
      packets.map((data) => ({ data, timestampUs: 5, originalLength: data.length })),
      101,
    ),
  ];
  fc.assert(
    fc.property(
      fc.constantFrom(...seeds),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }))),
      fc.nat(),
      (seed, edits, cut) => {
        const b = seed.slice(0, seed.length - (cut % 8));
        for (const [at, v] of edits) if (b.length) b[at % b.length] = v;
        try {
          readCapture(b);
        } catch (e) {
          assert.ok(isWireError(e), String(e));
        }
      },
    ),
  );
});
