/**
 * The HA's (PGW's) S6b Diameter EAP client, sans-I/O (TS 29.273 §9.2.2.1 DSMIPv6 authentication over DER/DEA,
 * RFC 4072 §3; RFC 5778 for MIPv6): one Session-Id per AAA session, DER per EAP Response, the DEA's
 * Result-Code/Experimental-Result turned into continue/success/failure, STR when the attach ends (RFC 6733 §8.4),
 * ASR honoured (§8.5, then STR), RAR answered (§8.3). The shell feeds bytes and time and carries out transmits.
 */
import { isWireError } from '../../util/errors.ts';
import {
  ApplicationId,
  AvpDefs,
  CommandCode,
  type DiameterMessage,
  findAvp,
  ResultCode,
  TerminationCause,
} from '../../wire/diameter/index.ts';
import { answer, type LocalIdentity, readUtf8Optional } from './base-messages.ts';
import { ClientRouter, type RoutePeer } from './client-router.ts';
import { IdentifierAllocator, type RandomU32, SessionIdGenerator } from './identifiers.ts';
import { buildDer, buildStr, type EapOutcome, interpretDea, terminationCauseOf } from './s6b.ts';

export type { EapOutcome } from './s6b.ts';

/** One EAP Response of one AAA session (the HA's sessionKey maps to one Session-Id). */
export interface EapExchangeRequest {
  readonly sessionKey: string;
  /** User-Name: the NAI from IDi. */
  readonly userName: string;
  readonly eap: Uint8Array;
  /** Service-Selection. */
  readonly apn?: string;
  /** A DIAMETER_SUCCESS without EAP-Master-Session-Key is a success (RFC 4739 second round, EAP-MD5/GTC). */
  readonly keylessSuccess?: boolean;
}

export type DiameterApplication = 's6b' | 'swm' | 'eap';
const APPLICATION_IDS: Record<DiameterApplication, number> = {
  s6b: ApplicationId.S6B,
  swm: ApplicationId.SWM,
  eap: ApplicationId.DIAMETER_EAP,
};

export interface EapClientOptions {
  readonly local: LocalIdentity;
  readonly destinationRealm: string;
  readonly destinationHost?: string;
  readonly peers: readonly RoutePeer[];
  /** Which application id goes in the header and Auth-Application-Id (default S6b, see docs/spec-choices.md). */
  readonly application?: DiameterApplication;
  readonly requestTimeoutMs?: number;
  readonly twMs?: number;
  /** RAT-Type to send (TS 29.212 §5.3.31); absent → not sent. */
  readonly ratType?: number;
  /** MIP6-Feature-Vector to send (RFC 5447 §4.2.5); absent → not sent. */
  readonly mip6FeatureVector?: bigint;
  readonly random: RandomU32;
}

export type EapClientEvent =
  | { readonly kind: 'result'; readonly token: number; readonly outcome: EapOutcome }
  | { readonly kind: 'abort'; readonly sessionKey: string }
  | { readonly kind: 'reauth'; readonly sessionKey: string }
  | { readonly kind: 'peer-open'; readonly peer: number; readonly originHost: string }
  | { readonly kind: 'peer-down'; readonly peer: number; readonly reason: string }
  | { readonly kind: 'failover'; readonly from: number; readonly to: number }
  | { readonly kind: 'dropped'; readonly detail: string };

interface Session {
  readonly sessionId: string;
  readonly sessionKey: string;
  readonly userName: string;
  /** Origin-Host of the server that answered, used as Destination-Host afterwards (RFC 6733 §6.1). */
  serverHost?: string;
}

/** Counters (plain numbers; the coordinator exports them as Prometheus metrics). */
export interface EapClientCounters {
  der: number;
  dea: Record<string, number>;
  str: number;
  asr: number;
  rar: number;
  timeouts: number;
  failovers: number;
  malformed: number;
}

