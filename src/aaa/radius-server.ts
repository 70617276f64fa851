/**
 * A RADIUS authentication server for EAP (RFC 3579), sans-I/O: one EAP server per session (any method behind the
 * `EapServerFactory` slot of src/ike/eap.ts, e.g. the embedded EAP-AKA over the subscriber store), keyed by the
 * State it hands out (RFC 2865 §5.24). Clients are known by address, each with its own secret (RFC 2865 §3).
 * Every Access-Request must carry a valid Message-Authenticator (RFC 3579 §3.2; BlastRADIUS, CVE-2024-3596) and
 * every answer carries one, first. A retransmitted request (same client, port, Identifier and Request
 * Authenticator) gets the cached answer again, so the EAP server does not see it twice (RFC 5080 §2.2.2).
 */
import type { EapServer, EapServerFactory, EapServerStep } from '../ike/eap.ts';
import { isWireError } from '../util/errors.ts';
import { Fifo } from '../util/fifo.ts';
import { bytesEqual, fromHex, toHex } from '../util/hex.ts';
import { decodeEap } from '../wire/eap/eap.ts';
import {
  attributeText,
  checkMessageAuthenticator,
  decodeRadius,
  eapMessageAttributes,
  encodeSignedRadius,
  findAttribute,
  integerAttribute,
  messageAuthenticatorPlaceholder,
  mppeKeyAttributes,
  octetsAttribute,
  type RadiusAttribute,
  RadiusCode,
  reassembleEap,
  RadiusAttributeType as T,
  textAttribute,
} from '../wire/radius/index.ts';

export interface RadiusServerClient {
  /** The client's source address as the socket reports it (e.g. "127.0.0.1", "::1"). */
  readonly address: string;
  readonly secret: Uint8Array;
}

export interface RadiusServerOptions {
  readonly clients: readonly RadiusServerClient[];
  readonly eapServerFactory: EapServerFactory;
  readonly random: (n: number) => Uint8Array;
  /** An EAP conversation with no request for this long is forgotten (default 60 s). */
  readonly sessionIdleMs?: number;
  /** How long an answer is kept for retransmitted requests (default 10 s; RFC 5080 §2.2.2). */
  readonly duplicateCacheMs?: number;
  /** Session-Timeout (RFC 2865 §5.27) in every Access-Accept, when set. */
  readonly sessionTimeoutSec?: number;
  /** The secret of a source address no entry of `clients` names exactly (e.g. a configured client prefix). */
  readonly clientSecret?: (address: string) => Uint8Array | undefined;
}

export type RadiusServerDropReason =
  | 'unknown-client'
  | 'malformed'
  | 'not-access-request'
  | 'missing-message-authenticator'
  | 'bad-message-authenticator'
  | 'unknown-state'
  | 'eap-ignored'; // the EAP server silently discarded the response (RFC 3748 §4.1)

export interface RadiusServerCounters {
  requests: number;
  duplicates: number;
  challenges: number;
  accepts: number;
  rejects: number;
  drops: Record<RadiusServerDropReason, number>;
}

export interface RadiusServerTransmit {
  readonly address: string;
  readonly port: number;
  readonly bytes: Uint8Array;
}

export type RadiusServerEvent =
  | { readonly kind: 'accept'; readonly client: string; readonly identity: string }
  | { readonly kind: 'reject'; readonly client: string; readonly userName: string; readonly why: string }
  | { readonly kind: 'dropped'; readonly client: string; readonly why: RadiusServerDropReason };

interface Session {
  readonly eap: EapServer;
  expiresAtMs: number;
}

interface Answered {
  readonly authenticator: Uint8Array;
  readonly bytes: Uint8Array;
  readonly expiresAtMs: number;
}

