import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex, toHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { buildIpv4Packet, buildIpv6Packet, buildUdp4, buildUdp6 } from './build.ts';
import { IpProtocol } from './constants.ts';
import { decodeIpv4 } from './ipv4.ts';
import { decodeIpv6, effectiveDestination, effectiveSource } from './ipv6.ts';
import { decodeUdp } from './udp.ts';

const HOA = Ipv6Address.parse('2001:db8:1::100');
const HA = Ipv6Address.parse('2001:db8:1::1');
const COA = Ipv6Address.parse('2001:db8:2::200');
// SPEC-NOTES §1.6 worked BU with its checksum zeroed; its checksum over (src=HoA, dst=HA) is ba7f.
const BU = fromHex('3b040500 0000 0001d400 0384 1d068000 00000000 0100 0310 20010db8000200000000000000000200');

test('buildIpv6Packet: BU from the CoA with a HAO gets the MH checksum over the HoA (RFC 6275 §6.1.1)', () => {
  const bytes = buildIpv6Packet({
    src: COA,
    dst: HA,
    nextHeader: IpProtocol.MH,
    payload: BU,
    homeAddressOption: HOA,
    checksumOffset: 4,
  });
  const v = decodeIpv6(bytes);
  assert.deepEqual(v.extensionHeaders, [
    {
      kind: 'destinationOptions',
      options: [
        { kind: 'padN', length: 2 },
        { kind: 'homeAddress', homeAddress: HOA },
      ],
    },
  ]);
  assert.equal(v.nextHeader, 135);
  assert.equal(v.hopLimit, 64);
  assert.equal(toHex(v.payload.subarray(4, 6)), 'ba7f');
  assert.ok(effectiveSource(v).equals(HOA));
  assert.equal(toHex(BU.subarray(4, 6)), '0000'); // the input is not modified
});

test('buildIpv6Packet: a BA to the CoA with an RH2 gets the MH checksum over the HoA as destination', () => {
  const bytes = buildIpv6Packet({
    src: HA,
    dst: COA,
    nextHeader: IpProtocol.MH,
    payload: BU,
    routingHeaderType2: HOA,
    checksumOffset: 4,
  });
  const v = decodeIpv6(bytes);
  assert.deepEqual(v.extensionHeaders, [{ kind: 'routingType2', segmentsLeft: 1, homeAddress: HOA }]);
  assert.ok(effectiveDestination(v).equals(HOA));
  // Same pseudo-header addresses as the BU above with source and destination swapped: the sum is symmetric.
  assert.equal(toHex(v.payload.subarray(4, 6)), 'ba7f');
  assert.throws(
    () => buildIpv6Packet({ src: HA, dst: COA, nextHeader: 135, payload: BU, checksumOffset: 39 }),
    RangeError,
  );
});

test('buildIpv6Packet orders RH2 before the Destination Options header (RFC 6275 §6.3, RFC 8200 §4.1)', () => {
  const v = decodeIpv6(
    buildIpv6Packet({
      src: COA,
      dst: HA,
      nextHeader: 59,
      payload: new Uint8Array(0),
      homeAddressOption: HOA,
      routingHeaderType2: HOA,
    }),
  );
  assert.deepEqual(
    v.extensionHeaders.map((h) => h.kind),
    ['routingType2', 'destinationOptions'],
  );
});

test('buildUdp6 and buildUdp4 fill lengths and checksums', () => {
  const six = decodeIpv6(
    buildUdp6({
      src: HA,
      dst: COA,
      routingHeaderType2: HOA,
      sourcePort: 4191,
      destinationPort: 5000,
      payload: fromHex('6869'),
    }),
  );
  assert.equal(six.nextHeader, 17);
  const udp = decodeUdp(six.payload, {
    version: 6,
    source: effectiveSource(six),
    destination: effectiveDestination(six),
  });
  assert.equal(toHex(udp.payload), '6869');
  const src = Ipv4Address.parse('192.0.2.1');
  const dst = Ipv4Address.parse('198.51.100.2');
  const four = buildUdp4({
    src,
    dst,
    sourcePort: 4500,
    destinationPort: 4500,
    payload: fromHex('ff'),
    identification: 0x1234,
    dontFragment: true,
  });
  // Same bytes scapy built for ipv4.test.ts.
  assert.equal(toHex(four), '4500001d1234400040113c65c0000201c6336402119411940009f17bff');
  const none = decodeIpv4(
    buildUdp4({ src, dst, sourcePort: 4500, destinationPort: 4500, payload: fromHex('ff'), omitChecksum: true }),
  );
  assert.equal(toHex(none.payload.subarray(6, 8)), '0000');
  const raw = decodeIpv4(
    buildIpv4Packet({ src, dst, protocol: 50, payload: fromHex('00000001'), ttl: 1, dscp: 10, ecn: 2 }),
  );
  assert.deepEqual([raw.protocol, raw.ttl, raw.dscp, raw.ecn, toHex(raw.payload)], [50, 1, 10, 2, '00000001']);
});
