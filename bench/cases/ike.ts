// IKEv2 codec throughput on a plaintext IKE_AUTH of about 1 KB (what the crypto layer hands over after SK
// decryption): IDi, IDr, 600-byte CERT, AUTH, CP(CFG_REPLY, six attributes), SA with two proposals, TSi, TSr,
// three Notifies.

import { decodeIkeMessage, encodeIkeMessage } from '../../src/wire/ike/message.ts';
import { IKE_AUTH_LARGE } from '../../src/wire/ike/test-messages.ts';
import type { Bench } from '../harness.ts';

const BATCH = 100;
const bytes = encodeIkeMessage(IKE_AUTH_LARGE);
const payloadCount = IKE_AUTH_LARGE.payloads.length;

/** Each result is checked, which keeps it observable (the optimiser cannot drop the work) and cheap. */
function expect(ok: boolean): void {
  if (!ok) throw new Error('ike bench: unexpected result');
}

export const benches: Bench[] = [
  {
    name: 'ike-auth-parse',
    unit: 'msg/s',
    opsPerCall: BATCH,
    run: () => {
      for (let i = 0; i < BATCH; i++) expect(decodeIkeMessage(bytes).payloads.length === payloadCount);
    },
  },
  {
    name: 'ike-auth-encode',
    unit: 'msg/s',
    opsPerCall: BATCH,
    run: () => {
      for (let i = 0; i < BATCH; i++) expect(encodeIkeMessage(IKE_AUTH_LARGE).length === bytes.length);
    },
  },
];
