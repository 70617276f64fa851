import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromHex, toHex } from '../../util/hex.ts';
import { assertWireError, onlyWireError } from '../ike/test-support.ts';
import { IKE_SA_INIT_REQUEST } from '../ike/test-vectors.ts';
import {
  classifyUdpEncap,
  encodeNatKeepalive,
  encodeUdpEncap,
  encodeUdpEncapIke,
  type UdpEncapDatagram,
} from './udp-encap.ts';

test('RFC 3948 §2: keepalive, non-ESP marker + IKE, and ESP are told apart', () => {
  assert.deepEqual(classifyUdpEncap(fromHex('ff')), { kind: 'keepalive' });
  const ike = encodeUdpEncapIke(IKE_SA_INIT_REQUEST);
  assert.equal(toHex(ike.subarray(0, 4)), '00000000');
  const c = classifyUdpEncap(ike);
  assert.ok(c.kind === 'ike');
  assert.equal(toHex(c.message), toHex(IKE_SA_INIT_REQUEST));
  const esp = fromHex('00000100 00000007 aabbccdd');
  assert.deepEqual(classifyUdpEncap(esp), { kind: 'esp', packet: esp });
  assert.equal(toHex(encodeNatKeepalive()), 'ff');
});

test('malformed UDP 4500 payloads', () => {
  assertWireError(() => classifyUdpEncap(new Uint8Array(0)), 'TRUNCATED', 0);
  assertWireError(() => classifyUdpEncap(fromHex('fe')), 'BAD_VALUE', 0);
  assertWireError(() => classifyUdpEncap(fromHex('0000')), 'TRUNCATED', 0);
  assertWireError(() => classifyUdpEncap(fromHex('000001')), 'TRUNCATED', 0);
  assertWireError(() => classifyUdpEncap(fromHex('00000100 0000')), 'TRUNCATED', 0);
  assert.throws(() => encodeUdpEncap({ kind: 'esp', packet: fromHex('00000000 00000001') }), RangeError);
  assert.throws(() => encodeUdpEncap({ kind: 'esp', packet: fromHex('000001') }), RangeError);
});

test('classify(encode(d)) returns d; arbitrary bytes only raise WireError', () => {
  const datagramArb: fc.Arbitrary<UdpEncapDatagram> = fc.oneof(
    fc.constant({ kind: 'keepalive' } as const),
    fc.uint8Array({ maxLength: 60 }).map((message) => ({ kind: 'ike', message }) as const),
    fc
      .tuple(fc.integer({ min: 1, max: 0xffffffff }), fc.uint8Array({ minLength: 4, maxLength: 60 }))
      .map(([spi, rest]) => {
        const packet = new Uint8Array(4 + rest.length);
        new DataView(packet.buffer).setUint32(0, spi);
        packet.set(rest, 4);
        return { kind: 'esp', packet } as const;
      }),
  );
  fc.assert(fc.property(datagramArb, (d) => assert.deepEqual(classifyUdpEncap(encodeUdpEncap(d)), d)));
  fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), (b) => onlyWireError(() => classifyUdpEncap(b))));
});
