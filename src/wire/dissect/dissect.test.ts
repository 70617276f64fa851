import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { attachPackets } from '../../../test/fixtures/attach-packets.ts';
import { WireError } from '../../util/errors.ts';
import { dissect } from './dissect.ts';

const samples = attachPackets();

test('every sample packet dissects into the expected layers with no error', () => {
  for (const s of samples) {
    const d = dissect(s.bytes);
    assert.equal(d.error, undefined, `${s.name}: ${d.error?.message}`);
    assert.deepEqual(
      d.layers.map((l) => l.layer),
      s.layers,
      s.name,
    );
  }
});

test('layer offsets and lengths locate each layer in the packet', () => {
  const bu = samples.find((s) => s.name === 'bu-ipv4-access')!;
  const d = dissect(bu.bytes);
  const [ipv4, udp, ipv6, mh] = d.layers;
  assert.deepEqual([ipv4!.offset, ipv4!.length], [0, 20]);
  assert.deepEqual([udp!.offset, udp!.length], [20, 8]);
  assert.deepEqual([ipv6!.offset, ipv6!.length], [28, 40]);
  assert.equal(mh!.offset, 68);
  assert.equal(mh!.offset + mh!.length, bu.bytes.length);
  assert.equal((mh!.fields as { checksumValid: boolean }).checksumValid, true);
  assert.equal((udp!.fields as { checksumValid: boolean }).checksumValid, true);
});

test('a malformed inner layer is reported with its absolute offset; outer layers stay decoded', () => {
  const bu = samples.find((s) => s.name === 'bu-ipv4-access')!;
  const broken = bu.bytes.slice();
  broken[68 + 1] = 9; // MH Header Len now overruns the packet
  const d = dissect(broken);
  assert.deepEqual(
    d.layers.map((l) => l.layer),
    ['ipv4', 'udp', 'ipv6'],
  );
  assert.ok(d.error instanceof WireError);
  assert.equal(d.error.layer, 'mh');
  assert.equal(d.error.code, 'BAD_LENGTH');
  assert.equal(d.error.offset, 69);
});

test('a wrong MH checksum is shown, not fatal', () => {
  const bu = samples.find((s) => s.name === 'bu-ipv6-access')!;
  const bad = bu.bytes.slice();
  bad[bad.length - 1]! ^= 0xff;
  const mh = dissect(bad).layers.find((l) => l.layer === 'mh')!;
  assert.equal((mh.fields as { checksumValid: boolean }).checksumValid, false);
});

test('options, payloads and attributes carry their type numbers', () => {
  const mh = dissect(samples.find((s) => s.name === 'ba-ipv6-access')!.bytes).layers[1]!.fields as {
    mhType: number;
    options: { type: number }[];
  };
  assert.equal(mh.mhType, 6);
  assert.deepEqual(
    mh.options.map((o) => o.type),
    [30, 31],
  );
  const ike = dissect(samples.find((s) => s.name === 'ike-sa-init')!.bytes).layers[2]!.fields as {
    payloads: { type: number }[];
  };
  assert.deepEqual(
    ike.payloads.map((p) => p.type),
    [33, 34, 40, 41, 41],
  );
});

test('dissect never throws: random and mutated packets end in layers plus at most a WireError', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...samples.map((s) => s.bytes)),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.nat(),
      (seed, edits, cut) => {
        const b = seed.slice(0, seed.length - (cut % 12));
        for (const [at, v] of edits) if (b.length) b[at % b.length] = v;
        const d = dissect(b);
        if (d.error) assert.ok(d.error instanceof WireError);
      },
    ),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 200 }),
      fc.constantFrom('link', 'ip', 'mh', 'ike', 'esp', 'eap', 'dhcpv6', 'dhcpv4', 'pco', 'dns', 'icmpv6'),
      (b, start) => {
        const d = dissect(b, start as Parameters<typeof dissect>[1], 1);
        if (d.error) assert.ok(d.error instanceof WireError);
      },
    ),
  );
});