export class RadiusServer {
  private readonly sessions = new Map<string, Session>();
  private readonly answered = new Map<string, Answered>();
  private readonly transmits = new Fifo<RadiusServerTransmit>();
  private readonly events = new Fifo<RadiusServerEvent>();
  private readonly secrets: ReadonlyMap<string, Uint8Array>;
  readonly counters: RadiusServerCounters = {
    requests: 0,
    duplicates: 0,
    challenges: 0,
    accepts: 0,
    rejects: 0,
    drops: {
      'unknown-client': 0,
      malformed: 0,
      'not-access-request': 0,
      'missing-message-authenticator': 0,
      'bad-message-authenticator': 0,
      'unknown-state': 0,
      'eap-ignored': 0,
    },
  };

  constructor(private readonly options: RadiusServerOptions) {
    this.secrets = new Map(options.clients.map((c) => [c.address, c.secret]));
  }

  handleDatagram(now: number, from: { readonly address: string; readonly port: number }, bytes: Uint8Array): void {
    const secret = this.secrets.get(from.address) ?? this.options.clientSecret?.(from.address);
    if (!secret) {
      this.drop(from.address, 'unknown-client');
      return;
    }
    if (bytes.length < 20) {
      this.drop(from.address, 'malformed');
      return;
    }
    if (bytes[0] !== RadiusCode.ACCESS_REQUEST) {
      this.drop(from.address, 'not-access-request');
      return;
    }
    const requestAuthenticator = bytes.subarray(4, 20);
    const key = `${from.address}|${from.port}|${bytes[1]}`;
    const cached = this.answered.get(key);
    if (cached && cached.expiresAtMs > now && bytesEqual(cached.authenticator, requestAuthenticator)) {
      this.counters.duplicates++;
      this.transmits.push({ ...from, bytes: cached.bytes });
      return;
    }
    const ma = checkMessageAuthenticator(bytes, secret);
    if (ma === 'missing') {
      this.drop(from.address, 'missing-message-authenticator');
      return;
    }
    if (ma !== 'ok') {
      this.drop(from.address, 'bad-message-authenticator');
      return;
    }
    let request: ReturnType<typeof decodeRadius>;
    let eap: Uint8Array | undefined;
    try {
      request = decodeRadius(bytes);
      eap = reassembleEap(request);
    } catch (e) {
      if (!isWireError(e)) throw e;
      this.drop(from.address, 'malformed');
      return;
    }
    this.counters.requests++;
    const userName = attributeText(request, T.USER_NAME) ?? '';
    const answer = this.answer(now, from.address, userName, findAttribute(request, T.STATE), eap);
    if (!answer) return;
    const out = encodeSignedRadius(
      {
        code: answer.code,
        identifier: request.identifier,
        authenticator: new Uint8Array(16),
        attributes: [messageAuthenticatorPlaceholder(), ...answer.attributes(secret, request.authenticator)],
      },
      secret,
      request.authenticator,
    );
    this.answered.set(key, {
      authenticator: new Uint8Array(requestAuthenticator),
      bytes: out,
      expiresAtMs: now + (this.options.duplicateCacheMs ?? 10_000),
    });
    this.transmits.push({ ...from, bytes: out });
  }

  /** Forgets idle sessions and old cached answers. */
  handleTimeout(now: number): void {
    for (const [k, s] of this.sessions) if (s.expiresAtMs <= now) this.sessions.delete(k);
    for (const [k, a] of this.answered) if (a.expiresAtMs <= now) this.answered.delete(k);
  }

  pollTimeout(): number | undefined {
    let t: number | undefined;
    for (const s of this.sessions.values()) if (t === undefined || s.expiresAtMs < t) t = s.expiresAtMs;
    for (const a of this.answered.values()) if (t === undefined || a.expiresAtMs < t) t = a.expiresAtMs;
    return t;
  }

  pollTransmit(): RadiusServerTransmit | undefined {
    return this.transmits.shift();
  }

