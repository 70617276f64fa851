/**
 * The AAA server's subscriber records (the AuC data of TS 33.102 §6.3: K, OPc, AMF and the SQN counter),
 * the synchronous store the EAP-AKA server reads them from, and the text codec of the subscriber file.
 *
 * The file is JSON with hex strings, one entry per subscriber:
 *   { "subscribers": [ { "imsi": "001010000000001", "k": "<32 hex>", "opc": "<32 hex>", "amf": "8000",
 *                        "sqn": "00000000001f" } ] }
 * `sqn` is the SQN of the last vector generated (SEQ_HE ‖ IND, 12 hex digits, TS 33.102 Annex C); it is
 * optional, and a new subscriber's first vector carries SEQ 1. The HA no longer writes this file: it keeps SQN_HE
 * in its SQN state file (src/node/aaa/sqn-journal.ts) and reads `sqn` here as a floor (files of older versions).
 */
import {
  type HeSqnState,
  indOf,
  initialHeSqnState,
  isCryptoError,
  makeSqn,
  nextSqn,
  seqOf,
  sqnFromBytes,
  sqnToBytes,
} from '../crypto/index.ts';
import { ConfigError } from '../util/errors.ts';
import { fromHex, toHex } from '../util/hex.ts';
import { isImsi } from './identity.ts';

/** A subscriber of the embedded AAA: IMSI, Milenage K and OPc, AMF and the HE SQN state (TS 33.102). */
export interface Subscriber {
  readonly imsi: string;
  /** Subscriber key K, 16 bytes (TS 35.206). */
  readonly k: Uint8Array;
  /** Operator variant key OPc, 16 bytes. */
  readonly opc: Uint8Array;
  /** Authentication management field put in AUTN, 2 bytes (TS 33.102 §6.3.2). */
  readonly amf: Uint8Array;
  readonly sqn: HeSqnState;
}

/** The SQN for one new authentication vector, or why none may be issued. */
export type SqnGrant =
  | { readonly ok: true; readonly sqn: number; readonly state: HeSqnState }
  | {
      readonly ok: false;
      readonly reason:
        | 'UNKNOWN_SUBSCRIBER'
        | 'SQN_EXHAUSTED' // SEQ_HE reached SEQmax (TS 33.102 Annex C)
        | 'SQN_UNAVAILABLE'; // a persistent store could not record the SQN durably: issuing it could replay it later
    };

/**
 * What an AAA server (the embedded EAP-AKA server, a RADIUS or Diameter front end) needs from the subscriber
 * database. Synchronous by design, and small: the protocol core does no I/O, so a store keeps what it needs in
 * memory and does its persistence behind these calls (node layer).
 */
export interface SubscriberStore {
  /** Keys and the current SQN_HE state of one subscriber. */
  get(imsi: string): Subscriber | undefined;
  /**
   * Advances SQN_HE for one new vector (TS 33.102 C.3) and returns the SQN to put in AUTN. A persistent store
   * returns `ok` only once that SQN can never be handed out again, even after a crash (TS 33.102 §6.3.2: SQN_HE
   * advances when the vector is generated).
   */
  nextSqn(imsi: string): SqnGrant;
  /** Sets SQN_HE after a resynchronisation (TS 33.102 §6.3.5); the next `nextSqn` continues from it. */
  updateSqn(imsi: string, sqn: HeSqnState): void;
}

/** `nextSqn` of TS 33.102 C.3 as a grant: SQN_EXHAUSTED instead of a thrown CryptoError. */
export function grantNextSqn(state: HeSqnState): SqnGrant {
  try {
    const next = nextSqn(state);
    return { ok: true, sqn: next.sqn, state: next.newState };
  } catch (e) {
    if (isCryptoError(e) && e.code === 'SQN_EXHAUSTED') return { ok: false, reason: 'SQN_EXHAUSTED' };
    throw e;
  }
}

/** Subscribers held in memory (from a subscriber file or built in code), with their SQN state. */
export class InMemorySubscriberStore implements SubscriberStore {
  private readonly byImsi = new Map<string, Subscriber>();

  constructor(subscribers: Iterable<Subscriber> = []) {
    for (const s of subscribers) {
      if (this.byImsi.has(s.imsi)) throw new RangeError(`duplicate subscriber ${s.imsi}`);
      this.byImsi.set(s.imsi, s);
    }
  }

  get(imsi: string): Subscriber | undefined {
    return this.byImsi.get(imsi);
  }

