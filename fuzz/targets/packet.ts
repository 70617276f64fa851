import { dissect } from '../../src/wire/dissect/index.ts';
import { attachPackets } from '../../test/fixtures/attach-packets.ts';
import type { FuzzTarget } from '../harness.ts';

/** The whole-packet dissector behind `dsmip decode`: every layer family, nested tunnels included. */
export const targets: FuzzTarget[] = [
  {
    name: 'dissect-ip-packet',
    family: 'packet',
    decode: (b) => {
      const d = dissect(b, 'ip');
      if (d.error) throw d.error;
      return d;
    },
    seeds: () => attachPackets().map((s) => s.bytes),
  },
];
