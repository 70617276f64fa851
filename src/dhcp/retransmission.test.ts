import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  drawInformJitterMs,
  drawRand,
  firstRetransmissionTimeoutMs,
  INFORMATION_REQUEST_RETRANSMISSION as IR,
  informRetransmissionDelayMs,
  nextRetransmissionTimeoutMs,
  retransmissionExhausted,
} from './retransmission.ts';
import { constantRandom } from './test-support.ts';

test('Information-request parameters are RFC 8415 §18.2.6: IRT 1 s, MRT 3600 s, MRC 0, MRD 0', () => {
  assert.deepEqual({ ...IR }, { irtMs: 1000, mrtMs: 3_600_000, mrc: 0, mrdMs: 0 });
});

test('RFC 8415 §15 RT sequence for fixed RAND values, doubling then capped at MRT + RAND·MRT', () => {
  const table: { rand: number; expected: number[] }[] = [
    // RAND = 0: 1, 2, 4, ... 2048 s, then 4096 s > MRT → MRT
    {
      rand: 0,
      expected: [
        1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 512000, 1024000, 2048000, 3600000, 3600000,
      ],
    },
    // RAND = +0.1: RT = 2.1·RTprev, the cap is 3960 s
    {
      rand: 0.1,
      expected: [
        1100, 2310, 4851, 10187, 21393, 44925, 94343, 198120, 416052, 873709, 1834789, 3960000, 3960000, 3960000,
      ],
    },
    // RAND = -0.1: RT = 1.9·RTprev, the cap is 3240 s
    {
      rand: -0.1,
      expected: [900, 1710, 3249, 6173, 11729, 22285, 42342, 80450, 152855, 290425, 551808, 1048435, 1992027, 3240000],
    },
  ];
  for (const { rand, expected } of table) {
    const got = [firstRetransmissionTimeoutMs(IR, rand)];
    while (got.length < expected.length) got.push(nextRetransmissionTimeoutMs(got.at(-1)!, IR, rand));
    assert.deepEqual(got, expected, `RAND ${rand}`);
  }
});

test('MRT 0 means no cap (RFC 8415 §15)', () => {
  assert.equal(nextRetransmissionTimeoutMs(3_000_000, { ...IR, mrtMs: 0 }, 0), 6_000_000);
});

test('every RT stays within [1.9, 2.1]·RTprev or within MRT ± 10 %', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 10_000_000 }),
      fc.double({ min: -0.1, max: 0.1, noNaN: true }),
      (prev, rand) => {
        const rt = nextRetransmissionTimeoutMs(prev, IR, rand);
        const capped = rt >= 0.9 * IR.mrtMs - 1 && rt <= 1.1 * IR.mrtMs + 1;
        const doubled = rt >= 1.9 * prev - 1 && rt <= 2.1 * prev + 1;
        assert.ok(capped || doubled, `prev ${prev} rand ${rand} → ${rt}`);
      },
    ),
  );
});

test('MRC and MRD end an exchange only when non-zero (RFC 8415 §15)', () => {
  const table: [mrc: number, mrdMs: number, transmissions: number, sinceFirstMs: number, exhausted: boolean][] = [
    [0, 0, 1_000_000, 1e12, false],
    [3, 0, 2, 1e9, false],
    [3, 0, 3, 0, true],
    [0, 5000, 100, 4999, false],
    [0, 5000, 1, 5000, true],
    [3, 5000, 3, 10, true],
    [3, 5000, 1, 5000, true],
  ];
  for (const [mrc, mrdMs, n, since, want] of table)
    assert.equal(retransmissionExhausted({ ...IR, mrc, mrdMs }, n, since), want, `${mrc} ${mrdMs} ${n} ${since}`);
});

test('RAND and the DHCPv4 jitter are drawn uniformly from the injected source', () => {
  assert.equal(drawRand(constantRandom(0)), -0.1);
  assert.ok(Math.abs(drawRand(constantRandom(0.5))) < 1e-12);
  assert.equal(drawInformJitterMs(constantRandom(0)), -1000);
  assert.ok(Math.abs(drawInformJitterMs(constantRandom(0.5))) < 1e-6);
  assert.ok(drawInformJitterMs(constantRandom(0.999999999)) < 1000);
});

test('RFC 2131 §4.1 DHCPv4 delays: 4, 8, 16, 32, 64, 64 s, each with its jitter', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((n) => informRetransmissionDelayMs(n, 0)),
    [4000, 8000, 16000, 32000, 64000, 64000],
  );
  assert.equal(informRetransmissionDelayMs(1, -1000), 3000);
  assert.equal(informRetransmissionDelayMs(4, 999.6), 33000);
  assert.throws(() => informRetransmissionDelayMs(0, 0), RangeError);
});
