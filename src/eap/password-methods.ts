/**
 * EAP-MD5-Challenge (RFC 3748 §5.4, RFC 1994) and EAP-GTC (RFC 3748 §5.6), peer and server, for the RFC 4739 second
 * authentication round that TS 33.402 uses to authenticate the UE towards an external PDN (TS 24.303 §5.1.3.1:
 * "additional authentication … with an external AAA server"). Neither method derives keys, so the IKE AUTH payloads
 * of such a round are keyed with SK_pi/SK_pr (RFC 7296 §2.16); neither protects the secret against an active
 * attacker, which is why they only run inside the IKE SA already authenticated by the first round (RFC 7296 §2.16
 * "server-authenticated tunnel"). Pure: randomness is injected, no I/O.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isWireError } from '../util/errors.ts';
import { EapType } from '../wire/eap/constants.ts';
import { decodeEap, type EapPacket, encodeEap } from '../wire/eap/eap.ts';
import { decodeMd5Challenge, encodeMd5Challenge } from '../wire/eap/md5-challenge.ts';

export type PasswordMethod = 'md5' | 'gtc';

const TYPE_OF: Record<PasswordMethod, number> = { md5: EapType.MD5_CHALLENGE, gtc: EapType.GTC };
const OTHER: Record<PasswordMethod, PasswordMethod> = { md5: 'gtc', gtc: 'md5' };
const MD5_CHALLENGE_LENGTH = 16;
const GTC_PROMPT = new TextEncoder().encode('Password: ');

/** CHAP's response value: MD5(Identifier ‖ secret ‖ challenge) (RFC 1994 §4.1, RFC 3748 §5.4). */
export function md5ChallengeResponse(identifier: number, secret: Uint8Array, challenge: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('md5').update(Uint8Array.of(identifier)).update(secret).update(challenge).digest());
}

function decodeOrUndefined(eap: Uint8Array): EapPacket | undefined {
  try {
    return decodeEap(eap);
  } catch (e) {
    if (isWireError(e)) return undefined; // silently discarded (RFC 3748 §4)
    throw e;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

// ---- peer ----

export interface PasswordPeerConfig {
  readonly method: PasswordMethod;
  readonly secret: Uint8Array;
  /** Name sent in the MD5 Response (RFC 1994 §4.1); default empty. */
  readonly name?: Uint8Array;
}

export interface PasswordPeerStep {
  readonly send?: Uint8Array;
  readonly outcome?: 'success' | 'failure';
}

export class EapPasswordPeer {
  constructor(private readonly config: PasswordPeerConfig) {}

  handleRequest(eap: Uint8Array): PasswordPeerStep {
    const p = decodeOrUndefined(eap);
    if (!p || p.kind === 'response') return {};
    if (p.kind === 'success') return { outcome: 'success' };
    if (p.kind === 'failure') return { outcome: 'failure' };
    const { method, secret } = this.config;
    const id = p.identifier;
    const b = p.body;
    if (b.kind === 'unknown' && b.type === TYPE_OF[method]) {
      if (method === 'gtc') return { send: response(id, EapType.GTC, secret) };
      let challenge: Uint8Array;
      try {
        challenge = decodeMd5Challenge(b.data).value;
      } catch (e) {
        if (isWireError(e)) return {};
        throw e;
      }
      const value = md5ChallengeResponse(id, secret, challenge);
      const data = encodeMd5Challenge({ value, name: this.config.name ?? new Uint8Array(0) });
      return { send: response(id, EapType.MD5_CHALLENGE, data) };
    }
    if (b.kind === 'notification') return { send: encodeEap({ kind: 'response', identifier: id, body: b }) };
    // Any other method: Nak with the one we have (RFC 3748 §5.3.1).
    return {
      send: encodeEap({ kind: 'response', identifier: id, body: { kind: 'nak', desiredTypes: [TYPE_OF[method]] } }),
    };
  }
}

function response(identifier: number, type: number, data: Uint8Array): Uint8Array {
  return encodeEap({ kind: 'response', identifier, body: { kind: 'unknown', type, data } });
}

// ---- server ----

/** The second-round users of the embedded AAA: identity (the round's IDi) → shared secret. */
export interface PasswordUsers {
  secretOf(identity: string): Uint8Array | undefined;
}

export type PasswordFailure = 'unknown-user' | 'wrong-secret' | 'no-common-method';

export interface PasswordServerStep {
  readonly send?: Uint8Array;
  readonly outcome?:
    | { readonly ok: true; readonly identity: string }
    | { readonly ok: false; readonly reason: PasswordFailure };
}

export interface PasswordServerConfig {
  /** The method offered first; a Nak asking for the other one is honoured once. */
  readonly method: PasswordMethod;
  readonly identity: string;
  readonly users: PasswordUsers;
  readonly random: (n: number) => Uint8Array;
}

export class EapPasswordServer {
  private method: PasswordMethod;
  private identifier: number;
  private challenge: Uint8Array = new Uint8Array(0);
  private switched = false;
  private done = false;

  constructor(private readonly config: PasswordServerConfig) {
    this.method = config.method;
    this.identifier = config.random(1)[0]!;
  }

  start(): Uint8Array {
    return this.request();
  }

  handleResponse(eap: Uint8Array): PasswordServerStep {
    const p = decodeOrUndefined(eap);
    // Not a Response to our outstanding Request: silently discarded (RFC 3748 §4.1).
    if (this.done || !p || p.kind !== 'response' || p.identifier !== this.identifier) return {};
    const b = p.body;
    if (b.kind === 'nak') {
      const other = OTHER[this.method];
      if (!this.switched && b.desiredTypes.includes(TYPE_OF[other])) {
        this.switched = true;
        this.method = other;
        this.identifier = (this.identifier + 1) & 0xff;
        return { send: this.request() };
      }
      return this.finish({ ok: false, reason: 'no-common-method' });
    }
    if (b.kind !== 'unknown' || b.type !== TYPE_OF[this.method]) return {};
    const secret = this.config.users.secretOf(this.config.identity);
    if (!secret) return this.finish({ ok: false, reason: 'unknown-user' });
    let good: boolean;
    if (this.method === 'gtc') good = sameBytes(b.data, secret);
    else {
      try {
        const value = decodeMd5Challenge(b.data).value;
        good = sameBytes(value, md5ChallengeResponse(this.identifier, secret, this.challenge));
      } catch (e) {
        if (!isWireError(e)) throw e;
        return {};
      }
    }
    return this.finish(good ? { ok: true, identity: this.config.identity } : { ok: false, reason: 'wrong-secret' });
  }

  private request(): Uint8Array {
    const identifier = this.identifier;
    if (this.method === 'gtc') {
      return encodeEap({ kind: 'request', identifier, body: { kind: 'unknown', type: EapType.GTC, data: GTC_PROMPT } });
    }
    this.challenge = this.config.random(MD5_CHALLENGE_LENGTH);
    const data = encodeMd5Challenge({ value: this.challenge, name: new Uint8Array(0) });
    return encodeEap({ kind: 'request', identifier, body: { kind: 'unknown', type: EapType.MD5_CHALLENGE, data } });
  }

  /** Success or Failure with the Identifier of the Response (RFC 3748 §4.2). */
  private finish(outcome: NonNullable<PasswordServerStep['outcome']>): PasswordServerStep {
    this.done = true;
    const kind = outcome.ok ? 'success' : 'failure';
    return { send: encodeEap({ kind, identifier: this.identifier }), outcome };
  }
}
