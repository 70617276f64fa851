import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WireErrorCode } from '../../util/errors.ts';
import { fromHex, toHex } from '../../util/hex.ts';
import { Ipv4Address } from '../../util/ip-address.ts';
import { PayloadType as P } from './constants.ts';
import { decodeIkePayloads, encodeIkePayloads } from './message.ts';
import type { IkePayload } from './payload.ts';
import { assertWireError } from './test-support.ts';
import { icmpToPort, mhTypeToPort, portToMhType } from './traffic-selector.ts';

test('MH types map to selector ports with the type in the high byte (RFC 4877 §7.3, RFC 7296 §3.13.1)', () => {
  assert.equal(mhTypeToPort(5), 0x0500); // BU
  assert.equal(mhTypeToPort(6), 0x0600); // BA
  assert.equal(mhTypeToPort(1), 0x0100); // HoTI
  assert.equal(mhTypeToPort(3), 0x0300); // HoT
  assert.equal(portToMhType(0x0500), 5);
  assert.equal(portToMhType(0x06ff), 6);
  assert.equal(icmpToPort(146, 0), 0x9200); // Mobile Prefix Solicitation
  assert.equal(icmpToPort(147, 1), 0x9301);
  assert.throws(() => mhTypeToPort(256), RangeError);
  assert.throws(() => mhTypeToPort(-1), RangeError);
});

test('IPv4 any-port selector and an unknown TS type round-trip', () => {
  const hex = '00 00 0024 02 000000  07 00 0010 0000 ffff c0000200 c00002ff  09 00 000c 00 010203 00 040506';
  const value: IkePayload = {
    kind: 'tsr',
    selectors: [
      {
        kind: 'ipv4-range',
        ipProtocol: 0,
        startPort: 0,
        endPort: 65535,
        startAddress: Ipv4Address.parse('192.0.2.0'),
        endAddress: Ipv4Address.parse('192.0.2.255'),
      },
      { kind: 'unknown', type: 9, ipProtocol: 0, data: fromHex('0001020300040506') },
    ],
  };
  assert.deepEqual(decodeIkePayloads(P.TSR, fromHex(hex)), [value]);
  assert.equal(toHex(encodeIkePayloads([value])), toHex(fromHex(hex)));
});

test('an empty TS payload (#TS 0) is well-formed', () => {
  assert.deepEqual(decodeIkePayloads(P.TSI, fromHex('00 00 0008 00 000000')), [{ kind: 'tsi', selectors: [] }]);
});

test('malformed traffic selectors fail with the right code', () => {
  const v4 = '07 00 0010 0000 ffff c0000200 c00002ff';
  const cases: [string, string, WireErrorCode, number?][] = [
    [
      'IPv4 selector length 40',
      `00 00 0030 01 000000 07 00 0028 0000 ffff c0000200 c00002ff ${'00'.repeat(24)}`,
      'BAD_LENGTH',
      10,
    ],
    ['IPv6 selector length 16', '00 00 0018 01 000000 08 00 0010 0000 ffff 00000000 00000000', 'BAD_LENGTH', 10],
    ['IPv4 selector length 17', `00 00 0019 01 000000 07 00 0011 0000 ffff c0000200 c00002ff 00`, 'BAD_LENGTH', 10],
    ['unknown selector length < 4', '00 00 000c 01 000000 09 00 0003', 'BAD_LENGTH', 10],
    ['selector overruns the payload', '00 00 0010 01 000000 09 00 0010 00000000', 'BAD_LENGTH', 10],
    ['IPv4 selector cut short', '00 00 0014 01 000000 07 00 0010 0000 ffff c0000200', 'BAD_LENGTH', 10],
    ['#TS says 2, carries 1', `00 00 0018 02 000000 ${v4}`, 'BAD_LENGTH', 4],
    ['#TS says 1, carries 2', `00 00 0028 01 000000 ${v4} ${v4}`, 'BAD_LENGTH', 4],
    ['half a selector header', '00 00 000a 00 000000 07 00', 'TRUNCATED'],
  ];
  for (const [name, hex, code, offset] of cases)
    assertWireError(() => decodeIkePayloads(P.TSI, fromHex(hex)), code, offset, name);
});
