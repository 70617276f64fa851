/**
 * Test support for the EAP-AKA cores (used by tests only): TS 35.208 set 1 subscriber data, a seeded random
 * source, factories for peer and server, and a one-line summary of an EAP packet for readable assertions.
 */
import { type HeSqnState, initialHeSqnState, initialUsimSqnState, type UsimSqnState } from '../crypto/index.ts';
import { fromHex } from '../util/hex.ts';
import { AkaSubtype, decodeEap } from '../wire/eap/index.ts';
import { EapAkaPeer } from './aka-peer.ts';
import type { EapAkaPeerConfig } from './aka-peer-types.ts';
import { EapAkaServer } from './aka-server.ts';
import type { EapAkaServerConfig } from './aka-server-types.ts';
import { InMemorySubscriberStore, type Subscriber } from './subscriber.ts';

/** TS 35.208 test set 1 (SPEC-NOTES §10). */
export const SET1 = {
  k: fromHex('465b5ce8b199b49faa5f0a2ee238a6bc'),
  opc: fromHex('cd63cb71954a9f4e48a5994e37a02baf'),
  rand: fromHex('23553cbe9637a89d218ae64dae47bf35'),
  sqn: 0xff9bb4d0b607,
  amf: fromHex('b9b9'),
  autn: fromHex('55f328b43577b9b94a9ffac354dfafb3'),
  res: fromHex('a54211d5e3ba50bf'),
  ck: fromHex('b40ba9a3c58b2a05bbf0d987b21bf8cb'),
  ik: fromHex('f769bcd751044604127672711c6d3441'),
} as const;

export const IMSI = '001010000000001';
export const ROOT_NAI = '0001010000000001@nai.epc.mnc001.mcc001.3gppnetwork.org';

/** xorshift32: deterministic bytes so every run sees the same RANDs and Identifiers. */
export function seededRandom(seed = 0x2545f491): (n: number) => Uint8Array {
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

export function set1Subscriber(sqn: HeSqnState = initialHeSqnState()): Subscriber {
  return { imsi: IMSI, k: SET1.k, opc: SET1.opc, amf: fromHex('8000'), sqn };
}

export function set1Store(sqn?: HeSqnState): InMemorySubscriberStore {
  return new InMemorySubscriberStore([set1Subscriber(sqn)]);
}

export function makePeer(overrides: Partial<EapAkaPeerConfig> & { usimSqnState?: UsimSqnState } = {}): EapAkaPeer {
  return new EapAkaPeer({
    imsi: IMSI,
    mcc: '001',
    mnc: '01',
    k: SET1.k,
    opc: SET1.opc,
    usimSqnState: initialUsimSqnState(),
    ...overrides,
  } as EapAkaPeerConfig);
}

export function makeServer(overrides: Partial<EapAkaServerConfig> = {}): EapAkaServer {
  return new EapAkaServer({ store: set1Store(), random: seededRandom(), initialIdentifier: 7, ...overrides });
}

const SUBTYPE_NAMES: Record<number, string> = {
  [AkaSubtype.CHALLENGE]: 'AKA-Challenge',
  [AkaSubtype.AUTHENTICATION_REJECT]: 'AKA-Authentication-Reject',
  [AkaSubtype.SYNCHRONIZATION_FAILURE]: 'AKA-Synchronization-Failure',
  [AkaSubtype.IDENTITY]: 'AKA-Identity',
  [AkaSubtype.NOTIFICATION]: 'AKA-Notification',
  [AkaSubtype.REAUTHENTICATION]: 'AKA-Reauthentication',
  [AkaSubtype.CLIENT_ERROR]: 'AKA-Client-Error',
};

/**
 * `EAP-Request/AKA-Challenge { rand, autn, mac }`, `EAP-Success`, ... — the message diagram of RFC 4187 §3
 * as a string; `undefined` stays `undefined` (nothing sent).
 */
export function summarize(bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined) return undefined;
  const p = decodeEap(bytes);
  if (p.kind === 'success') return 'EAP-Success';
  if (p.kind === 'failure') return 'EAP-Failure';
  const code = p.kind === 'request' ? 'EAP-Request' : 'EAP-Response';
  const b = p.body;
  switch (b.kind) {
    case 'identity':
      return `${code}/Identity`;
    case 'notification':
      return `${code}/Notification`;
    case 'nak':
      return `${code}/Nak { ${b.desiredTypes.join(', ')} }`;
    case 'unknown':
      return `${code}/Type-${b.type}`;
    case 'aka': {
      const kinds = b.attributes.map((a) => (a.kind === 'unknown' ? `type-${a.type}` : a.kind));
      const name = SUBTYPE_NAMES[b.subtype] ?? `AKA-Subtype-${b.subtype}`;
      return kinds.length === 0 ? `${code}/${name}` : `${code}/${name} { ${kinds.join(', ')} }`;
    }
  }
}
