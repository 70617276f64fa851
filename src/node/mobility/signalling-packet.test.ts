// Framing around sealed ESP for each MhTransport, as literal bytes (RFC 3776 §3.1, RFC 6275 §6.3/§6.4, RFC 5555
// §4.1/§5.2.1), and the way back: where the ESP is and which outer headers it came in; malformed input raises
// WireError with a stable code, nothing else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ba, bu, COA4, COA6, HA4, HA6, HOA, NAT_PUBLIC } from '../../mip/test-fixtures.ts';
import type { MhTransport, SendMh } from '../../mip/types.ts';
import { internetChecksum } from '../../util/checksum.ts';
import { isWireError, WireError } from '../../util/errors.ts';
import { fromHex, toHex } from '../../util/hex.ts';
import { Ipv6Address } from '../../util/ip-address.ts';
import { buildIpv6Packet, buildUdp4, buildUdp6 } from '../../wire/ip/build.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { classifyDatagram, classifyIp, frameSignalling, signallingOutputBytes } from './signalling-packet.ts';

/** A stand-in ESP packet: SPI 0x100, sequence 1, 8 more bytes. */
const ESP = fromHex('00000100 00000001 0102030405060708');

const send = (transport: MhTransport, toUe: boolean): SendMh => ({
  kind: 'send-mh',
  message: toUe ? ba() : bu(),
  innerSrc: toUe ? HA6 : HOA,
  innerDst: toUe ? HOA : HA6,
  transport,
});

// 2001:db8:2::200 (CoA), 2001:db8:1::1 (HA), 2001:db8:1::100 (HoA)
const COA6_HEX = '20010db8000200000000000000000200';
const HA6_HEX = '20010db8000100000000000000000001';
const HOA_HEX = '20010db8000100000000000000000100';

test('BU from an IPv6 CoA: IPv6(CoA → HA) · Destination Options(PadN, HAO) · ESP (RFC 6275 §6.3 alignment 8n+6)', () => {
  const out = frameSignalling(send({ kind: 'ipv6-hao', careOf: COA6 }, false), ESP);
  assert.ok(out.kind === 'ip' && out.family === 6 && out.protocol === 50);
  const expected =
    `60000000 0028 3c 40 ${COA6_HEX} ${HA6_HEX}` + // payload length 40, next header 60, hop limit 64
    ` 32 02 0102 0000 c9 10 ${HOA_HEX}` + // next header 50 (ESP), length 2 (24 bytes), PadN(2), HAO at offset 6
    ` ${toHex(ESP)}`;
  assert.equal(toHex(out.packet), toHex(fromHex(expected)));
});

test('BA to an IPv6 CoA: IPv6(HA → CoA) · Type 2 Routing Header(HoA, Segments Left 1) · ESP', () => {
  const out = frameSignalling(send({ kind: 'ipv6-rh2', careOf: COA6 }, true), ESP);
  assert.ok(out.kind === 'ip' && out.protocol === 50);
  const expected = `60000000 0028 2b 40 ${HA6_HEX} ${COA6_HEX} 32 02 02 01 00000000 ${HOA_HEX} ${toHex(ESP)}`;
  assert.equal(toHex(out.packet), toHex(fromHex(expected)));
});

test('at home: IPv6(HoA → HA) · ESP, no extension header (RFC 6275 §11.5.5)', () => {
  const out = frameSignalling(send({ kind: 'ipv6' }, false), ESP);
  assert.ok(out.kind === 'ip');
  assert.equal(toHex(out.packet), toHex(fromHex(`60000000 0010 32 40 ${HOA_HEX} ${HA6_HEX} ${toHex(ESP)}`)));
});

test('IPv4 CoA without NAT: IPv4(HA → CoA, protocol 41) · IPv6(HA → HoA) · ESP (TS 24.303 §5.1.3.2)', () => {
  const out = frameSignalling(send({ kind: 'ipv4-protocol-41', source: HA4, destination: COA4 }, true), ESP);
  assert.ok(out.kind === 'ip' && out.family === 4 && out.protocol === 41);
  const inner = `60000000 0010 32 40 ${HA6_HEX} ${HOA_HEX} ${toHex(ESP)}`;
  // IPv4: length 20 + 56 = 76 (0x4c), TTL 64, protocol 41, header checksum, 192.0.2.1 → 198.51.100.7
  assert.equal(toHex(out.packet.subarray(0, 20)), '4500004c0000000040298e4dc0000201c6336407');
  assert.equal(internetChecksum(out.packet.subarray(0, 20)), 0);
  assert.equal(toHex(out.packet.subarray(20)), toHex(fromHex(inner)));
});

