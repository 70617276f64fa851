// The packets the cores ask for, byte for byte. Expected bytes were computed independently (Python: struct +
// a separate one's-complement sum), the MH part being the SPEC-NOTES §1.6 worked encodings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isWireError } from '../util/errors.ts';
import { fromHex, toHex } from '../util/hex.ts';
import { assertWireError } from '../wire/ip/test-support.ts';
import { decideBindingUpdate } from './decide-binding-update.ts';
import { frameMobilityPacket, receivePacket } from './framing.ts';
import { MobileNodeCore } from './mobile-node.ts';
import {
  altCoa,
  bu,
  COA4,
  COA6,
  context,
  HA4,
  HA6,
  HOA,
  haPolicy,
  mnConfig,
  OUTER4_NAT,
  poolOf,
  udpPacket,
  VISITED_PREFIX,
  v4Coa,
  v4Hoa,
} from './test-fixtures.ts';
import { encapsulate } from './tunnel.ts';

const IPV6_ACCESS_BU =
  '6000000000403c40' +
  '20010db8000200000000000000000200' + // source: CoA
  '20010db8000100000000000000000001' + // destination: HA
  '870201020000c910' + // Destination Options: PadN(4), HAO type 201 length 16 at offset 6 (8n+6)
  '20010db8000100000000000000000100' + // HoA
  '3b040500ba7f0001d40003841d068000000000000100031020010db8000200000000000000000200'; // SPEC-NOTES §1.6 BU

const IPV4_ACCESS_BU =
  '450000640000000040118e4dc6336407c0000201' + // IPv4 CoA → HA IPv4, protocol 17
  '105f105f00500b9a' + // UDP 4191 → 4191
  '600000000020874020010db800010000000000000000010020010db8000100000000000000000001' + // IPv6 HoA → HA, MH
  '3b030500a3100001d40003841d0680000000000020060000c633640701020000'; // IPv4 HoA 0.0.0.0, IPv4 CoA, PadN(4)

test('the UE first BU on IPv6 access, framed: IPv6 + HAO + the SPEC-NOTES §1.6 BU, byte for byte', () => {
  const mn = new MobileNodeCore(mnConfig());
  mn.attach(0, { ipv6CareOf: COA6, routerPrefixes: [VISITED_PREFIX] });
  assert.equal(toHex(frameMobilityPacket(mn.pollTransmit()!)), IPV6_ACCESS_BU);
});

test('the UE first BU on IPv4-only access, framed: IPv4 · UDP 4191 · IPv6 (source HoA) · BU with IPv4 CoA', () => {
  const mn = new MobileNodeCore(mnConfig());
  mn.attach(0, { ipv4CareOf: COA4, routerPrefixes: [] });
  assert.equal(toHex(frameMobilityPacket(mn.pollTransmit()!)), IPV4_ACCESS_BU);
});

test('receivePacket opens both BUs with the outer information the HA needs', () => {
  const v6 = receivePacket(fromHex(IPV6_ACCESS_BU));
  assert.ok(v6.kind === 'mobility' && v6.message.kind === 'binding-update');
  assert.deepEqual([v6.source.toString(), v6.destination.toString()], [HOA.toString(), HA6.toString()]);
  assert.deepEqual(v6.outer, { family: 6, source: COA6, destination: HA6, viaUdp4191: false });
  const v4 = receivePacket(fromHex(IPV4_ACCESS_BU));
  assert.ok(v4.kind === 'mobility' && v4.source.equals(HOA));
  assert.deepEqual(v4.outer, { family: 4, source: COA4, destination: HA4, sourcePort: 4191, viaUdp4191: true });
});

test('the HA BA to an IPv6 CoA: IPv6(HA → CoA) · RH2(HoA) · BA with IPv4 AA', () => {
  const d = decideBindingUpdate(bu({}, [v4Hoa(), altCoa(COA6)]), context(), undefined, haPolicy(), 0, {
    bindingCount: 0,
    pool: poolOf(),
  });
  assert.ok(d.verdict === 'register');
  assert.equal(
    toHex(frameMobilityPacket(d.reply)),
    '6000000000302b40' +
      '20010db8000100000000000000000001' +
      '20010db8000200000000000000000200' +
      '8702020100000000' + // type 2 routing header, Segments Left 1
      '20010db8000100000000000000000100' +
      '3b020600349a0040000103841e0600800a01000101020000', // BA: R, seq 1, 3600 s, IPv4 AA 0 /32 10.1.0.1
  );
  const back = receivePacket(frameMobilityPacket(d.reply));
  assert.ok(back.kind === 'mobility' && back.destination.equals(HOA) && back.source.equals(HA6));
});

test('every transport round-trips through receivePacket', () => {
  const nat = decideBindingUpdate(bu({}, [v4Coa(COA4)]), context({ outer: OUTER4_NAT }), undefined, haPolicy(), 0, {
    bindingCount: 0,
    pool: poolOf(),
  });
  assert.ok(nat.verdict === 'register');
  const p = receivePacket(frameMobilityPacket(nat.reply));
  assert.ok(p.kind === 'mobility' && p.outer.family === 4 && p.outer.viaUdp4191 && p.outer.sourcePort === 4191);
  const home = receivePacket(frameMobilityPacket({ ...nat.reply, transport: { kind: 'ipv6' } }));
  assert.ok(home.kind === 'mobility' && home.outer.family === 6 && home.outer.destination.equals(HOA));
  const p41 = receivePacket(
    frameMobilityPacket({ ...nat.reply, transport: { kind: 'ipv4-protocol-41', source: HA4, destination: COA4 } }),
  );
  assert.ok(p41.kind === 'mobility' && p41.outer.family === 4 && !p41.outer.viaUdp4191);
});

test('data packets come out as tunnelled (with their outer headers) or native', () => {
  const inner = udpPacket(HOA, HA6);
  for (const route of [
    { kind: 'ipv6', source: COA6, destination: HA6 } as const,
    { kind: 'ipv4', source: COA4, destination: HA4 } as const,
    { kind: 'udp4', source: COA4, destination: HA4, sourcePort: 5000, destinationPort: 4191 } as const,
  ]) {
    const r = receivePacket(encapsulate(route, inner));
    assert.ok(r.kind === 'tunnelled', route.kind);
    assert.equal(toHex(r.inner), toHex(inner));
  }
  assert.equal(receivePacket(inner).kind, 'native');
});

test('malformed packets: WireError codes, never anything else', () => {
  assertWireError(() => receivePacket(new Uint8Array(0)), 'TRUNCATED');
  assertWireError(() => receivePacket(Uint8Array.of(0x10, 0, 0, 0)), 'BAD_VERSION');
  const bad = fromHex(IPV6_ACCESS_BU);
  bad[bad.length - 1]! ^= 0xff; // last byte of the Alternate CoA: the MH checksum no longer matches
  assertWireError(() => receivePacket(bad), 'BAD_CHECKSUM');
  const seeds = [fromHex(IPV6_ACCESS_BU), fromHex(IPV4_ACCESS_BU)];
  fc.assert(
    fc.property(
      fc.constantFrom(...seeds),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.nat(),
      (seed, flips, cut) => {
        const b = seed.slice(0, seed.length - (cut % 8));
        for (const [at, v] of flips) b[at % b.length] = v;
        try {
          receivePacket(b);
        } catch (e) {
          if (!isWireError(e)) throw e;
        }
      },
    ),
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
      try {
        receivePacket(b);
      } catch (e) {
        if (!isWireError(e)) throw e;
      }
    }),
  );
});
