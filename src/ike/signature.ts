/**
 * Signature AUTH payload data (RFC 7296 §3.8): RSA PKCS#1 v1.5 (method 1, SHA-1: the only hash IKEv2 defines for
 * it, RFC 7427 §1), ECDSA with SHA-256 on P-256 (method 9, RFC 4754 §3: r ‖ s, 32 bytes each) and the Digital
 * Signature method 14 (RFC 7427 §3: AlgorithmIdentifier length ‖ AlgorithmIdentifier DER ‖ signature).
 */
import { type KeyObject, sign, verify } from 'node:crypto';
import { bytesEqual, fromHex } from '../util/hex.ts';
import { AuthMethod } from '../wire/ike/constants.ts';

/** RFC 4754 §3 method number for ECDSA with SHA-256 on the P-256 curve. */
export const AUTH_METHOD_ECDSA_SHA256_P256 = 9;

/** Hash Algorithm Identifiers of SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4, IANA registry). */
export const SignatureHash = { SHA1: 1, SHA2_256: 2, SHA2_384: 3, SHA2_512: 4 } as const;

export type AuthKeyType = 'rsa' | 'ecdsa-p256' | 'other';

/** A key with its type worked out once (KeyObject getters are not free). */
export interface AuthKey {
  readonly key: KeyObject;
  readonly type: AuthKeyType;
}

export function describeKey(key: KeyObject): AuthKey {
  if (key.asymmetricKeyType === 'rsa') return { key, type: 'rsa' };
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return { key, type: 'ecdsa-p256' };
  }
  return { key, type: 'other' };
}

type NodeHash = 'sha256' | 'sha384' | 'sha512';

interface Rfc7427Algorithm {
  readonly der: Uint8Array;
  readonly keyType: AuthKeyType;
  readonly hash: NodeHash;
}

/** AlgorithmIdentifier encodings of RFC 7427 Appendix A (RSA with its NULL parameters, ECDSA without). */
const RFC7427_ALGORITHMS: readonly Rfc7427Algorithm[] = [
  { der: fromHex('300d06092a864886f70d01010b0500'), keyType: 'rsa', hash: 'sha256' },
  { der: fromHex('300d06092a864886f70d01010c0500'), keyType: 'rsa', hash: 'sha384' },
  { der: fromHex('300d06092a864886f70d01010d0500'), keyType: 'rsa', hash: 'sha512' },
  // RFC 4055 §5 lets the NULL parameters be absent; accept that spelling too on receipt.
  { der: fromHex('300b06092a864886f70d01010b'), keyType: 'rsa', hash: 'sha256' },
  { der: fromHex('300a06082a8648ce3d040302'), keyType: 'ecdsa-p256', hash: 'sha256' },
  { der: fromHex('300a06082a8648ce3d040303'), keyType: 'ecdsa-p256', hash: 'sha384' },
  { der: fromHex('300a06082a8648ce3d040304'), keyType: 'ecdsa-p256', hash: 'sha512' },
];

/** The classic method for a key type: 1 for RSA, 9 for P-256. */
export function classicMethod(type: AuthKeyType): number {
  if (type === 'rsa') return AuthMethod.RSA_SIGNATURE;
  if (type === 'ecdsa-p256') return AUTH_METHOD_ECDSA_SHA256_P256;
  throw new RangeError(`no IKEv2 signature method for key type ${type}`);
}

/** AUTH data for `method` over the signed octets. Method 14 uses SHA-256 (announced as SHA2_256, RFC 7427 §4). */
export function signAuthData(k: AuthKey, method: number, octets: Uint8Array): Uint8Array {
  if (method === AuthMethod.RSA_SIGNATURE && k.type === 'rsa') return view(sign('sha1', octets, k.key));
  if (method === AUTH_METHOD_ECDSA_SHA256_P256 && k.type === 'ecdsa-p256') {
    return view(sign('sha256', octets, { key: k.key, dsaEncoding: 'ieee-p1363' }));
  }
  if (method === AuthMethod.DIGITAL_SIGNATURE && k.type !== 'other') {
    const alg = RFC7427_ALGORITHMS.find((a) => a.keyType === k.type && a.hash === 'sha256');
    if (!alg) throw new RangeError('no RFC 7427 algorithm');
    const sig = sign('sha256', octets, k.key); // ECDSA: DER ECDSA-Sig-Value (RFC 7427 Appendix A)
    const out = new Uint8Array(1 + alg.der.length + sig.length);
    out[0] = alg.der.length;
    out.set(alg.der, 1);
    out.set(sig, 1 + alg.der.length);
    return out;
  }
  throw new RangeError(`cannot sign AUTH method ${method} with a ${k.type} key`);
}

/** True when `data` is a valid AUTH of `method` over the octets under the peer's public key. Never throws. */
export function verifyAuthData(k: AuthKey, method: number, data: Uint8Array, octets: Uint8Array): boolean {
  try {
    if (method === AuthMethod.RSA_SIGNATURE) return k.type === 'rsa' && verify('sha1', octets, k.key, data);
    if (method === AUTH_METHOD_ECDSA_SHA256_P256) {
      return (
        k.type === 'ecdsa-p256' &&
        data.length === 64 &&
        verify('sha256', octets, { key: k.key, dsaEncoding: 'ieee-p1363' }, data)
      );
    }
    if (method === AuthMethod.DIGITAL_SIGNATURE) {
      const n = data[0];
      if (n === undefined || data.length < 1 + n) return false;
      const der = data.subarray(1, 1 + n);
      const alg = RFC7427_ALGORITHMS.find((a) => bytesEqual(a.der, der));
      if (!alg || alg.keyType !== k.type) return false;
      return verify(alg.hash, octets, k.key, data.subarray(1 + n));
    }
  } catch {
    return false; // a malformed signature is simply a wrong one
  }
  return false;
}

/** SIGNATURE_HASH_ALGORITHMS data: the 2-byte hash IDs we can verify and produce (RFC 7427 §4). */
export function signatureHashData(hashes: readonly number[]): Uint8Array {
  const out = new Uint8Array(2 * hashes.length);
  hashes.forEach((h, i) => {
    out[2 * i] = h >>> 8;
    out[2 * i + 1] = h & 0xff;
  });
  return out;
}

export function parseSignatureHashData(data: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < data.length; i += 2) out.push((data[i]! << 8) | data[i + 1]!);
  return out;
}

function view(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}