  pollEvent(): RadiusServerEvent | undefined {
    return this.events.shift();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** The code and attributes (after Message-Authenticator) of the answer, or undefined to stay silent. */
  private answer(
    now: number,
    client: string,
    userName: string,
    state: Uint8Array | undefined,
    eap: Uint8Array | undefined,
  ): { code: number; attributes: (secret: Uint8Array, ra: Uint8Array) => RadiusAttribute[] } | undefined {
    if (!eap) return this.reject(client, userName, 'no EAP-Message', undefined);
    const idleMs = this.options.sessionIdleMs ?? 60_000;
    let stateKey = state ? toHex(state) : undefined;
    let session = stateKey ? this.sessions.get(stateKey) : undefined;
    let step: EapServerStep;
    if (stateKey && !session) {
      this.drop(client, 'unknown-state');
      return this.reject(client, userName, 'unknown or expired State', undefined);
    }
    try {
      if (!session) {
        // A new conversation: EAP-Response/Identity (or EAP-Start, an empty EAP-Message) names the peer; the
        // method's server starts from that identity (RFC 3579 §2.1).
        const identity = identityOf(eap) ?? userName;
        const eapServer = this.options.eapServerFactory({ ikeIdentity: identity, round: 0 });
        stateKey = toHex(this.options.random(16));
        session = { eap: eapServer, expiresAtMs: now + idleMs };
        this.sessions.set(stateKey, session);
        step = { request: eapServer.start() };
      } else {
        session.expiresAtMs = now + idleMs;
        step = session.eap.handle(eap);
      }
    } catch {
      if (stateKey) this.sessions.delete(stateKey);
      return this.reject(client, userName, 'the EAP server failed', undefined);
    }
    const key = stateKey!;
    if (step.request) {
      this.counters.challenges++;
      const request = step.request;
      return {
        code: RadiusCode.ACCESS_CHALLENGE,
        attributes: () => [...eapMessageAttributes(request), octetsAttribute(T.STATE, fromHex(key))],
      };
    }
    const result = step.result;
    if (!result) {
      this.drop(client, 'eap-ignored');
      return undefined;
    }
    this.sessions.delete(key);
    if (!result.ok) return this.reject(client, userName, 'EAP failure', result.eapFailure);
    this.counters.accepts++;
    this.events.push({ kind: 'accept', client, identity: result.identity });
    const success = result.eapSuccess ?? Uint8Array.of(3, eap[1] ?? 0, 0, 4);
    const { msk } = result;
    const timeout = this.options.sessionTimeoutSec;
    return {
      code: RadiusCode.ACCESS_ACCEPT,
      attributes: (secret, ra) => [
        ...eapMessageAttributes(success),
        textAttribute(T.USER_NAME, result.identity),
        ...(timeout !== undefined ? [integerAttribute(T.SESSION_TIMEOUT, timeout)] : []),
        // MS-MPPE-Recv-Key = MSK[0..31], MS-MPPE-Send-Key = MSK[32..63] (RFC 3579 §3.1 practice, as hostapd does).
        // A method without an MSK (EAP-MD5/GTC, an RFC 4739 second round) gets no MPPE keys.
        ...(msk
          ? mppeKeyAttributes(
              { recv: msk.subarray(0, 32), send: msk.subarray(32, 64) },
              secret,
              ra,
              (this.options.random(2)[0]! << 8) | this.options.random(1)[0]!,
            )
          : []),
      ],
    };
  }

  private reject(client: string, userName: string, why: string, eapFailure: Uint8Array | undefined) {
    this.counters.rejects++;
    this.events.push({ kind: 'reject', client, userName, why });
    return {
      code: RadiusCode.ACCESS_REJECT,
      attributes: () => (eapFailure ? eapMessageAttributes(eapFailure) : []),
    };
  }

  private drop(client: string, why: RadiusServerDropReason): void {
    this.counters.drops[why]++;
    this.events.push({ kind: 'dropped', client, why });
  }
}

/** The identity of an EAP-Response/Identity, or undefined for anything else (including EAP-Start). */
function identityOf(eap: Uint8Array): string | undefined {
  if (eap.length === 0) return undefined;
  try {
    const p = decodeEap(eap);
    if (p.kind === 'response' && p.body.kind === 'identity') return new TextDecoder().decode(p.body.identity);
  } catch (e) {
    if (!isWireError(e)) throw e;
  }
  return undefined;
}
