import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type BindAckTimeoutInput, earliestSendTime, initialBindAckTimeoutMs, onBindAckTimeout } from './backoff.ts';

const base: BindAckTimeoutInput = {
  attempts: 1,
  timeoutMs: 1500,
  ipv6CareOfWithIpv4Available: false,
  ipv6AttemptsBeforeIpv4: 3,
  hasNextHomeAgent: false,
  deregistration: false,
};

/** The waits of successive timeouts until something else than a retransmission happens. */
function schedule(input: Partial<BindAckTimeoutInput>): { waits: number[]; end: string } {
  let s: BindAckTimeoutInput = { ...base, ...input };
  const waits = [s.timeoutMs];
  for (let i = 0; i < 20; i++) {
    const next = onBindAckTimeout(s);
    if (next.action !== 'retransmit') return { waits, end: next.action };
    if (next.timeoutMs === s.timeoutMs && s.timeoutMs === 32_000 && waits.filter((w) => w === 32_000).length > 1) {
      return { waits, end: 'steady-32s' };
    }
    waits.push(next.timeoutMs);
    s = { ...s, attempts: s.attempts + 1, timeoutMs: next.timeoutMs };
  }
  return { waits, end: 'unbounded' };
}

test('RFC 6275 §11.8 initial timeouts: 1.5 s without a binding at the HA, else 1 s', () => {
  assert.equal(initialBindAckTimeoutMs(true), 1500);
  assert.equal(initialBindAckTimeoutMs(false), 1000);
});

const rows: { name: string; input: Partial<BindAckTimeoutInput>; waits: number[]; end: string }[] = [
  {
    name: 'first registration, another HA: 1.5 s doubling to 32 s, then the next HA (RFC 6275 §11.7.1)',
    input: { timeoutMs: 1500, hasNextHomeAgent: true },
    waits: [1500, 3000, 6000, 12000, 24000, 32000],
    end: 'next-home-agent',
  },
  {
    name: 'refresh, another HA: 1 s doubling to 32 s, then the next HA',
    input: { timeoutMs: 1000, hasNextHomeAgent: true },
    waits: [1000, 2000, 4000, 8000, 16000, 32000],
    end: 'next-home-agent',
  },
  {
    name: 'only one HA: keeps retransmitting every 32 s',
    input: { timeoutMs: 1000 },
    waits: [1000, 2000, 4000, 8000, 16000, 32000, 32000],
    end: 'steady-32s',
  },
  {
    name: 'IPv6 CoA with an IPv4 CoA available: IPv4 after three attempts (RFC 5555 §4.4.1)',
    input: { timeoutMs: 1500, ipv6CareOfWithIpv4Available: true },
    waits: [1500, 3000, 6000],
    end: 'fallback-to-ipv4',
  },
  {
    name: 'de-registration: given up at 32 s, never moved to another HA',
    input: { timeoutMs: 1000, hasNextHomeAgent: true, deregistration: true, ipv6CareOfWithIpv4Available: true },
    waits: [1000, 2000, 4000, 8000, 16000, 32000],
    end: 'give-up',
  },
];

for (const r of rows) {
  test(`back-off: ${r.name}`, () => {
    const got = schedule(r.input);
    assert.deepEqual(got.waits, r.waits);
    assert.equal(got.end, r.end);
  });
}

test('property: the timeout never shrinks and never passes 32 s', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40_000 }),
      fc.integer({ min: 1, max: 50 }),
      fc.boolean(),
      (t, attempts, next) => {
        const d = onBindAckTimeout({ ...base, timeoutMs: t, attempts, hasNextHomeAgent: next });
        return d.action !== 'retransmit' || (d.timeoutMs >= Math.min(t, 32_000) && d.timeoutMs <= 32_000);
      },
    ),
  );
});

test('RFC 6275 §11.8 MAX_UPDATE_RATE: a fourth BU within a second waits for the oldest to age out', () => {
  assert.equal(earliestSendTime([], 100), 100);
  assert.equal(earliestSendTime([0, 10], 100), 100);
  assert.equal(earliestSendTime([0, 10, 20], 100), 1000);
  assert.equal(earliestSendTime([0, 10, 20], 1500), 1500);
});