test('IPv4 access: the IPv6 packet is a UDP payload, from the CoA port Z to 4191 (RFC 5555 §4.1)', () => {
  const t: MhTransport = { kind: 'udp4', source: COA4, destination: HA4, sourcePort: 4191, destinationPort: 4191 };
  const out = frameSignalling(send(t, false), ESP);
  assert.ok(out.kind === 'udp');
  assert.deepEqual([out.source, out.destination, out.sourcePort, out.destinationPort], [COA4, HA4, 4191, 4191]);
  assert.equal(toHex(out.payload), toHex(fromHex(`60000000 0010 32 40 ${HOA_HEX} ${HA6_HEX} ${toHex(ESP)}`)));
  const bytes = signallingOutputBytes(out);
  assert.equal(bytes.length, 20 + 8 + out.payload.length);
});

test('property: the direct IPv6 framing gives the bytes of the IPv6 codec (buildIpv6Packet) for any addresses', () => {
  const address = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Ipv6Address.fromBytes(b));
  fc.assert(
    fc.property(address, address, address, fc.uint8Array({ maxLength: 300 }), (a, b, c, esp) => {
      const m: SendMh = { kind: 'send-mh', message: ba(), innerSrc: a, innerDst: b, transport: { kind: 'ipv6' } };
      const cases: [MhTransport, Parameters<typeof buildIpv6Packet>[0]][] = [
        [{ kind: 'ipv6' }, { src: a, dst: b, nextHeader: 50, payload: esp }],
        [
          { kind: 'ipv6-hao', careOf: c },
          { src: c, dst: b, homeAddressOption: a, nextHeader: 50, payload: esp },
        ],
        [
          { kind: 'ipv6-rh2', careOf: c },
          { src: a, dst: c, routingHeaderType2: b, nextHeader: 50, payload: esp },
        ],
      ];
      for (const [transport, expected] of cases) {
        const out = frameSignalling({ ...m, transport }, esp);
        assert.equal(toHex(signallingOutputBytes(out)), toHex(buildIpv6Packet(expected)));
      }
    }),
  );
});

test('classification keeps the outermost headers: IPv6 source (CoA), IPv4 source and UDP port (a NAT)', () => {
  const hao = classifyIp(signallingOutputBytes(frameSignalling(send({ kind: 'ipv6-hao', careOf: COA6 }, false), ESP)));
  assert.ok(hao.kind === 'esp' && hao.carrier.version === 6);
  assert.deepEqual(hao.outer, { family: 6, source: COA6, destination: HA6, viaUdp4191: false });
  assert.deepEqual([hao.carrier.effectiveSource, toHex(hao.carrier.esp)], [HOA, toHex(ESP)]);
  const rh2 = frameSignalling(send({ kind: 'ipv6-rh2', careOf: COA6 }, true), ESP);
  const rh2In = classifyIp(signallingOutputBytes(rh2));
  assert.ok(rh2In.kind === 'esp' && rh2In.carrier.version === 6 && rh2In.carrier.effectiveDestination.equals(HOA));
  const t: MhTransport = {
    kind: 'udp4',
    source: NAT_PUBLIC,
    destination: HA4,
    sourcePort: 20001,
    destinationPort: 4191,
  };
  const viaNat = classifyIp(signallingOutputBytes(frameSignalling(send(t, false), ESP)));
  assert.ok(viaNat.kind === 'esp');
  assert.deepEqual(viaNat.outer, {
    family: 4,
    source: NAT_PUBLIC,
    destination: HA4,
    sourcePort: 20001,
    viaUdp4191: true,
  });
  const p41 = frameSignalling(send({ kind: 'ipv4-protocol-41', source: HA4, destination: COA4 }, true), ESP);
  const p41In = classifyIp(signallingOutputBytes(p41));
  assert.ok(p41In.kind === 'esp');
  assert.deepEqual(p41In.outer, { family: 4, source: HA4, destination: COA4, viaUdp4191: false });
  // From a UDP socket: the datagram's addresses are the outer ones.
  const fromSocket = classifyDatagram({
    payload: (frameSignalling(send(t, false), ESP) as { payload: Uint8Array }).payload,
    source: NAT_PUBLIC,
    sourcePort: 20001,
    local: HA4,
  });
  assert.deepEqual(fromSocket.kind === 'esp' && fromSocket.outer, viaNat.outer);
  // The RFC 5555 §4.4.1 fallback, IPv6 in UDP over IPv6, is classified too (the HA core decides about it).
  const home = (frameSignalling(send({ kind: 'ipv6' }, false), ESP) as { packet: Uint8Array }).packet;
  const v6udp = classifyIp(buildUdp6({ src: COA6, dst: HA6, sourcePort: 4191, destinationPort: 4191, payload: home }));
  assert.ok(v6udp.kind === 'esp');
  assert.deepEqual(v6udp.outer, { family: 6, source: COA6, destination: HA6, sourcePort: 4191, viaUdp4191: true });
});

