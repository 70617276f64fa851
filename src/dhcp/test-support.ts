/** Test support (not exported from index.ts): deterministic random sources and a few fixed identities. */
import { fromHex } from '../util/hex.ts';
import type { Duid } from '../wire/dhcpv6/duid.ts';
import type { RandomSource } from './random.ts';

/**
 * A source whose every 4-byte draw is `unit` in [0, 1) (so RAND = -0.1 + 0.2·unit, jitter = -1000 + 2000·unit ms);
 * shorter draws (transaction ids) get the leading bytes of the same value.
 */
export function constantRandom(unit: number): RandomSource {
  const v = Math.min(0xffffffff, Math.floor(unit * 0x1_0000_0000));
  const word = Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = word[i % 4]!;
    return out;
  };
}

/** A seeded xorshift32 byte source, for runs that need varied but repeatable draws. */
export function seededRandom(seed: number): RandomSource {
  let x = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      out[i] = x & 0xff;
    }
    return out;
  };
}

/** DUID-LL of the UE's (made-up) link-layer address 02:00:00:00:00:01 (RFC 8415 §11.4). */
export const UE_DUID: Duid = { kind: 'll', hardwareType: 1, linkLayerAddress: fromHex('020000000001') };
/** DUID-EN of the HA's server under 3GPP's enterprise number 10415 (RFC 8415 §11.3). */
export const HA_SERVER_DUID: Duid = { kind: 'en', enterpriseNumber: 10415, identifier: fromHex('00000001') };

export const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
