// Mobility Header against independent decoders. tshark reads what we encode (every message kind and option
// kind, inside realistic packets: IPv6 + HAO, IPv6 + RH2, IPv4/UDP 4191); scapy builds MH messages that we
// decode field by field, and recomputes our checksums with in6_chksum. One tshark and one scapy process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { finishChecksum, internetChecksum, ipv4PseudoSum, onesSum } from '../../src/util/checksum.ts';
import { concatBytes, fromHex, toHex } from '../../src/util/hex.ts';
import { Ipv4Address, type Ipv6Address } from '../../src/util/ip-address.ts';
import {
  decodeMobilityHeader,
  encodeMobilityHeader,
  FIXED_LENGTH,
  type MobilityMessage,
  type MobilityOption,
} from '../../src/wire/mh/index.ts';
import { mobilityMessage, pseudoHeader } from '../../src/wire/mh/test-arbitraries.ts';
import { COA, COA4, HA4, MH_EXAMPLES, type MhExample } from '../../src/wire/mh/test-fixtures.ts';
import { runScapy, SCAPY_PRELUDE } from './scapy.ts';
import { findField, hasMalformed, tsharkDecode } from './tshark.ts';

// --- Tiny local packet builders (the IP codec is another module; this test must not depend on it) ---

function ipv6Packet(src: Ipv6Address, dst: Ipv6Address, nextHeader: number, payload: Uint8Array): Uint8Array {
  const h = new Uint8Array(40);
  h[0] = 0x60;
  h[4] = payload.length >>> 8;
  h[5] = payload.length & 0xff;
  h[6] = nextHeader;
  h[7] = 64;
  h.set(src.bytes, 8);
  h.set(dst.bytes, 24);
  return concatBytes([h, payload]);
}

/** Destination Options with the Home Address option at 8n+6 (SPEC-NOTES §2.1): PadN(4), C9 10, HoA. */
function homeAddressOption(nextHeader: number, hoa: Ipv6Address): Uint8Array {
  return concatBytes([Uint8Array.of(nextHeader, 2, 1, 2, 0, 0, 0xc9, 16), hoa.bytes]);
}

/** Type 2 Routing Header (RFC 6275 §6.4): Hdr Ext Len 2, type 2, Segments Left 1, reserved, HoA. */
function type2RoutingHeader(nextHeader: number, hoa: Ipv6Address): Uint8Array {
  return concatBytes([Uint8Array.of(nextHeader, 2, 2, 1, 0, 0, 0, 0), hoa.bytes]);
}

/** IPv4 (20 octets) + UDP (8 octets) around `payload`, both checksums filled in. */
function ipv4UdpPacket(src: Ipv4Address, dst: Ipv4Address, sport: number, dport: number, payload: Uint8Array) {
  const udp = new Uint8Array(8 + payload.length);
  udp.set([sport >>> 8, sport & 0xff, dport >>> 8, dport & 0xff, udp.length >>> 8, udp.length & 0xff]);
  udp.set(payload, 8);
  const uc = finishChecksum(onesSum(udp, ipv4PseudoSum(src.bytes, dst.bytes, udp.length, 17))) || 0xffff;
  udp.set([uc >>> 8, uc & 0xff], 6);
  const ip = new Uint8Array(20);
  const total = 20 + udp.length;
  ip.set([0x45, 0, total >>> 8, total & 0xff, 0, 1, 0x40, 0, 64, 17]);
  ip.set(src.bytes, 12);
  ip.set(dst.bytes, 16);
  const ic = internetChecksum(ip);
  ip.set([ic >>> 8, ic & 0xff], 10);
  return concatBytes([ip, udp]);
}

function frame(ex: MhExample, mh: Uint8Array): Uint8Array {
  const { src, dst } = ex.addrs;
  switch (ex.path) {
    case 'hao':
      return ipv6Packet(COA, dst, 60, concatBytes([homeAddressOption(135, src), mh]));
    case 'rh2':
      return ipv6Packet(src, COA, 43, concatBytes([type2RoutingHeader(135, dst), mh]));
    case 'udp4-to-ha':
      return ipv4UdpPacket(COA4, HA4, 40000, 4191, ipv6Packet(src, dst, 135, mh));
    case 'udp4-from-ha':
      return ipv4UdpPacket(HA4, COA4, 4191, 40000, ipv6Packet(src, dst, 135, mh));
    case 'plain':
      return ipv6Packet(src, dst, 135, mh);
  }
}

