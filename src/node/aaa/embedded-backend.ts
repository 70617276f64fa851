/**
 * The embedded AAA as an `EapBackend` (in-process): the same EAP servers the HA runs synchronously (EAP-AKA over the
 * subscriber store, EAP-MD5/GTC for an RFC 4739 second round), behind the asynchronous boundary of the external
 * backends. The standalone `dsmip aaa` hosts it behind its RADIUS and Diameter listeners; tests use it to run the
 * HA's external path end to end. The HA itself keeps the synchronous path for `mode: embedded` (no promise and
 * no event round trip per EAP message on the attach hot path; spec-choices AAA-2).
 */
import type { EapServer, EapServerFactory } from '../../ike/eap.ts';
import { eapSuccessFor } from '../../ike/eap.ts';
import { EapCode, EapType } from '../../wire/eap/constants.ts';
import type { EapBackend, EapRoundRequest, EapRoundResult } from './eap-backend.ts';

/** Conversations idle this long are forgotten (a UE that vanished mid-round; RFC 3579 §2.6.1 State lifetime). */
const IDLE_SESSION_MS = 120_000;

export interface EmbeddedBackendOptions {
  readonly servers: EapServerFactory;
  /** Monotonic ms, for the idle clean-up. */
  readonly now: () => number;
}

export class EmbeddedEapBackend implements EapBackend {
  private readonly sessions = new Map<string, { server: EapServer; lastUsed: number }>();
  private readonly abortListeners: ((sessionKey: string) => void)[] = [];
  /** Open conversations (for status pages and tests). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  constructor(private readonly options: EmbeddedBackendOptions) {}

  exchange(request: EapRoundRequest): Promise<EapRoundResult> {
    return Promise.resolve(this.step(request));
  }

  /** The synchronous core of `exchange` (the AAA server's listeners call it directly). */
  step(request: EapRoundRequest): EapRoundResult {
    const now = this.options.now();
    this.expire(now);
    const eap = request.eap;
    if (eap.length < 5 || eap[0] !== EapCode.RESPONSE) {
      return { kind: 'failure', reason: 'bad-answer', detail: 'not an EAP Response' };
    }
    let session = this.sessions.get(request.sessionKey);
    if (eap[4] === EapType.IDENTITY) {
      // EAP-Response/Identity opens (or restarts) the conversation (RFC 3579 §2.1, RFC 4072 §2).
      const server = this.options.servers({ ikeIdentity: request.identity, round: request.round - 1 });
      session = { server, lastUsed: now };
      this.sessions.set(request.sessionKey, session);
      return { kind: 'continue', eap: server.start() };
    }
    if (!session) return { kind: 'failure', reason: 'bad-answer', detail: 'no conversation for this session' };
    session.lastUsed = now;
    const step = session.server.handle(eap);
    const r = step.result;
    if (r?.ok) {
      this.sessions.delete(request.sessionKey);
      const success = { kind: 'success', eap: r.eapSuccess ?? eapSuccessFor(eap), identity: r.identity } as const;
      return r.msk ? { ...success, msk: r.msk } : success;
    }
    if (r) {
      this.sessions.delete(request.sessionKey);
      return { kind: 'failure', reason: 'rejected', detail: 'EAP method failed', eap: r.eapFailure };
    }
    if (step.request) return { kind: 'continue', eap: step.request };
    return { kind: 'failure', reason: 'bad-answer', detail: 'EAP Response discarded by the method' };
  }

  endSession(sessionKey: string): void {
    this.sessions.delete(sessionKey);
  }

  onAbort(listener: (sessionKey: string) => void): void {
    this.abortListeners.push(listener);
  }

  /** Ends a session from the AAA side (an operator's disconnect): the HA detaches the UE. */
  abort(sessionKey: string): void {
    this.sessions.delete(sessionKey);
    for (const l of this.abortListeners) l(sessionKey);
  }

  close(): Promise<void> {
    this.sessions.clear();
    return Promise.resolve();
  }

  private expire(now: number): void {
    for (const [key, s] of this.sessions) if (now - s.lastUsed > IDLE_SESSION_MS) this.sessions.delete(key);
  }
}
