/**
 * MILENAGE, the 3GPP authentication and key generation functions f1, f1*, f2, f3, f4, f5 and f5*
 * (TS 35.206 §4.1; test data TS 35.207/35.208). E_K is AES-128 (the "Rijndael" of TS 35.206 §3).
 *
 * One `Milenage` object per subscriber key: it keeps one AES-128-ECB cipher for K and feeds it a block at a time
 * (`update` without `final`), which is several times cheaper than a new cipher per block.
 */
import { type Cipher, createCipheriv } from 'node:crypto';
import { copyBytes } from '../util/bytes.ts';
import { expectLength } from './errors.ts';

const BLOCK = 16;

/** Outputs of f1 and f1* (TS 35.206 §4.1: OUT1 halves). */
export interface MilenageMac {
  /** f1: network authentication code MAC-A, 8 bytes. */
  readonly macA: Uint8Array;
  /** f1*: resynchronisation authentication code MAC-S, 8 bytes. */
  readonly macS: Uint8Array;
}

/** Outputs of f2, f3, f4 and f5 for one RAND. */
export interface MilenageChallenge {
  /** f2: RES / XRES, 8 bytes. */
  readonly res: Uint8Array;
  /** f3: cipher key CK, 16 bytes. */
  readonly ck: Uint8Array;
  /** f4: integrity key IK, 16 bytes. */
  readonly ik: Uint8Array;
  /** f5: anonymity key AK, 6 bytes. */
  readonly ak: Uint8Array;
}

function ecbCipher(k: Uint8Array): Cipher {
  expectLength('BAD_KEY_LENGTH', 'Milenage K', k, BLOCK);
  const c = createCipheriv('aes-128-ecb', k, null);
  // Blocks are always whole; no padding, and `final` is never called so the cipher is reusable.
  c.setAutoPadding(false);
  return c;
}

/** OPc = E_K(OP) ⊕ OP (TS 35.206 §4.1). */
export function computeOpc(k: Uint8Array, op: Uint8Array): Uint8Array {
  expectLength('BAD_KEY_LENGTH', 'Milenage OP', op, BLOCK);
  const out = Uint8Array.from(ecbCipher(k).update(op));
  for (let i = 0; i < BLOCK; i++) out[i]! ^= op[i]!;
  return out;
}

export class Milenage {
  private readonly cipher: Cipher;
  private readonly scratch = new Uint8Array(BLOCK);

  private constructor(
    k: Uint8Array,
    /** The operator variant key OPc (16 bytes), as stored on the USIM and in the HSS. */
    readonly opc: Uint8Array,
  ) {
    this.cipher = ecbCipher(k);
  }

  static fromOpc(k: Uint8Array, opc: Uint8Array): Milenage {
    expectLength('BAD_KEY_LENGTH', 'Milenage OPc', opc, BLOCK);
    return new Milenage(k, copyBytes(opc));
  }

  static fromOp(k: Uint8Array, op: Uint8Array): Milenage {
    return new Milenage(k, computeOpc(k, op));
  }

  /** f1 and f1* over RAND (16), SQN (6), AMF (2): OUT1 = E_K(TEMP ⊕ rot(IN1 ⊕ OPc, r1) ⊕ c1) ⊕ OPc. */
  f1(rand: Uint8Array, sqn: Uint8Array, amf: Uint8Array): MilenageMac {
    expectLength('BAD_INPUT_LENGTH', 'SQN', sqn, 6);
    expectLength('BAD_INPUT_LENGTH', 'AMF', amf, 2);
    const temp = this.temp(rand);
    const opc = this.opc;
    // IN1 = SQN ‖ AMF ‖ SQN ‖ AMF; r1 = 64 bits, a left rotation by 8 bytes; c1 = 0.
    const in1 = this.scratch;
    in1.set(sqn, 0);
    in1.set(amf, 6);
    in1.set(sqn, 8);
    in1.set(amf, 14);
    const x = new Uint8Array(BLOCK);
    for (let i = 0; i < BLOCK; i++) {
      const j = (i + 8) & 15;
      x[i] = temp[i]! ^ in1[j]! ^ opc[j]!;
    }
    const out1 = this.encrypt(x);
    for (let i = 0; i < BLOCK; i++) out1[i]! ^= opc[i]!;
    return { macA: copyBytes(out1, 0, 8), macS: copyBytes(out1, 8, 16) };
  }

  /** f2, f3, f4 and f5 for RAND: OUTi = E_K(rot(TEMP ⊕ OPc, ri) ⊕ ci) ⊕ OPc, i = 2..4. */
  f2345(rand: Uint8Array): MilenageChallenge {
    const t = this.tempXorOpc(rand);
    const out2 = this.out(t, 0, 1); // r2 = 0, c2 = …01
    const out3 = this.out(t, 4, 2); // r3 = 32, c3 = …02
    const out4 = this.out(t, 8, 4); // r4 = 64, c4 = …04
    return { res: copyBytes(out2, 8, 16), ck: out3, ik: out4, ak: copyBytes(out2, 0, 6) };
  }

  /** f5*: AK* for resynchronisation, OUT5[0..47] with r5 = 96, c5 = …08. */
  f5Star(rand: Uint8Array): Uint8Array {
    return copyBytes(this.out(this.tempXorOpc(rand), 12, 8), 0, 6);
  }

  /** One AES block; returned as a plain Uint8Array view over the fresh Buffer that `update` allocates. */
  private encrypt(block: Uint8Array): Uint8Array {
    const b = this.cipher.update(block);
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  }

  /** TEMP = E_K(RAND ⊕ OPc). */
  private temp(rand: Uint8Array): Uint8Array {
    expectLength('BAD_INPUT_LENGTH', 'RAND', rand, BLOCK);
    const x = this.scratch;
    for (let i = 0; i < BLOCK; i++) x[i] = rand[i]! ^ this.opc[i]!;
    return this.encrypt(x);
  }

  private tempXorOpc(rand: Uint8Array): Uint8Array {
    const t = this.temp(rand);
    for (let i = 0; i < BLOCK; i++) t[i]! ^= this.opc[i]!;
    return t;
  }

  /** E_K(rot(t, rotBytes × 8) ⊕ c) ⊕ OPc, where c has only its last byte set. */
  private out(t: Uint8Array, rotBytes: number, c: number): Uint8Array {
    const x = this.scratch;
    for (let i = 0; i < BLOCK; i++) x[i] = t[(i + rotBytes) & 15]!;
    x[15]! ^= c;
    const o = this.encrypt(x);
    for (let i = 0; i < BLOCK; i++) o[i]! ^= this.opc[i]!;
    return o;
  }
}
