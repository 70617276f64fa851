import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex, toHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { CfgType, PayloadType as P } from './constants.ts';
import { decodeIkePayloads, encodeIkePayloads } from './message.ts';
import type { CpPayload, IkePayload } from './payload.ts';
import { assertWireError } from './test-support.ts';
import { CP_REPLY_PAYLOAD } from './test-vectors.ts';

function decodeCp(hex: string | Uint8Array): CpPayload {
  const [cp, ...rest] = decodeIkePayloads(P.CP, typeof hex === 'string' ? fromHex(hex) : hex);
  assert.equal(rest.length, 0);
  assert.ok(cp?.kind === 'cp');
  return cp;
}

test('CFG_REPLY with INTERNAL_IP6_ADDRESS, a 21-byte MIP6_HOME_PREFIX and a dual HOME_AGENT_ADDRESS', () => {
  const expected: IkePayload = {
    kind: 'cp',
    cfgType: CfgType.REPLY,
    attributes: [
      { kind: 'ipv6-prefix', type: 8, value: { address: Ipv6Address.parse('2001:db8:1::10'), prefixLength: 64 } },
      {
        kind: 'mip6-home-prefix',
        value: { prefixLifetimeSec: 3600, prefix: Ipv6Address.parse('2001:db8:1::'), prefixLength: 64 },
      },
      {
        kind: 'home-agent-address',
        value: { ipv6: Ipv6Address.parse('2001:db8::ff'), ipv4: Ipv4Address.parse('192.0.2.1') },
      },
    ],
  };
  assert.deepEqual(decodeCp(CP_REPLY_PAYLOAD), expected);
  assert.equal(toHex(encodeIkePayloads([expected])), toHex(CP_REPLY_PAYLOAD));
});

test('CFG_REQUEST of IPv4 attributes, with zero-length values and a proposed address', () => {
  const hex =
    '00 00 0030 01 000000 0001 0004 0a000001 0002 0000 0003 0000 000a 0000 0013 0010 20010db8000000000000000000000001';
  const cp = decodeCp(hex);
  assert.deepEqual(cp.attributes, [
    { kind: 'ipv4', type: 1, address: Ipv4Address.parse('10.0.0.1') },
    { kind: 'ipv4', type: 2, address: undefined },
    { kind: 'ipv4', type: 3, address: undefined },
    { kind: 'ipv6', type: 10, address: undefined },
    { kind: 'home-agent-address', value: { ipv6: Ipv6Address.parse('2001:db8::1'), ipv4: undefined } },
  ]);
  assert.equal(toHex(encodeIkePayloads([cp])), toHex(fromHex(hex)));
});

test('a 17-byte MIP6_HOME_PREFIX (strongSwan from a config file) is kept raw as unknown', () => {
  const value = '20010db8000100000000000000000000 40';
  const cp = decodeCp(`00 00 001d 02 000000 0010 0011 ${value}`);
  assert.deepEqual(cp.attributes, [{ kind: 'unknown', type: 16, data: fromHex(value) }]);
  assert.equal(toHex(encodeIkePayloads([cp])), toHex(fromHex(`00 00 001d 02 000000 0010 0011 ${value}`)));
});

test('known types with lengths their layout does not allow become unknown; the R bit is ignored', () => {
  const cp = decodeCp('00 00 0026 02 000000 0001 0003 0a0000 0013 0004 01020304 8003 0004 08080808 0007 0003 763132');
  assert.deepEqual(cp.attributes, [
    { kind: 'unknown', type: 1, data: fromHex('0a0000') },
    { kind: 'unknown', type: 19, data: fromHex('01020304') },
    { kind: 'ipv4', type: 3, address: Ipv4Address.parse('8.8.8.8') },
    { kind: 'unknown', type: 7, data: fromHex('763132') },
  ]);
});

test('malformed CP payloads', () => {
  assertWireError(() => decodeCp('00 00 0010 01 000000 0001 0008 0a000001'), 'TRUNCATED', 12, 'value overruns');
  assertWireError(() => decodeCp('00 00 000a 01 000000 0001'), 'TRUNCATED', 10, 'half an attribute header');
  assertWireError(() => decodeCp('00 00 0006 01 00'), 'TRUNCATED', undefined, 'short CP header');
  assert.throws(
    () =>
      encodeIkePayloads([
        { kind: 'cp', cfgType: 1, attributes: [{ kind: 'unknown', type: 0x8000, data: fromHex('') }] },
      ]),
    RangeError,
  );
});
