/**
 * The HA as EAP pass-through authenticator (RFC 3748 §2.3, TS 24.303 §5.1.3.1): each `eap-pending` of the IKE
 * responder goes to the `EapBackend` (RADIUS, Diameter, or the embedded AAA in-process), and its answer back with
 * `completeEap`. The IKE core owns the deadline (an answer after it, or after the IKE SA went, is discarded and
 * counted). When an IKE SA ends, its AAA sessions end too (`endSession`: Diameter STR); when the AAA ends a session
 * (`onAbort`: Diameter ASR) the UE is detached with an IKE Delete (RFC 7296 §1.4.1).
 */
import type { IkeEvent } from '../../ike/events.ts';
import type { IkeResponder } from '../../ike/responder.ts';
import type { AaaMetrics } from '../../obs/aaa-metrics.ts';
import type { Logger } from '../../obs/log.ts';
import type { EapBackend, EapRoundResult } from '../aaa/eap-backend.ts';

type Pending = Extract<IkeEvent, { kind: 'eap-pending' }>;

export interface HaAaaRelayDeps {
  readonly backend: EapBackend;
  readonly metrics: AaaMetrics;
  readonly log: Logger;
  /** Runs a command on the IKE responder at the current time and sends what it produced. */
  readonly run: (command: (engine: IkeResponder, now: number) => void) => void;
  /** Monotonic ms (latency). */
  readonly now: () => number;
  /** Prefix that keeps session keys unique across HA restarts (Diameter Session-Id, RFC 6733 §8.8). */
  readonly sessionPrefix: string;
  /** The APN (IDr) the UEs attach to, as Diameter Service-Selection; optional. */
  readonly apn?: string;
  /** Detaches the UE of an IKE SA the AAA ended (bindings revoked, IKE Delete); default the IKE Delete only. */
  readonly detach?: (ikeSaId: number) => void;
}

export class HaAaaRelay {
  /** IKE SA id → the session keys of its rounds. */
  private readonly sessions = new Map<number, Set<string>>();
  private readonly byKey = new Map<string, number>();
  /** `ikeSaId/token` forwarded and not answered yet (to count a core-side timeout once). */
  private readonly outstanding = new Set<string>();
  private closed = false;

  constructor(private readonly deps: HaAaaRelayDeps) {
    deps.backend.onAbort((key) => this.onAbort(key));
  }

  /** Feed every IKE event of the responder; returns true when it was the relay's. */
  handle(e: IkeEvent): boolean {
    if (e.kind === 'eap-pending') {
      this.forward(e);
      return true;
    }
    if (e.kind === 'auth-failed' && e.aaaReason === 'timeout' && this.outstanding.delete(`${e.ikeSaId}/timeout`)) {
      this.deps.metrics.countFailure('timeout');
    } else if (e.kind === 'ike-sa-deleted' || e.kind === 'ike-sa-failed') {
      const cause = e.kind === 'ike-sa-failed' ? 'failure' : /locally/.test(e.reason) ? 'admin' : 'logout';
      this.endSessions(e.ikeSaId, cause);
    }
    return false;
  }

  /** Ends every open AAA session (HA stopping) and stops applying answers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.sessions.keys()]) this.endSessions(id, 'admin');
    await this.deps.backend.close();
  }

  private forward(e: Pending): void {
    const { backend, metrics, log } = this.deps;
    const sessionKey = `${this.deps.sessionPrefix};${e.ikeSaId};${e.round + 1}`;
    const keys = this.sessions.get(e.ikeSaId) ?? new Set<string>();
    this.sessions.set(e.ikeSaId, keys);
    keys.add(sessionKey);
    this.byKey.set(sessionKey, e.ikeSaId);
    const round = e.round === 0 ? 1 : 2;
    metrics.countRequest(round);
    const tracked = `${e.ikeSaId}/${e.token}`;
    this.outstanding.add(tracked);
    this.outstanding.add(`${e.ikeSaId}/timeout`);
    const started = this.deps.now();
    backend
      .exchange({
        sessionKey,
        identity: e.identity,
        eap: e.eap,
        peerAddress: e.path.remoteAddr.toString(),
        peerPort: e.path.remotePort,
        round,
        deadlineMs: e.deadline,
        ...(this.deps.apn ? { apn: this.deps.apn } : {}),
      })
      .catch((err: unknown): EapRoundResult => ({ kind: 'failure', reason: 'bad-answer', detail: String(err) }))
      .then((result) => {
        metrics.countAnswer(result.kind, (this.deps.now() - started) / 1000);
        if (result.kind === 'failure') {
          metrics.countFailure(result.reason);
          log.warn({ ikeSaId: e.ikeSaId, round, reason: result.reason, detail: result.detail }, 'AAA round failed');
        }
        this.outstanding.delete(`${e.ikeSaId}/timeout`);
        if (!this.outstanding.delete(tracked) || this.closed) {
          metrics.countDiscarded();
          return;
        }
        this.deps.run((engine, now) => {
          if (!engine.completeEap(now, e.ikeSaId, e.token, result)) {
            metrics.countDiscarded();
            log.info({ ikeSaId: e.ikeSaId, round }, 'AAA answer discarded: nothing waits for it any more');
          }
        });
      });
  }

  private endSessions(ikeSaId: number, cause: 'logout' | 'admin' | 'failure'): void {
    const keys = this.sessions.get(ikeSaId);
    this.sessions.delete(ikeSaId);
    for (const k of [...this.outstanding]) if (k.startsWith(`${ikeSaId}/`)) this.outstanding.delete(k);
    if (!keys) return;
    for (const key of keys) {
      this.byKey.delete(key);
      this.deps.backend.endSession(key, cause);
    }
  }

  private onAbort(sessionKey: string): void {
    const ikeSaId = this.byKey.get(sessionKey);
    if (ikeSaId === undefined || this.closed) return;
    this.deps.log.info({ ikeSaId, sessionKey }, 'AAA ended the session: detaching the UE');
    if (this.deps.detach) this.deps.detach(ikeSaId);
    else this.deps.run((engine, now) => engine.deleteIkeSa(now, ikeSaId));
  }
}
