/** Shared fixtures for the ESP tests (test support, not runtime code). */
import { ENCR_ID, INTEG_ID } from '../crypto/transforms.ts';
import { fromHex } from '../util/hex.ts';
import { Ipv6Address } from '../util/ip-address.ts';
import type { EspDirection, EspSaParams } from './sa-params.ts';
import { EspSad } from './sad.ts';

/** A counter-driven "random" source: every call returns fresh, reproducible bytes. */
export function countingRandom(): (n: number) => Uint8Array {
  let next = 0;
  return (n) => Uint8Array.from({ length: n }, () => next++ & 0xff);
}

/** The random source that replays fixed IVs, for byte-exact vectors. */
export function fixedRandom(...ivs: Uint8Array[]): (n: number) => Uint8Array {
  let i = 0;
  return (n) => {
    const iv = ivs[i++];
    if (!iv || iv.length !== n) throw new Error(`fixedRandom: no ${n}-byte IV left`);
    return iv;
  };
}

/** The worked Binding Update of SPEC-NOTES §1.6 (40 bytes, checksum 0): the usual transport-mode payload. */
export const BU = fromHex('3b04050000000001d40003841d06800000000000010003102001 0db8000200000000000000000200');
export const HOA = Ipv6Address.parse('2001:db8:1::100');
export const HA = Ipv6Address.parse('2001:db8:1::1');
export const COA = Ipv6Address.parse('2001:db8:ff::10');

export const CBC_KEY = fromHex('00112233445566778899aabbccddeeff');
export const HMAC_SHA256_KEY = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
export const GCM_KEY = fromHex('00112233445566778899aabbccddeeff cafebabe');

export type SuiteName = 'cbc128-sha256' | 'cbc256-sha1' | 'gcm128' | 'gcm256';

/** Transform and keys of each suite the ESP layer offers. */
export function suite(name: SuiteName): Pick<EspSaParams, 'encr' | 'integ' | 'encrKey' | 'integKey'> {
  switch (name) {
    case 'cbc128-sha256':
      return {
        encr: { id: ENCR_ID.AES_CBC, keyLengthBits: 128 },
        integ: INTEG_ID.HMAC_SHA2_256_128,
        encrKey: CBC_KEY,
        integKey: HMAC_SHA256_KEY,
      };
    case 'cbc256-sha1':
      return {
        encr: { id: ENCR_ID.AES_CBC, keyLengthBits: 256 },
        integ: INTEG_ID.HMAC_SHA1_96,
        encrKey: Uint8Array.from({ length: 32 }, (_, i) => i),
        integKey: Uint8Array.from({ length: 20 }, (_, i) => i),
      };
    case 'gcm128':
      return { encr: { id: ENCR_ID.AES_GCM_16, keyLengthBits: 128 }, encrKey: GCM_KEY };
    case 'gcm256':
      return {
        encr: { id: ENCR_ID.AES_GCM_16, keyLengthBits: 256 },
        encrKey: Uint8Array.from({ length: 36 }, (_, i) => 0x40 + i),
      };
  }
}

export const SUITES: readonly SuiteName[] = ['cbc128-sha256', 'cbc256-sha1', 'gcm128', 'gcm256'];

/** SA parameters for one direction of a test SA. */
export function saParams(name: SuiteName, direction: EspDirection, extra: Partial<EspSaParams> = {}): EspSaParams {
  return { spi: 0x11223344, direction, mode: 'transport', ...suite(name), ...extra };
}

/** A sender SAD and a receiver SAD sharing one SA (same SPI and keys). */
export function saPair(name: SuiteName, extra: Partial<EspSaParams> = {}, random = countingRandom()) {
  const tx = new EspSad({ random });
  const rx = new EspSad({ random });
  const out = tx.install(saParams(name, 'outbound', extra));
  const inb = rx.install(saParams(name, 'inbound', extra));
  return { tx, rx, out, inb };
}
