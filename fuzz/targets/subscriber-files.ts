/**
 * The subscriber store's file readers (src/node/aaa): the subscriber file (fast scanner, then the reference
 * parser) and the SQN state journal. They report bad input as ConfigError, which counts as a rejection here.
 */
import { formatSubscriberFile } from '../../src/eap/subscriber.ts';
import { formatRecord, parseRecords } from '../../src/node/aaa/sqn-journal.ts';
import { SubscriberTable } from '../../src/node/aaa/subscriber-table.ts';
import { ConfigError, WireError } from '../../src/util/errors.ts';
import type { FuzzTarget } from '../harness.ts';

/** A ConfigError is these readers' typed rejection; the harness counts WireErrors, so it is passed on as one. */
function rejectConfigErrors<T>(decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    if (e instanceof ConfigError) throw new WireError('BAD_VALUE', 'eap-aka', 0, `subscriber store file: ${e.message}`);
    throw e;
  }
}

const encoder = new TextEncoder();
const SUBSCRIBERS = formatSubscriberFile([
  {
    imsi: '001010000000001',
    k: new Uint8Array(16).fill(0x46),
    opc: new Uint8Array(16).fill(0xcd),
    amf: Uint8Array.of(0x80, 0),
    sqn: { seqHe: 3, ind: 2 },
  },
  {
    imsi: '00101000002',
    k: new Uint8Array(16),
    opc: new Uint8Array(16),
    amf: Uint8Array.of(0, 0),
    sqn: { seqHe: 0, ind: 31 },
  },
]);

export const targets: FuzzTarget[] = [
  {
    name: 'subscriber-file',
    family: 'subscriber-files',
    decode: (b) => rejectConfigErrors(() => SubscriberTable.parse(Buffer.from(b.buffer, b.byteOffset, b.length))),
    seeds: () => [encoder.encode(SUBSCRIBERS), encoder.encode(JSON.stringify(JSON.parse(SUBSCRIBERS)))],
  },
  {
    name: 'sqn-journal',
    family: 'subscriber-files',
    decode: (b) =>
      rejectConfigErrors(() => {
        const text = Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
        const records: Array<[string, number]> = [];
        parseRecords(text.slice(0, text.lastIndexOf('\n') + 1), 'fuzz', 'key', (imsi, sqn) =>
          records.push([imsi, sqn]),
        );
        return records;
      }),
    seeds: () => [
      encoder.encode(
        `# dsmip SQN state v1\n${formatRecord('001010000000001', 0x7e1)}${formatRecord('001010000000002', 2 ** 48 - 1)}`,
      ),
    ],
  },
];
