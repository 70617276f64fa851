// Mobility Header decoders under mutation: the whole-header decoder (with and without the checksum check),
// the Reader-based parser that leaves trailing bytes alone, and the options-area parser on its own.
import { fromHex } from '../../src/util/hex.ts';
import { Ipv6Address } from '../../src/util/ip-address.ts';
import { Reader } from '../../src/util/reader.ts';
import {
  decodeMobilityHeader,
  encodeMobilityHeader,
  FIXED_LENGTH,
  type MhPseudoHeader,
  parseMobilityHeader,
  parseMobilityOptions,
} from '../../src/wire/mh/index.ts';
import { MH_EXAMPLES } from '../../src/wire/mh/test-fixtures.ts';
import type { FuzzTarget } from '../harness.ts';

/** Built by scapy 2.5 (test/oracle/mh.oracle.test.ts), MH only: its own padding, raw RFC 5555 options. */
const SCAPY_MH = [
  // BU: Alt-CoA, IPv4 HoA, IPv4 CoA; flags A H K R F T O (pseudo-header HoA → HA)
  '3b050500c4721234d5c003840100031020010db80002000000000000000002001d0680000000000020060000c000020a',
  // BA: Binding Refresh Advice, IPv4 AA, NAT Detection; flags K R T B
  '3b030600012500d812340384020200961e0600800a0000071f060000ffffffff',
  // BU: every flag, DNS Update, Binding Identifier with IPv4 CoA, Mobile Network Prefix, unknown option 200
  '3b0805008b83fffeffc0ffff11120080026d6e076578616d706c6503636f6d00230800070080c000020a01000612003820010db8010000000000000000000000c803010203010100',
  // BU: IPv4 HoA /24 with P, Binding Identifier without CoA
  '3b0305003d620009c00000641d066200c0000200230400010000010400000000',
  // BU to a correspondent node: Nonce Indices, Binding Authorization Data
  '3b030500f392000780000040040401020304050ca0a1a2a3a4a5a6a7a8a9aaab',
];

/** SPEC-NOTES §1.6 worked encodings (vectors.test.ts). */
const SPEC_NOTES_MH = [
  '3b040500ba7f0001d40003841d068000000000000100031020010db8000200000000000000000200',
  '3b0305000b400002d40003841d06800000000000200600' + '00c000020a01020000',
  '3b0306001497' + '00c000020384' + '1e0600800a000007' + '1f0600000000006e' + '01020000',
];

/** One pseudo-header for the checksum-checking target, so its seeds verify. */
const FIXED_ADDRS: MhPseudoHeader = {
  src: Ipv6Address.parse('2001:db8:1::100'),
  dst: Ipv6Address.parse('2001:db8:1::1'),
};

function plainSeeds(): Uint8Array[] {
  return [
    ...SCAPY_MH.map(fromHex),
    ...SPEC_NOTES_MH.map(fromHex),
    ...MH_EXAMPLES.map((ex) => encodeMobilityHeader(ex.msg, ex.addrs)),
  ];
}

function optionAreaSeeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const ex of MH_EXAMPLES) {
    if (ex.msg.kind === 'unknown' || ex.msg.options.length === 0) continue;
    out.push(encodeMobilityHeader(ex.msg, ex.addrs).subarray(FIXED_LENGTH[ex.msg.kind]));
  }
  return out;
}

export const targets: FuzzTarget[] = [
  {
    name: 'mh-decode',
    family: 'mh',
    decode: (bytes) => decodeMobilityHeader(bytes),
    seeds: plainSeeds,
  },
  {
    name: 'mh-decode-checksum',
    family: 'mh',
    decode: (bytes) => decodeMobilityHeader(bytes, FIXED_ADDRS),
    seeds: () => MH_EXAMPLES.map((ex) => encodeMobilityHeader(ex.msg, FIXED_ADDRS)),
  },
  {
    name: 'mh-parse-with-trailer',
    family: 'mh',
    decode: (bytes) => {
      const r = Reader.of(bytes, 'ipv6', 40);
      return [parseMobilityHeader(r), r.remaining];
    },
    seeds: () => plainSeeds().map((mh) => Uint8Array.from([...mh, 0xde, 0xad])),
  },
  {
    name: 'mh-options-area',
    family: 'mh',
    decode: (bytes) => parseMobilityOptions(Reader.of(bytes, 'mh', 12)),
    seeds: optionAreaSeeds,
  },
];
