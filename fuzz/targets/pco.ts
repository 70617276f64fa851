import { fromHex } from '../../src/util/hex.ts';
import { decodePco, decodePcoIe, encodePco, encodePcoIe } from '../../src/wire/pco/pco.ts';
import type { FuzzTarget } from '../harness.ts';

/** Computed by hand from TS 24.008 §10.5.6.3 (no independent PCO encoder is available here); see pco.test.ts. */
const VALUE_HEX = [
  '80000700000800000900',
  [
    '80',
    '00071020010db8000100000000000000000001',
    '00081120010db800010100000000000000000040',
    '000904c0000201',
    '000d0408080808',
    '00031020014860486000000000000000008888',
    '80211003000010810608080808830608080404',
  ].join(''),
  '81c02300',
  'faff0003010203',
];

export const targets: FuzzTarget[] = [
  {
    name: 'pco-value',
    family: 'pco',
    decode: (b) => {
      const v = decodePco(b);
      encodePco(v);
      return v;
    },
    seeds: () => VALUE_HEX.map(fromHex),
  },
  {
    name: 'pco-ie',
    family: 'pco',
    decode: (b) => {
      const v = decodePcoIe(b);
      encodePcoIe(v);
      return v;
    },
    seeds: () => VALUE_HEX.map((h) => fromHex(`27${(h.length / 2).toString(16).padStart(2, '0')}${h}`)),
  },
];