const encoded = MH_EXAMPLES.map((ex) => encodeMobilityHeader(ex.msg, ex.addrs));

const flag = (b: boolean) => (b ? '1' : '0');
const colonHex = (b: Uint8Array) => toHex(b).replace(/(..)(?=.)/g, '$1:');

/** tshark's fields for the message body, from our value (RFC field → Wireshark packet-mip6.c name). */
function messageFields(m: MobilityMessage): [string, string][] {
  switch (m.kind) {
    case 'binding-update':
      return [
        ['mip6.bu.seqnr', String(m.sequence)],
        ['mip6.bu.a_flag', flag(m.acknowledge)],
        ['mip6.bu.h_flag', flag(m.homeRegistration)],
        ['mip6.bu.l_flag', flag(m.linkLocalAddressCompatibility)],
        ['mip6.bu.k_flag', flag(m.keyManagementMobilityCapability)],
        ['mip6.bu.m_flag', flag(m.mapRegistration)],
        ['mip6.nemo.bu.r_flag', flag(m.mobileRouter)],
        ['mip6.bu.p_flag', flag(m.proxyRegistration)],
        ['mip6.bu.f_flag', flag(m.forceUdpEncapsulation)],
        ['mip6.bu.t_flag', flag(m.tlvHeaderFormat)],
        ['mip6.bu.b_flag', flag(m.overwriteOrBulkBinding)], // Wireshark names 0x0040 by IANA: B
        ['mip6.bu.lifetime', String(m.lifetimeSec / 4)],
      ];
    case 'binding-acknowledgement':
      return [
        ['mip6.ba.status', String(m.status)],
        ['mip6.ba.k_flag', flag(m.keyManagementMobilityCapability)],
        ['mip6.nemo.ba.r_flag', flag(m.mobileRouter)],
        ['mip6.ba.p_flag', flag(m.proxyRegistration)],
        ['mip6.ba.t_flag', flag(m.tlvHeaderFormat)],
        ['mip6.ba.b_flag', flag(m.bulkBindingUpdate)],
        ['mip6.ba.seqnr', String(m.sequence)],
        ['mip6.ba.lifetime', String(m.lifetimeSec / 4)],
      ];
    case 'home-test-init':
      return [['mip6.hoti.cookie', `0x${toHex(m.homeInitCookie)}`]];
    case 'care-of-test-init':
      return [['mip6.coti.cookie', `0x${toHex(m.careOfInitCookie)}`]];
    case 'home-test':
      return [
        ['mip6.hot.nindex', String(m.homeNonceIndex)],
        ['mip6.hot.cookie', `0x${toHex(m.homeInitCookie)}`],
        ['mip6.hot.token', `0x${toHex(m.homeKeygenToken)}`],
      ];
    case 'care-of-test':
      return [
        ['mip6.cot.nindex', String(m.careOfNonceIndex)],
        ['mip6.cot.cookie', `0x${toHex(m.careOfInitCookie)}`],
        ['mip6.hot.token', `0x${toHex(m.careOfKeygenToken)}`], // Wireshark files the CoT token under hot.token
      ];
    case 'binding-error':
      return [
        ['mip6.be.status', String(m.status)],
        ['mip6.be.haddr', m.homeAddress.toString()],
      ];
    case 'unknown':
      return [['mip6.unknown_type_data', colonHex(m.data)]];
    case 'binding-refresh-request':
      return [];
  }
}