test('an MH outside ESP, and things that are not signalling', () => {
  const mh = buildIpv6Packet({ src: HOA, dst: HA6, nextHeader: IpProtocol.MH, payload: new Uint8Array(8) });
  assert.equal(classifyIp(mh).kind, 'mh-without-esp');
  const inUdp = buildUdp4({ src: COA4, dst: HA4, sourcePort: 4191, destinationPort: 4191, payload: mh });
  assert.equal(classifyIp(inUdp).kind, 'mh-without-esp');
  const dns = buildUdp4({ src: COA4, dst: HA4, sourcePort: 53, destinationPort: 53, payload: mh });
  assert.equal(classifyIp(dns).kind, 'other');
  const v4inner = buildUdp4({ src: COA4, dst: HA4, sourcePort: 4191, destinationPort: 4191, payload: dns });
  assert.equal(classifyIp(v4inner).kind, 'other', 'an IPv4 packet in the tunnel is data');
});

test('malformed: each raises WireError with its code', () => {
  const good = signallingOutputBytes(
    frameSignalling(
      send({ kind: 'udp4', source: COA4, destination: HA4, sourcePort: 4191, destinationPort: 4191 }, false),
      ESP,
    ),
  );
  const codeOf = (bytes: Uint8Array) => {
    try {
      classifyIp(bytes);
    } catch (e) {
      if (e instanceof WireError) return e.code;
      throw e;
    }
    return 'none';
  };
  assert.equal(codeOf(new Uint8Array(0)), 'TRUNCATED');
  assert.equal(codeOf(good.subarray(0, 25)), 'TRUNCATED');
  const badSum = good.slice();
  badSum[27]! ^= 1; // UDP checksum
  assert.equal(codeOf(badSum), 'BAD_CHECKSUM');
  // One byte after the tunnelled IPv6 packet inside the UDP payload.
  const inner = (frameSignalling(send({ kind: 'ipv6' }, false), ESP) as { packet: Uint8Array }).packet;
  const padded = buildUdp4({
    src: COA4,
    dst: HA4,
    sourcePort: 4191,
    destinationPort: 4191,
    payload: Uint8Array.from([...inner, 0]),
  });
  assert.equal(codeOf(padded), 'TRAILING_DATA');
  assert.equal(codeOf(Uint8Array.of(0x70, 0)), 'BAD_VERSION');
});

test('property: classification of arbitrary and mutated packets only ever throws WireError', () => {
  const seeds = [
    (frameSignalling(send({ kind: 'ipv6-hao', careOf: COA6 }, false), ESP) as { packet: Uint8Array }).packet,
    signallingOutputBytes(
      frameSignalling(send({ kind: 'ipv4-protocol-41', source: HA4, destination: COA4 }, true), ESP),
    ),
    signallingOutputBytes(
      frameSignalling(
        send({ kind: 'udp4', source: COA4, destination: HA4, sourcePort: 9, destinationPort: 4191 }, false),
        ESP,
      ),
    ),
  ];
  const total = (bytes: Uint8Array) => {
    try {
      classifyIp(bytes);
      classifyDatagram({ payload: bytes, source: COA4, sourcePort: 1, local: HA4 });
    } catch (e) {
      if (!isWireError(e)) throw e;
    }
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), total));
  fc.assert(
    fc.property(
      fc.constantFrom(...seeds),
      fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 1, max: 255 }))),
      (s, edits) => {
        const m = s.slice();
        for (const [at, flip] of edits) m[at % m.length]! ^= flip;
        total(m);
      },
    ),
  );
});