export class DiameterEapClient {
  readonly router: ClientRouter;
  readonly counters: EapClientCounters = {
    der: 0,
    dea: {},
    str: 0,
    asr: 0,
    rar: 0,
    timeouts: 0,
    failovers: 0,
    malformed: 0,
  };
  private readonly ids: IdentifierAllocator;
  private readonly sessionIds: SessionIdGenerator;
  private readonly sessions = new Map<string, Session>(); // by sessionKey
  private readonly bySessionId = new Map<string, Session>();
  private readonly waiting = new Map<number, { session: Session; kind: 'der' | 'str'; keyless?: boolean }>(); // by token
  private readonly events: EapClientEvent[] = [];
  private nextToken = 1;
  readonly applicationId: number;

  constructor(
    private readonly o: EapClientOptions,
    now: number,
  ) {
    this.ids = new IdentifierAllocator(now, o.random);
    this.sessionIds = new SessionIdGenerator(o.local.originHost, now);
    this.applicationId = APPLICATION_IDS[o.application ?? 's6b'];
    this.router = new ClientRouter({
      local: o.local,
      peers: o.peers,
      ids: this.ids,
      random: o.random,
      requestTimeoutMs: o.requestTimeoutMs ?? 10_000,
      ...(o.twMs !== undefined ? { twMs: o.twMs } : {}),
    });
  }

  /** Sends a DER with one EAP Response; returns the token its `result` event will carry. */
  exchange(now: number, ctx: EapExchangeRequest): number {
    const token = this.nextToken++;
    let s = this.sessions.get(ctx.sessionKey);
    if (!s) {
      s = { sessionId: this.sessionIds.next(), sessionKey: ctx.sessionKey, userName: ctx.userName };
      this.sessions.set(ctx.sessionKey, s);
      this.bySessionId.set(s.sessionId, s);
    }
    this.waiting.set(token, { session: s, kind: 'der', keyless: ctx.keylessSuccess === true });
    const der = buildDer(this.o.local, this.ids.next(), {
      userName: ctx.userName,
      eap: ctx.eap,
      ...(ctx.apn !== undefined ? { apn: ctx.apn } : {}),
      sessionId: s.sessionId,
      applicationId: this.applicationId,
      destinationRealm: this.o.destinationRealm,
      ...((s.serverHost ?? this.o.destinationHost) ? { destinationHost: s.serverHost ?? this.o.destinationHost } : {}),
      ...(this.o.ratType !== undefined ? { ratType: this.o.ratType } : {}),
      ...(this.o.mip6FeatureVector !== undefined ? { mip6FeatureVector: this.o.mip6FeatureVector } : {}),
    });
    this.counters.der++;
    this.router.sendRequest(now, token, der, this.o.destinationRealm, s.serverHost ?? this.o.destinationHost);
    this.pump(now);
    return token;
  }

  /** The attach is over: STR (RFC 6733 §8.4.1) when the session is known; its STA is only counted. */
  endSession(now: number, sessionKey: string, cause: 'logout' | 'admin' | 'failure'): void {
    const s = this.sessions.get(sessionKey);
    if (!s) return;
    this.forget(s);
    this.sendStr(now, s, terminationCauseOf(cause));
  }

  handleTimeout(now: number): void {
    this.router.handleTimeout(now);
    this.pump(now);
  }

  /** Bytes from peer `peer`'s connection. */
  bytes(now: number, peer: number, chunk: Uint8Array): void {
    this.router.bytes(now, peer, chunk);
    this.pump(now);
  }

  pollEvent(): EapClientEvent | undefined {
    return this.events.shift();
  }

  private forget(s: Session): void {
    this.sessions.delete(s.sessionKey);
    this.bySessionId.delete(s.sessionId);
  }

  private sendStr(now: number, s: Session, cause: number): void {
    const token = this.nextToken++;
    this.waiting.set(token, { session: s, kind: 'str' });
    const str = buildStr(this.o.local, this.ids.next(), {
      sessionId: s.sessionId,
      applicationId: this.applicationId,
      destinationRealm: this.o.destinationRealm,
      ...(s.serverHost ? { destinationHost: s.serverHost } : {}),
      userName: s.userName,
      terminationCause: cause,
    });
    this.counters.str++;
    this.router.sendRequest(now, token, str, this.o.destinationRealm, s.serverHost);
  }