  nextSqn(imsi: string): SqnGrant {
    const s = this.byImsi.get(imsi);
    if (!s) return { ok: false, reason: 'UNKNOWN_SUBSCRIBER' };
    const grant = grantNextSqn(s.sqn);
    if (grant.ok) this.byImsi.set(imsi, { ...s, sqn: grant.state });
    return grant;
  }

  updateSqn(imsi: string, sqn: HeSqnState): void {
    const s = this.byImsi.get(imsi);
    if (!s) throw new RangeError(`updateSqn for unknown subscriber ${imsi}`);
    this.byImsi.set(imsi, { ...s, sqn });
  }

  /** All subscribers in insertion order (the order of the file). */
  list(): Subscriber[] {
    return [...this.byImsi.values()];
  }
}

const ENTRY_FIELDS = new Set(['imsi', 'k', 'opc', 'amf', 'sqn']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hexField(entry: Record<string, unknown>, field: string, path: string, bytes: number): Uint8Array {
  const v = entry[field];
  if (v === undefined) throw new ConfigError('MISSING', `${path}.${field}`, 'required');
  if (typeof v !== 'string' || !new RegExp(`^[0-9a-fA-F]{${2 * bytes}}$`).test(v)) {
    throw new ConfigError('INVALID', `${path}.${field}`, `must be ${2 * bytes} hex digits`);
  }
  return fromHex(v);
}

/** SQN of the last vector (SEQ_HE ‖ IND) ↔ HeSqnState; the mapping is one to one for every 48-bit value. */
export function heSqnFromLastSqn(lastSqn: number): HeSqnState {
  return { seqHe: seqOf(lastSqn), ind: indOf(lastSqn) };
}

export function lastSqnOf(state: HeSqnState): number {
  return makeSqn(state.seqHe, state.ind);
}

function parseEntry(v: unknown, path: string): Subscriber {
  if (!isObject(v)) throw new ConfigError('INVALID', path, 'must be an object');
  for (const key of Object.keys(v)) {
    if (!ENTRY_FIELDS.has(key)) throw new ConfigError('INVALID', `${path}.${key}`, 'unknown field');
  }
  const imsi = v.imsi;
  if (imsi === undefined) throw new ConfigError('MISSING', `${path}.imsi`, 'required');
  if (typeof imsi !== 'string' || !isImsi(imsi))
    throw new ConfigError('INVALID', `${path}.imsi`, 'must be 6–15 digits');
  const k = hexField(v, 'k', path, 16);
  const opc = hexField(v, 'opc', path, 16);
  const amf = hexField(v, 'amf', path, 2);
  const sqn = v.sqn === undefined ? initialHeSqnState() : heSqnFromLastSqn(sqnFromBytes(hexField(v, 'sqn', path, 6)));
  return { imsi, k, opc, amf, sqn };
}

/** Parses and validates a subscriber file; every error is a ConfigError naming the key (`subscribers[2].k`). */
export function parseSubscriberFile(text: string): Subscriber[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError('INVALID', '', `not JSON: ${(e as Error).message}`);
  }
  if (!isObject(doc)) throw new ConfigError('INVALID', '', 'must be an object with a "subscribers" array');
  for (const key of Object.keys(doc)) {
    if (key !== 'subscribers') throw new ConfigError('INVALID', key, 'unknown field');
  }
  const list = doc.subscribers;
  if (list === undefined) throw new ConfigError('MISSING', 'subscribers', 'required');
  if (!Array.isArray(list)) throw new ConfigError('INVALID', 'subscribers', 'must be an array');
  const seen = new Set<string>();
  return list.map((entry, i) => {
    const s = parseEntry(entry, `subscribers[${i}]`);
    if (seen.has(s.imsi)) throw new ConfigError('INVALID', `subscribers[${i}].imsi`, `duplicate IMSI ${s.imsi}`);
    seen.add(s.imsi);
    return s;
  });
}

/** The file text for `subscribers` (stable field order, one entry per line block, trailing newline). */
export function formatSubscriberFile(subscribers: readonly Subscriber[]): string {
  const entries = subscribers.map((s) => ({
    imsi: s.imsi,
    k: toHex(s.k),
    opc: toHex(s.opc),
    amf: toHex(s.amf),
    sqn: toHex(sqnToBytes(lastSqnOf(s.sqn))),
  }));
  return `${JSON.stringify({ subscribers: entries }, null, 2)}\n`;
}