/** [option subtree, field, value] triples tshark must show for `o`. */
function optionFields(o: MobilityOption): [string, string, string][] {
  const t = (tree: string, pairs: [string, string][]): [string, string, string][] =>
    pairs.map(([f, v]) => [`mip6.options.${tree}_tree`, f, v]);
  switch (o.kind) {
    case 'binding-refresh-advice':
      return t('bra', [['mip6.bra.interval', String(o.refreshIntervalSec / 4)]]);
    case 'alternate-care-of-address':
      return t('acoa', [['mip6.acoa.acoa', o.careOfAddress.toString()]]);
    case 'nonce-indices':
      return t('ni', [
        ['mip6.ni.hni', String(o.homeNonceIndex)],
        ['mip6.ni.cni', String(o.careOfNonceIndex)],
      ]);
    case 'binding-authorization-data':
      return t('bad_auth', [['mip6.bad.auth', colonHex(o.authenticator)]]);
    case 'mobile-network-prefix':
      return t('mnp', [
        ['mip6.nemo.mnp.pfl', String(o.prefixLength)],
        ['mip6.nemo.mnp.mnp', o.prefix.toString()],
      ]);
    case 'dns-update':
      return t('dnsu', [
        ['mip6.dnsu.status', String(o.status)],
        ['mip6.dnsu.flag.r', flag(o.removeEntry)],
      ]);
    case 'ipv4-home-address':
      return t('ipv4ha', [
        ['mip6.ipv4ha.preflen', String(o.prefixLength)],
        ['mip6.ipv4ha.p_flag', flag(o.requestMobileNetworkPrefix)],
        ['mip6.ipv4ha.ha', o.homeAddress.toString()],
      ]);
    case 'ipv4-address-acknowledgement':
      // Wireshark reuses the IPv4 HoA option's field names for Pref-len and the address.
      return t('ipv4aa', [
        ['mip6.ipv4aa.sts', String(o.status)],
        ['mip6.ipv4ha.preflen', String(o.prefixLength)],
        ['mip6.ipv4ha.ha', o.homeAddress.toString()],
      ]);
    case 'nat-detection':
      return t('natd', [
        ['mip6.natd.f_flag', flag(o.udpEncapsulationRequired)],
        ['mip6.natd.refresh_t', String(o.refreshTimeSec)],
      ]);
    case 'ipv4-care-of-address':
      return t('ipv4coa', [['mip6.ipv4coa.addr', o.careOfAddress.toString()]]);
    case 'binding-identifier': {
      const coa = o.careOfAddress;
      const coaField: [string, string][] =
        coa === undefined
          ? []
          : [[coa instanceof Ipv4Address ? 'mip6.bi.coa_ipv4' : 'mip6.bi.coa_ipv6', coa.toString()]];
      return t('bi', [
        ['mip6.bi.bid', String(o.bindingId)],
        ['mip6.bi.status', String(o.status)],
        ['mip6.bi.h_flag', flag(o.simultaneousHomeAndForeign)],
        ...coaField,
      ]);
    }
    case 'unknown':
      return [[`Unknown (0x${o.type.toString(16)})`, 'mip6.mobility_opt', String(o.type)]];
  }
}

/** Wireshark's option summary key per kind: its value is the option's bytes, Type and Length included. */
/** The non-padding options of an encoded MH as raw bytes, in order. */
function rawOptions(mh: Uint8Array, start: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let p = start; p < mh.length; ) {
    if (mh[p] === 0) {
      p++;
      continue;
    }
    const next = p + 2 + mh[p + 1]!;
    if (mh[p] !== 1) out.push(mh.subarray(p, next));
    p = next;
  }
  return out;
}

const OPTION_KEY: Partial<Record<MobilityOption['kind'], string>> = {
  'binding-refresh-advice': 'bra',
  'alternate-care-of-address': 'acoa',
  'nonce-indices': 'ni',
  'binding-authorization-data': 'bad_auth',
  'mobile-network-prefix': 'mnp',
  'dns-update': 'dnsu',
  'ipv4-home-address': 'ipv4ha',
  'ipv4-address-acknowledgement': 'ipv4aa',
  'nat-detection': 'natd',
  'ipv4-care-of-address': 'ipv4coa',
  'binding-identifier': 'bi',
};

test('tshark decodes every MH message kind and option kind we encode, field by field', async () => {
  const layers = await tsharkDecode(MH_EXAMPLES.map((ex, i) => frame(ex, encoded[i]!)));
  const seenOptionKinds = new Set<string>();
  for (const [i, c] of MH_EXAMPLES.entries()) {
    const mh = encoded[i]!;
    const pkt = layers[i]!;
    assert.ok(!hasMalformed(pkt), `${c.id}: tshark flags it malformed`);
    const mip6 = findField(pkt, 'mipv6');
    assert.ok(mip6 && typeof mip6 === 'object', `${c.id}: no mipv6 layer`);
    const field = (tree: unknown, key: string) => findField(tree, key);
    assert.equal(field(mip6, 'mip6.proto'), '59', c.id);
    assert.equal(field(mip6, 'mip6.hlen'), String(mh.length / 8 - 1), c.id);
    assert.equal(field(mip6, 'mip6.mhtype'), String(mh[2]), c.id);
    assert.equal(field(mip6, 'mip6.csum'), `0x${toHex(mh.subarray(4, 6))}`, c.id);
    for (const [key, value] of messageFields(c.msg)) assert.equal(field(mip6, key), value, `${c.id}: ${key}`);
    if (c.msg.kind === 'unknown') continue;
    const raw = rawOptions(mh, FIXED_LENGTH[c.msg.kind]);
    assert.equal(raw.length, c.msg.options.length);
    for (const [j, o] of c.msg.options.entries()) {
      seenOptionKinds.add(o.kind);
      for (const [tree, key, value] of optionFields(o)) {
        assert.equal(field(field(mip6, tree), key), value, `${c.id}: ${o.kind} ${key}`);
      }
      const summaryKey = OPTION_KEY[o.kind];
      if (summaryKey === undefined) continue;
      assert.equal(field(mip6, `mip6.options.${summaryKey}`), colonHex(raw[j]!), `${c.id}: ${o.kind} bytes`);
    }
  }
  assert.equal(seenOptionKinds.size, 12, 'every option kind went through tshark');
});

