import { bytesEqual, fromHex } from '../../src/util/hex.ts';
import { Reader } from '../../src/util/reader.ts';
import { parseAvps } from '../../src/wire/diameter/avp.ts';
import { decodeDiameter, encodeDiameter } from '../../src/wire/diameter/message.ts';
import { DiameterReassembler } from '../../src/wire/diameter/reassembler.ts';
import { readAddress, readGrouped, readTime, readUtf8 } from '../../src/wire/diameter/values.ts';
import type { FuzzTarget } from '../harness.ts';

/** Hand-written in src/wire/diameter/diameter.test.ts (RFC 6733 §3, §4.1). */
const SEEDS_HEX = [
  [
    '01000090_80000101_00000000_00000001_00000002',
    '00000108_40000012_68612e6578616d706c65_0000',
    '00000128_4000000f_6578616d706c65_00',
    '00000101_4000000e_0001_7f000001_0000',
    '0000010a_4000000c_000028af',
    '0000010d_0000000d_6473_6d69_70_000000',
    '00000102_4000000c_01000038',
    '00000104_40000020_0000010a4000000c000028af_000001024000000c01000038',
  ].join(''),
  '01000030_00000110_01000038_0000000a_0000000b_00000408_c0000010_000028af_000003ec_0000fde8_27000009_ab_000000',
];

const seeds = () => SEEDS_HEX.map((x) => fromHex(x.replaceAll('_', '')));

export const targets: FuzzTarget[] = [
  {
    name: 'diameter-message',
    family: 'diameter',
    // Decode, re-encode and decode again; every AVP's data is also read as each derived type the dictionary uses.
    decode: (b) => {
      const m = decodeDiameter(b);
      const once = encodeDiameter(m);
      if (!bytesEqual(encodeDiameter(decodeDiameter(once)), once))
        throw new Error('Diameter re-encoding is not stable');
      for (const a of m.avps) {
        for (const read of [readAddress, readGrouped, readTime, readUtf8]) {
          try {
            read(a);
          } catch (e) {
            if (!(e instanceof Error && e.name === 'WireError')) throw e;
          }
        }
      }
      return m;
    },
    seeds,
  },
  {
    name: 'diameter-avps',
    family: 'diameter',
    decode: (b) => parseAvps(Reader.of(b, 'diameter')),
    seeds: () => seeds().map((s) => s.subarray(20)),
  },
  {
    name: 'diameter-stream',
    family: 'diameter',
    // A stream cut in two at a point taken from the input: the reassembler must not throw anything but WireError.
    decode: (b) => {
      const r = new DiameterReassembler(4096);
      const cut = b.length > 0 ? b[0]! % (b.length + 1) : 0;
      return [...r.push(b.subarray(0, cut)), ...r.push(b.subarray(cut))];
    },
    seeds,
  },
];
