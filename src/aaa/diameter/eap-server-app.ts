/**
 * A 3GPP AAA server's Diameter EAP application for S6b and SWm, sans-I/O (TS 29.273 §9.2.2.1, §7.2.2.1; RFC 4072
 * §2): accepts connections as the responder of the capabilities exchange, runs one EAP authenticator per
 * Session-Id, answers DIAMETER_MULTI_ROUND_AUTH while the method goes on and DIAMETER_SUCCESS with
 * EAP-Master-Session-Key at its end, STR with STA, and sends ASR when asked to end a session (admin call).
 */
import { isWireError } from '../../util/errors.ts';
import {
  ApplicationId,
  AvpDefs,
  avpDefinition,
  CommandCode,
  type DiameterMessage,
  findAvp,
  groupedAvp,
  isMandatory,
  isRequest,
  ResultCode,
  VENDOR_3GPP,
} from '../../wire/diameter/index.ts';
import { answer, type LocalIdentity, MissingAvpError, readUtf8Optional, readUtf8Required } from './base-messages.ts';
import {
  deaForStep,
  type EapAuthenticator,
  type EapAuthenticatorFactory,
  type EapAuthenticatorStep,
  identityOf,
} from './eap-authenticator.ts';
import { IdentifierAllocator, type RandomU32 } from './identifiers.ts';
import { PeerConnection } from './peer-connection.ts';
import { buildAsr, buildDea } from './s6b.ts';

export type { EapAuthenticator, EapAuthenticatorFactory, EapAuthenticatorStep } from './eap-authenticator.ts';

/** How long an answer is kept for a duplicate request (RFC 6733 §6.1.5 leaves it to the implementation). */
const DUPLICATE_WINDOW_MS = 60_000;
const MAX_REMEMBERED = 10_000;

export const SERVED_APPLICATIONS = [ApplicationId.S6B, ApplicationId.SWM, ApplicationId.DIAMETER_EAP] as const;

export type ServerEvent =
  | { readonly kind: 'peer-open'; readonly conn: number; readonly originHost: string }
  | { readonly kind: 'peer-closed'; readonly conn: number; readonly reason: string }
  | { readonly kind: 'authenticated'; readonly sessionId: string; readonly identity: string }
  | { readonly kind: 'auth-failed'; readonly sessionId: string; readonly reason: string }
  | { readonly kind: 'terminated'; readonly sessionId: string }
  | { readonly kind: 'abort-answered'; readonly sessionId: string; readonly resultCode: number };

interface Session {
  readonly sessionId: string;
  readonly conn: number;
  readonly clientHost: string;
  readonly clientRealm: string;
  readonly userName: string;
  readonly applicationId: number;
  readonly auth: EapAuthenticator;
  authenticated: boolean;
  lastMs: number;
}

export interface EapServerAppOptions {
  readonly local: LocalIdentity;
  readonly authenticators: EapAuthenticatorFactory;
  readonly random: RandomU32;
  readonly twMs?: number;
  /** A conversation with no DER for this long is dropped (default 60 s). */
  readonly idleSessionMs?: number;
}

export class EapServerApp {
  private readonly conns = new Map<number, PeerConnection>();
  private readonly sessions = new Map<string, Session>();
  private readonly out: { conn: number; bytes: Uint8Array }[] = [];
  private readonly closes: number[] = [];
  private readonly events: ServerEvent[] = [];
  private readonly ids: IdentifierAllocator;
  private nextConn = 1;
  readonly counters = { der: 0, dea: {} as Record<string, number>, str: 0, asr: 0, malformed: 0, duplicates: 0 };
  private readonly answered = new Map<string, { atMs: number; answer: DiameterMessage }>();

