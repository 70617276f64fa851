/**
 * Protection of IKE messages after IKE_SA_INIT: the Encrypted (SK) payload (RFC 7296 §3.14) with AES-CBC and an
 * HMAC integrity transform, or AES-GCM-16 with the IKE header and SK payload header as associated data
 * (RFC 5282 §5.1). Keys are chosen by the original initiator role (RFC 7296 §2.14: SK_ei/SK_ai protect messages
 * from the original initiator).
 */
import {
  aesCbcDecrypt,
  aesCbcEncrypt,
  aesGcmOpen,
  aesGcmSeal,
  type GcmKey,
  gcmKeyFromKeymat,
} from '../crypto/cipher.ts';
import type { RandomSource } from '../crypto/dh-types.ts';
import type { IkeSaKeys } from '../crypto/ike-prf.ts';
import { computeIcv, verifyIcv } from '../crypto/integ.ts';
import { isWireError } from '../util/errors.ts';
import { Writer } from '../util/writer.ts';
import { firstPayloadType } from '../wire/ike/chain.ts';
import { IKE_HEADER_LENGTH, PAYLOAD_HEADER_LENGTH, PayloadType } from '../wire/ike/constants.ts';
import { padIkePlaintext, splitEncryptedData, stripIkePadding } from '../wire/ike/encrypted.ts';
import { emitIkeHeader, type IkeHeader } from '../wire/ike/header.ts';
import { decodeIkePayloads, encodeIkePayloads } from '../wire/ike/message.ts';
import type { EncryptedPayload, IkePayload } from '../wire/ike/payload.ts';
import type { IkeSuite } from './proposal.ts';

/** Why an Encrypted payload was refused: unauthenticated problems are silent drops, `syntax` is authenticated. */
export type OpenFailure = 'malformed' | 'integrity' | 'syntax';

export type OpenResult =
  | { readonly ok: true; readonly payloads: IkePayload[] }
  | { readonly ok: false; readonly reason: OpenFailure };

interface DirectionKeys {
  readonly cipherKey: Uint8Array;
  readonly gcm: GcmKey | undefined;
  readonly integKey: Uint8Array;
}

export class IkeProtection {
  private readonly out: DirectionKeys;
  private readonly in: DirectionKeys;
  private readonly icvLength: number;
  /** GCM IVs come from a counter: unique per key is all RFC 5282 §3.1 asks, and it costs nothing. */
  private gcmCounter = 0;

  constructor(
    readonly suite: IkeSuite,
    keys: IkeSaKeys,
    originalInitiator: boolean,
    private readonly random: RandomSource,
  ) {
    const gcm = suite.encr.mode === 'gcm';
    const make = (e: Uint8Array, a: Uint8Array): DirectionKeys => ({
      cipherKey: e,
      gcm: gcm ? gcmKeyFromKeymat(e) : undefined,
      integKey: a,
    });
    const i = make(keys.skEi, keys.skAi);
    const r = make(keys.skEr, keys.skAr);
    this.out = originalInitiator ? i : r;
    this.in = originalInitiator ? r : i;
    this.icvLength = suite.integ ? suite.integ.icvLength : suite.encr.icvLength;
  }

  /** The whole message: header, then SK { payloads } as the only outer payload. */
  seal(header: IkeHeader, payloads: readonly IkePayload[]): Uint8Array {
    const { encr, integ } = this.suite;
    const padded = padIkePlaintext(encodeIkePayloads(payloads), encr.blockSize);
    const skLength = PAYLOAD_HEADER_LENGTH + encr.ivLength + padded.length + this.icvLength;
    const total = IKE_HEADER_LENGTH + skLength;
    const buf = new Uint8Array(total);
    const w = new Writer(buf);
    emitIkeHeader(header, PayloadType.SK, total, w);
    w.u8(firstPayloadType(payloads)).u8(0).u16(skLength);
    const ivAt = w.offset;
    const iv = this.nextIv();
    buf.set(iv, ivAt);
    const ctAt = ivAt + encr.ivLength;
    if (this.out.gcm) {
      buf.set(aesGcmSeal(this.out.gcm, iv, padded, buf.subarray(0, ivAt)), ctAt);
    } else {
      buf.set(aesCbcEncrypt(this.out.cipherKey, iv, padded), ctAt);
      if (!integ) throw new RangeError('a CBC suite needs an integrity transform');
      const icvAt = total - this.icvLength;
      buf.set(computeIcv(integ, this.out.integKey, buf.subarray(0, icvAt)), icvAt);
    }
    return buf;
  }

  private nextIv(): Uint8Array {
    if (this.suite.encr.mode === 'cbc') return this.random(this.suite.encr.ivLength); // unpredictable (§3.14)
    const iv = new Uint8Array(8);
    let n = ++this.gcmCounter;
    for (let i = 7; i >= 0 && n > 0; i--) {
      iv[i] = n % 256;
      n = Math.floor(n / 256);
    }
    return iv;
  }

  /**
   * Checks and decrypts the SK payload `sk` of the received message `bytes` (the SK payload must be last, as the
   * codec guarantees, RFC 7296 §3.14). The ICV is checked before anything is decrypted.
   */
  open(bytes: Uint8Array, sk: EncryptedPayload): OpenResult {
    const { encr, integ } = this.suite;
    let parts: ReturnType<typeof splitEncryptedData>;
    try {
      parts = splitEncryptedData(sk.data, {
        ivLength: encr.ivLength,
        icvLength: this.icvLength,
        blockSize: encr.blockSize,
      });
    } catch (e) {
      if (isWireError(e)) return { ok: false, reason: 'malformed' };
      throw e;
    }
    const dataStart = bytes.length - sk.data.length;
    let plaintext: Uint8Array;
    if (this.in.gcm) {
      try {
        const sealed = sk.data.subarray(encr.ivLength);
        plaintext = aesGcmOpen(this.in.gcm, parts.iv, sealed, bytes.subarray(0, dataStart));
      } catch {
        return { ok: false, reason: 'integrity' };
      }
    } else {
      if (!integ) throw new RangeError('a CBC suite needs an integrity transform');
      const covered = bytes.subarray(0, bytes.length - this.icvLength);
      if (!verifyIcv(integ, this.in.integKey, covered, parts.icv)) return { ok: false, reason: 'integrity' };
      plaintext = aesCbcDecrypt(this.in.cipherKey, parts.iv, parts.ciphertext);
    }
    try {
      return { ok: true, payloads: decodeIkePayloads(sk.firstPayload, stripIkePadding(plaintext)) };
    } catch (e) {
      if (isWireError(e)) return { ok: false, reason: 'syntax' };
      throw e;
    }
  }
}