// --- scapy: its MH messages decoded by ours, and our checksums recomputed by in6_chksum ---

/**
 * scapy rebuilds these examples from hand-typed values (its own classes where it has them, raw bytes for the
 * RFC 5555 / 5026 / 5648 options), pads them its own way and writes its own checksum.
 */
const SCAPY_BUILD = `
from scapy.layers.inet6 import *
import socket, struct
HOA='2001:db8:1::100'; HA='2001:db8:1::1'; COA='2001:db8:2::200'; CN='2001:db8:5::5'
v4 = socket.inet_aton
def opt(t, data): return MIP6OptUnknown(otype=t, odata=data)
hoa_request = opt(29, bytes([32 << 2, 0]) + v4('0.0.0.0'))
aa_10_0_0_7 = opt(30, bytes([0, 32 << 2]) + v4('10.0.0.7'))
# BU flags: scapy's 7-bit field holds A H L K M R P (A = 0x40); F T O are the top of its 9-bit "reserved".
# BA flags: scapy's 3-bit field holds K R P (K = 4); T B are the top of its 5-bit "res2".
built = {
  'bu_ipv6_access': IPv6(src=COA, dst=HA)/IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)])/MIP6MH_BU(seq=0x1234,
      flags=0x6a, reserved=0x1c0, mhtime=900,
      options=[MIP6OptAltCoA(acoa=COA), hoa_request, opt(32, b'\\0\\0' + v4('192.0.2.10'))]),
  'ba_ipv4_access': IPv6(src=HA, dst=HOA)/MIP6MH_BA(status=0, flags=6, seq=2, mhtime=900,
      options=[aa_10_0_0_7, opt(31, b'\\x80\\0' + struct.pack('!I', 110))]),
  'ba_rh2': IPv6(src=HA, dst=COA)/IPv6ExtHdrRouting(type=2, segleft=1, addresses=[HOA])/MIP6MH_BA(status=0,
      flags=6, res2=0x18, seq=0x1234, mhtime=900,
      options=[MIP6OptBRAdvice(rinter=150), aa_10_0_0_7, opt(31, b'\\0\\0\\xff\\xff\\xff\\xff')]),
  'bu_all_flags': IPv6(src=HOA, dst=HA)/MIP6MH_BU(seq=0xfffe, flags=0x7f, reserved=0x1c0, mhtime=0xffff, options=[
      opt(17, b'\\0\\x80\\x02mn\\x07example\\x03com\\0'), opt(35, struct.pack('!HBB', 7, 0, 0x80) + v4('192.0.2.10')),
      MIP6OptMobNetPrefix(plen=56, prefix='2001:db8:100::'), opt(200, b'\\x01\\x02\\x03')]),
  'bu_prefix_request': IPv6(src=HOA, dst=HA)/MIP6MH_BU(seq=9, flags=0x60, mhtime=100,
      options=[opt(29, bytes([24 << 2 | 2, 0]) + v4('192.0.2.0')), opt(35, struct.pack('!HBB', 1, 0, 0))]),
  'bu_cn': IPv6(src=COA, dst=CN)/IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)])/MIP6MH_BU(seq=7, flags=0x40, mhtime=64,
      options=[MIP6OptNonceIndices(olen=4, hni=0x0102, coni=0x0304),
               MIP6OptBindingAuthData(olen=12, authenticator=0xa0a1a2a3a4a5a6a7a8a9aaab)]),
  'brr': IPv6(src=CN, dst=HOA)/MIP6MH_BRR(),
  'hoti': IPv6(src=HOA, dst=CN)/MIP6MH_HoTI(cookie=bytes.fromhex('0102030405060708')),
  'coti': IPv6(src=COA, dst=CN)/MIP6MH_CoTI(cookie=bytes.fromhex('1112131415161718')),
  'hot': IPv6(src=CN, dst=HOA)/MIP6MH_HoT(index=0x1234, cookie=bytes.fromhex('0102030405060708'),
      token=bytes.fromhex('a1a2a3a4a5a6a7a8')),
  'cot': IPv6(src=CN, dst=COA)/MIP6MH_CoT(index=0x4321, cookie=bytes.fromhex('1112131415161718'),
      token=bytes.fromhex('b1b2b3b4b5b6b7b8')),
  'be': IPv6(src=CN, dst=HOA)/MIP6MH_BE(status=1, ha=HOA),
  'unknown_type': IPv6(src=HA, dst=HOA)/MIP6MH_Generic(mhtype=60, len=1, msg=bytes.fromhex('00112233445566778899')),
}
for name, pkt in built.items():
    print(json.dumps(dict(kind='built', name=name, hex=bytes(pkt).hex())))
# Our encodings: in6_chksum over the pseudo-header scapy derives from the headers (HAO source, RH2 destination).
for line in sys.stdin:
    if not line.strip():
        continue
    job = json.loads(line)
    mh = bytes.fromhex(job['mh'])
    zeroed = mh[:4] + b'\\0\\0' + mh[6:]
    if job['path'] == 'hao':
        pkt = IPv6(src=COA, dst=job['dst'])/IPv6ExtHdrDestOpt(options=[HAO(hoa=job['src'])])/Raw(zeroed)
    elif job['path'] == 'rh2':
        pkt = IPv6(src=job['src'], dst=COA)/IPv6ExtHdrRouting(type=2, segleft=1, addresses=[job['dst']])/Raw(zeroed)
    else:
        pkt = IPv6(src=job['src'], dst=job['dst'])/Raw(zeroed)
    print(json.dumps(dict(kind='checksum', id=job['id'], cksum=in6_chksum(135, pkt[Raw], zeroed))))
`;