  /** Moves the router's events up, turning answers into outcomes and server requests into answers. */
  pump(now: number): void {
    for (let e = this.router.pollEvent(); e; e = this.router.pollEvent()) {
      switch (e.kind) {
        case 'answer':
          this.onAnswer(e.token, e.message);
          break;
        case 'request-failed': {
          const w = this.waiting.get(e.token);
          this.waiting.delete(e.token);
          if (e.reason === 'timeout') this.counters.timeouts++;
          if (w?.kind === 'der') {
            const detail = e.reason === 'timeout' ? 'no DEA in time' : 'no open Diameter peer';
            this.result(e.token, { kind: 'failure', reason: e.reason, detail });
          }
          break;
        }
        case 'request':
          this.onServerRequest(now, e.peer, e.message);
          break;
        case 'peer-open':
          this.events.push({ kind: 'peer-open', peer: e.peer, originHost: e.caps.originHost });
          break;
        case 'peer-down':
          this.events.push({ kind: 'peer-down', peer: e.peer, reason: e.reason });
          break;
        case 'failover':
          this.counters.failovers++;
          this.events.push({ kind: 'failover', from: e.from, to: e.to });
          break;
      }
    }
  }

  private onAnswer(token: number, m: DiameterMessage): void {
    const w = this.waiting.get(token);
    this.waiting.delete(token);
    if (!w || w.kind === 'str') return; // STA: nothing to do (§8.4.2)
    let outcome: EapOutcome;
    try {
      outcome = interpretDea(m, w.session.sessionId, w.keyless === true);
      const host = readUtf8Optional(m, 'Origin-Host');
      if (host) w.session.serverHost = host;
    } catch (e) {
      if (!isWireError(e)) throw e;
      this.counters.malformed++;
      outcome = { kind: 'failure', reason: 'bad-answer', detail: e.message };
    }
    const key = outcome.kind === 'failure' ? outcome.reason : outcome.kind;
    this.counters.dea[key] = (this.counters.dea[key] ?? 0) + 1;
    // A failed conversation ends the AAA session on the server by itself (RFC 4072 §2.5 + 3GPP): forget it.
    if (outcome.kind === 'failure') this.forget(w.session);
    this.result(token, outcome);
  }

  private onServerRequest(now: number, peer: number, m: DiameterMessage): void {
    const sid = findAvp(m.avps, AvpDefs['Session-Id'].code);
    const s = sid ? this.bySessionId.get(new TextDecoder().decode(sid.data)) : undefined;
    if (m.commandCode === CommandCode.ABORT_SESSION) {
      this.counters.asr++;
      // RFC 6733 §8.5.2 ASA; then the session ends with STR (§8.5: "the access device ... issues an STR").
      const rc = s ? ResultCode.DIAMETER_SUCCESS : ResultCode.DIAMETER_UNKNOWN_SESSION_ID;
      this.router.sendAnswer(peer, answer(m, this.o.local, rc));
      if (s) {
        this.forget(s);
        this.events.push({ kind: 'abort', sessionKey: s.sessionKey });
        this.sendStr(now, s, TerminationCause.ADMINISTRATIVE);
      }
    } else if (m.commandCode === CommandCode.RE_AUTH) {
      this.counters.rar++;
      // RFC 6733 §8.3.2 RAA. Re-authorisation itself is the HA's decision (event); see docs/spec-choices.md DIA-5.
      const rc = s ? ResultCode.DIAMETER_SUCCESS : ResultCode.DIAMETER_UNKNOWN_SESSION_ID;
      this.router.sendAnswer(peer, answer(m, this.o.local, rc));
      if (s) this.events.push({ kind: 'reauth', sessionKey: s.sessionKey });
    } else {
      // RFC 6733 §7.1.3: a command we do not serve.
      this.router.sendAnswer(peer, answer(m, this.o.local, ResultCode.DIAMETER_COMMAND_UNSUPPORTED));
      this.events.push({ kind: 'dropped', detail: `request ${m.commandCode} answered COMMAND_UNSUPPORTED` });
    }
  }

  private result(token: number, outcome: EapOutcome): void {
    this.events.push({ kind: 'result', token, outcome });
  }
}
