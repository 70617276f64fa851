/**
 * Crypto costs on the attach and packet paths: Milenage f2–f5, EAP-AKA key derivation (MK + FIPS PRF),
 * X25519 and P-256 shared secrets (peer value import + scalar multiplication), ESP AES-GCM seal of 1400 bytes.
 */

import { aesGcmSeal, gcmKeyFromKeymat } from '../../src/crypto/cipher.ts';
import { DH_ID, dhGroup } from '../../src/crypto/dh.ts';
import { deriveEapAkaKeys, deriveMasterKey } from '../../src/crypto/eap-aka-keys.ts';
import { Milenage } from '../../src/crypto/milenage.ts';
import { fromHex } from '../../src/util/hex.ts';
import type { Bench } from '../harness.ts';

// TS 35.208 set 1.
const K = fromHex('465b5ce8b199b49faa5f0a2ee238a6bc');
const OPC = fromHex('cd63cb71954a9f4e48a5994e37a02baf');
const RAND = fromHex('23553cbe9637a89d218ae64dae47bf35');
const IK = fromHex('f769bcd751044604127672711c6d3441');
const CK = fromHex('b40ba9a3c58b2a05bbf0d987b21bf8cb');
const IDENTITY = new TextEncoder().encode('0001010000000001@nai.epc.mnc001.mcc001.3gppnetwork.org');

const milenage = Milenage.fromOpc(K, OPC);

const x25519 = dhGroup(DH_ID.CURVE25519);
const xOwn = x25519.generate();
const xPeer = x25519.generate().publicKey;

const p256 = dhGroup(DH_ID.ECP_256);
const pOwn = p256.generate();
const pPeer = p256.generate().publicKey;

const gcmKey = gcmKeyFromKeymat(new Uint8Array(20).fill(7));
const payload = new Uint8Array(1400).fill(0x45);
const aad = new Uint8Array(8);
const iv = new Uint8Array(8);
const ivView = new DataView(iv.buffer);
let seq = 0;

export const benches: Bench[] = [
  { name: 'milenage-f2345', unit: 'ops/s', run: () => void milenage.f2345(RAND) },
  { name: 'eap-aka-keys', unit: 'ops/s', run: () => void deriveEapAkaKeys(deriveMasterKey(IDENTITY, IK, CK)) },
  { name: 'x25519-shared', unit: 'ops/s', run: () => void x25519.computeShared(xOwn.privateKey, xPeer) },
  { name: 'p256-shared', unit: 'ops/s', run: () => void p256.computeShared(pOwn.privateKey, pPeer) },
  {
    name: 'aes-gcm-seal-1400B',
    unit: 'ops/s',
    run: () => {
      // A fresh IV per packet, as ESP derives it from the sequence number.
      ivView.setUint32(4, ++seq);
      aesGcmSeal(gcmKey, iv, payload, aad);
    },
  },
];