  constructor(
    private readonly o: EapServerAppOptions,
    now: number,
  ) {
    this.ids = new IdentifierAllocator(now, o.random);
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  accept(now: number): number {
    const id = this.nextConn++;
    const pc = new PeerConnection(
      { role: 'responder', local: this.o.local, ids: this.ids, random: this.o.random, twMs: this.o.twMs },
      now,
    );
    this.conns.set(id, pc);
    return id;
  }

  bytes(now: number, conn: number, chunk: Uint8Array): void {
    this.conns.get(conn)?.handleBytes(now, chunk);
    this.drain(now, conn);
  }

  transportClosed(now: number, conn: number): void {
    this.conns.get(conn)?.transportClosed('transport closed');
    this.drain(now, conn);
  }

  handleTimeout(now: number): void {
    for (const id of [...this.conns.keys()]) {
      this.conns.get(id)?.handleTimeout(now);
      this.drain(now, id);
    }
    const idle = this.o.idleSessionMs ?? 60_000;
    for (const [sid, s] of this.sessions) if (!s.authenticated && now - s.lastMs >= idle) this.sessions.delete(sid);
  }

  pollTimeout(): number | undefined {
    let t: number | undefined;
    for (const c of this.conns.values()) {
      const d = c.pollTimeout();
      if (d !== undefined) t = t === undefined ? d : Math.min(t, d);
    }
    return t;
  }

  pollTransmit(): { conn: number; bytes: Uint8Array } | undefined {
    return this.out.shift();
  }

  pollClose(): number | undefined {
    return this.closes.shift();
  }

  pollEvent(): ServerEvent | undefined {
    return this.events.shift();
  }

  /** Sessions by user, for the admin call (the newest last). */
  sessionsOf(userName: string): string[] {
    return [...this.sessions.values()].filter((s) => s.userName === userName).map((s) => s.sessionId);
  }

  /** Sends ASR for a session (RFC 6733 §8.5.1) to the client that holds it; false when there is no such session. */
  abortSession(now: number, sessionId: string): boolean {
    const s = this.sessions.get(sessionId);
    const c = s ? this.conns.get(s.conn) : undefined;
    if (!s || c?.state !== 'open') return false;
    this.counters.asr++;
    c.send(
      buildAsr(this.o.local, this.ids.next(), {
        sessionId,
        applicationId: s.applicationId,
        destinationRealm: s.clientRealm,
        destinationHost: s.clientHost,
        userName: s.userName,
      }),
    );
    this.drain(now, s.conn);
    return true;
  }

  /** DPR on every connection (RFC 6733 §5.4). */
  disconnectAll(now: number): void {
    for (const [id, c] of this.conns) {
      c.disconnect(now);
      this.drain(now, id);
    }
  }

  private drain(now: number, conn: number): void {
    const c = this.conns.get(conn);
    if (!c) return;
    for (let e = c.pollEvent(); e; e = c.pollEvent()) {
      if (e.kind === 'open') this.events.push({ kind: 'peer-open', conn, originHost: e.peer.originHost });
      else if (e.kind === 'message') this.onMessage(now, conn, c, e.message);
      else if (e.kind === 'closed') {
        this.events.push({ kind: 'peer-closed', conn, reason: `${e.reason}: ${e.detail}` });
        this.closes.push(conn);
      }
    }
    for (let b = c.pollTransmit(); b; b = c.pollTransmit()) this.out.push({ conn, bytes: b });
    if (c.state === 'closed') this.conns.delete(conn);
  }

  private onMessage(now: number, conn: number, c: PeerConnection, m: DiameterMessage): void {
    if (!isRequest(m)) {
      if (m.commandCode === CommandCode.ABORT_SESSION) {
        const sid = readUtf8Optional(m, 'Session-Id') ?? '';
        const rc = findAvp(m.avps, AvpDefs['Result-Code'].code);
        const resultCode =
          rc && rc.data.length === 4 ? new DataView(rc.data.buffer, rc.data.byteOffset).getUint32(0) : 0;
        this.events.push({ kind: 'abort-answered', sessionId: sid, resultCode });
      }
      return;
    }
    // RFC 6733 §6.1.5 / §5.5.4: a request seen before (same Origin-Host and End-to-End, e.g. re-sent with T
    // through another relay after a failover) gets the answer it got then, not a second run of the EAP method.
    const key = `${readUtf8Optional(m, 'Origin-Host') ?? ''} ${m.endToEnd} ${m.commandCode}`;
    const seen = this.answered.get(key);
    if (seen && now - seen.atMs < DUPLICATE_WINDOW_MS) {
      this.counters.duplicates++;
      if (c.state === 'open') c.send({ ...seen.answer, hopByHop: m.hopByHop });
      return;
    }
    let reply: DiameterMessage;
    try {
      reply = this.onRequest(now, conn, m);
    } catch (e) {
      if (e instanceof MissingAvpError) reply = answer(m, this.o.local, ResultCode.DIAMETER_MISSING_AVP);
      else if (isWireError(e)) {
        this.counters.malformed++;
        reply = answer(m, this.o.local, ResultCode.DIAMETER_INVALID_AVP_VALUE);
      } else throw e;
    }
    this.remember(now, key, reply);
    if (c.state === 'open') c.send(reply);
  }

  private remember(now: number, key: string, answer: DiameterMessage): void {
    this.answered.delete(key);
    this.answered.set(key, { atMs: now, answer });
    // Oldest first (Map keeps insertion order): drop what is out of the window, and bound the size.
    for (const [k, v] of this.answered) {
      if (this.answered.size <= MAX_REMEMBERED && now - v.atMs < DUPLICATE_WINDOW_MS) break;
      this.answered.delete(k);
    }
  }

  private onRequest(now: number, conn: number, m: DiameterMessage): DiameterMessage {
    // RFC 6733 §4.1: an AVP with M set that we do not know → DIAMETER_AVP_UNSUPPORTED with the AVP in Failed-AVP.
    const unsupported = m.avps.find((a) => isMandatory(a) && !avpDefinition(a.code, a.vendorId ?? 0));
    if (unsupported) {
      return answer(m, this.o.local, ResultCode.DIAMETER_AVP_UNSUPPORTED, [
        groupedAvp(AvpDefs['Failed-AVP'], [unsupported]),
      ]);
    }
    const served = (SERVED_APPLICATIONS as readonly number[]).includes(m.applicationId);
    if (m.commandCode === CommandCode.SESSION_TERMINATION) {
      this.counters.str++;
      const sid = readUtf8Required(m, 'Session-Id');
      const known = this.sessions.delete(sid);
      if (known) this.events.push({ kind: 'terminated', sessionId: sid });
      return answer(m, this.o.local, known ? ResultCode.DIAMETER_SUCCESS : ResultCode.DIAMETER_UNKNOWN_SESSION_ID);
    }
    if (m.commandCode !== CommandCode.DIAMETER_EAP) {
      return answer(m, this.o.local, ResultCode.DIAMETER_COMMAND_UNSUPPORTED);
    }
    // RFC 6733 §7.1.3: a DER for an application we do not serve.
    if (!served) return answer(m, this.o.local, ResultCode.DIAMETER_APPLICATION_UNSUPPORTED);
    return this.onDer(now, conn, m);
  }

  private onDer(now: number, conn: number, der: DiameterMessage): DiameterMessage {
    this.counters.der++;
    const sessionId = readUtf8Required(der, 'Session-Id');
    const clientHost = readUtf8Required(der, 'Origin-Host');
    const clientRealm = readUtf8Required(der, 'Origin-Realm');
    const payload = findAvp(der.avps, AvpDefs['EAP-Payload'].code);
    if (!payload) throw new MissingAvpError('EAP-Payload');
    const eap = payload.data;
    let s = this.sessions.get(sessionId);
    let step: EapAuthenticatorStep;
    if (!s) {
      // The first DER names the user (User-Name; else the EAP-Response/Identity, RFC 3748 §5.1).
      const userName = readUtf8Optional(der, 'User-Name') ?? identityOf(eap);
      const auth = this.o.authenticators({ identity: userName });
      s = {
        sessionId,
        conn,
        clientHost,
        clientRealm,
        userName,
        applicationId: der.applicationId,
        auth,
        authenticated: false,
        lastMs: now,
      };
      this.sessions.set(sessionId, s);
      step = auth.start();
    } else {
      if (s.authenticated) return this.dea(der, { resultCode: ResultCode.DIAMETER_UNABLE_TO_COMPLY });
      s.lastMs = now;
      step = s.auth.handle(eap);
    }
    const d = deaForStep(step, eap, s.userName);
    if (d.outcome === 'success') {
      s.authenticated = true;
      this.events.push({ kind: 'authenticated', sessionId, identity: d.identity ?? s.userName });
    } else if (d.outcome !== 'continue') {
      this.sessions.delete(sessionId);
      this.events.push({ kind: 'auth-failed', sessionId, reason: d.outcome });
    }
    return this.dea(der, d.result, d.extra);
  }

  private dea(der: DiameterMessage, result: Parameters<typeof buildDea>[2], extra?: Parameters<typeof buildDea>[3]) {
    const key = 'resultCode' in result ? String(result.resultCode) : `${VENDOR_3GPP}:${result.experimentalResultCode}`;
    this.counters.dea[key] = (this.counters.dea[key] ?? 0) + 1;
    return buildDea(der, this.o.local, result, extra);
  }
}
