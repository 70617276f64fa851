import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipv4AckStatus } from '../wire/mh/constants.ts';
import {
  decideIpv4HoaRetry,
  type Ipv4HoaRefusal,
  type Ipv4HoaRetryPolicy,
  ipv4HoaBackoffSec,
} from './ipv4-hoa-retry.ts';

const ON: Ipv4HoaRetryPolicy = { afterNoAddress: true, initialBackoffSec: 300, maxBackoffSec: 3600 };
const OFF: Ipv4HoaRetryPolicy = { ...ON, afterNoAddress: false };
const NONE = Ipv4AckStatus.DYNAMIC_IPV4_HOME_ADDRESS_ASSIGNMENT_NOT_AVAILABLE; // 132
const PROHIBITED = Ipv4AckStatus.ADMINISTRATIVELY_PROHIBITED; // 129

const at = (status: number, consecutive: number): Ipv4HoaRefusal => ({ status, atMs: 1000, consecutive });

test('decideIpv4HoaRetry: the table', () => {
  const rows: [string, Ipv4HoaRefusal | undefined, number, Ipv4HoaRetryPolicy, string][] = [
    ['never refused', undefined, 0, ON, 'ask'],
    ['never refused, policy off', undefined, 0, OFF, 'ask'],
    ['132, before the back-off', at(NONE, 1), 1000 + 299_999, ON, 'wait 301000'],
    ['132, at the back-off', at(NONE, 1), 1000 + 300_000, ON, 'ask'],
    ['132 twice: 600 s', at(NONE, 2), 1000 + 599_999, ON, 'wait 601000'],
    ['132 twice, after 600 s', at(NONE, 2), 1000 + 600_000, ON, 'ask'],
    ['132 ten times: capped at 3600 s', at(NONE, 10), 1000 + 3_600_000, ON, 'ask'],
    ['132 ten times, before the cap', at(NONE, 10), 1000 + 3_599_999, ON, 'wait 3601000'],
    ['132, policy off (TS 24.303 §5.1.2.4 literally)', at(NONE, 1), 10 ** 9, OFF, 'wait never'],
    ['129 stays final', at(PROHIBITED, 1), 10 ** 9, ON, 'wait never'],
  ];
  for (const [name, refusal, now, policy, expected] of rows) {
    const d = decideIpv4HoaRetry(refusal, now, policy);
    const got = d.kind === 'ask' ? 'ask' : `wait ${d.notBeforeMs ?? 'never'}`;
    assert.equal(got, expected, name);
  }
});

test('the back-off doubles per consecutive 132 and stops at the maximum', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 40].map((n) => ipv4HoaBackoffSec(n, ON)),
    [300, 600, 1200, 2400, 3600, 3600],
  );
});