interface ScapyLine {
  readonly kind: 'built' | 'checksum';
  readonly name?: string;
  readonly hex?: string;
  readonly id?: number;
  readonly cksum?: number;
}

const SCAPY_BUILT_IDS = [
  'bu_ipv6_access',
  'ba_ipv4_access',
  'ba_rh2',
  'bu_all_flags',
  'bu_prefix_request',
  'bu_cn',
  'brr',
  'hoti',
  'coti',
  'hot',
  'cot',
  'be',
  'unknown_type',
];

test('scapy-built MH messages decode with ours, and in6_chksum agrees with our checksums', async () => {
  // Our side of the checksum batch: the examples plus arbitrary messages under arbitrary addresses.
  const jobs = MH_EXAMPLES.map((ex, i) => ({ mh: encoded[i]!, addrs: ex.addrs, path: ex.path as string }));
  const samples = fc.sample(fc.tuple(mobilityMessage, pseudoHeader), { numRuns: 60, seed: 4191 });
  for (const [m, addrs] of samples) jobs.push({ mh: encodeMobilityHeader(m, addrs), addrs, path: 'plain' });
  const stdin = jobs
    .map((j, id) => JSON.stringify({ id, mh: toHex(j.mh), src: `${j.addrs.src}`, dst: `${j.addrs.dst}`, path: j.path }))
    .join('\n');
  const lines = await runScapy<ScapyLine>(SCAPY_PRELUDE + SCAPY_BUILD, stdin);

  const built = lines.filter((l) => l.kind === 'built');
  assert.deepEqual(
    built.map((l) => l.name),
    SCAPY_BUILT_IDS,
  );
  for (const line of built) {
    const ex = MH_EXAMPLES.find((e) => e.id === line.name);
    assert.ok(ex, line.name);
    const ext = ex.path === 'hao' || ex.path === 'rh2' ? 24 : 0;
    const mh = fromHex(line.hex!).subarray(40 + ext);
    // scapy's own checksum is verified by ours under the RFC 6275 §6.1.1 pseudo-header addresses.
    assert.deepEqual(decodeMobilityHeader(mh, ex.addrs), ex.msg, line.name);
  }

  const sums = lines.filter((l) => l.kind === 'checksum');
  assert.equal(sums.length, jobs.length);
  for (const l of sums) {
    const mh = jobs[l.id!]!.mh;
    assert.equal(l.cksum, (mh[4]! << 8) | mh[5]!, `checksum of job ${l.id}`);
  }
});
