/**
 * Composes tasks into exchanges for one IKE SA and owns what RFC 7296 §2.1–§2.3 put on each side: Message IDs,
 * a window of one outstanding request, retransmission of the identical request bytes with back-off, and the
 * cached response that answers a retransmitted request.
 */
import { isCryptoError } from '../crypto/errors.ts';
import { bytesEqual } from '../util/hex.ts';
import { ExchangeType } from '../wire/ike/constants.ts';
import type { IkeHeader } from '../wire/ike/header.ts';
import type { IkePayload } from '../wire/ike/payload.ts';
import { IkeLocalFailure, IkeProtocolError } from './errors.ts';
import type { IkePath } from './events.ts';
import type { IkeSa } from './ike-sa.ts';
import { notify } from './payloads.ts';
import { retransmitDelay } from './retransmit.ts';
import type { ActiveTask, InboundMessage, PassiveTask, PendingWork } from './task.ts';

interface ActiveExchange {
  readonly exchangeType: number;
  tasks: ActiveTask[];
  messageId: number;
  bytes: Uint8Array;
  attempt: number;
  deadline: number;
  /** Set after an unauthenticated error response: no more retransmissions, fail at `deadline`. */
  waiting: boolean;
}

/** Exchanges whose tasks share one message; a CREATE_CHILD_SA or INFORMATIONAL carries one task's work. */
const MERGEABLE: ReadonlySet<number> = new Set([ExchangeType.IKE_SA_INIT, ExchangeType.IKE_AUTH]);

/** `in-progress`: a retransmission of the request whose response is deferred (dropped, RFC 7296 §2.1). */
export type RequestWindow = 'new' | 'retransmission' | 'outside' | 'in-progress';

/** A request whose response waits for `tasks[index]` (see `PendingWork`). */
interface DeferredRequest {
  readonly msg: InboundMessage;
  readonly tasks: PassiveTask[];
  readonly index: number;
  readonly work: PendingWork;
}

export class TaskManager {
  private readonly pending: ActiveTask[] = [];
  private active: ActiveExchange | undefined;
  private nextRequestId = 0;
  private expectedRequestId = 0;
  private passive: { exchangeType: number; tasks: PassiveTask[] } | undefined;
  private lastRequest: Uint8Array | undefined;
  private lastResponse: Uint8Array | undefined;
  private deferred: DeferredRequest | undefined;

  constructor(private readonly sa: IkeSa) {}

  /** Queues `task` and starts it when no exchange is outstanding. */
  queue(task: ActiveTask): void {
    this.pending.push(task);
    this.initiate();
  }

  get busy(): boolean {
    return this.active !== undefined || this.pending.length > 0;
  }

  hasTask(predicate: (t: ActiveTask) => boolean): boolean {
    return this.pending.some(predicate) || (this.active?.tasks.some(predicate) ?? false);
  }

  /** Whether a task of this name is in flight (sent, not yet answered). */
  hasActive(name: string): boolean {
    return this.active?.tasks.some((t) => t.name === name) ?? false;
  }

  get deadline(): number {
    const d = this.deferred ? this.deferred.work.deadline : Number.POSITIVE_INFINITY;
    return this.active ? Math.min(this.active.deadline, d) : d;
  }

  /** The passive task a deferred request waits for, if any. */
  get deferredTask(): PassiveTask | undefined {
    return this.deferred ? this.deferred.tasks[this.deferred.index] : undefined;
  }

  /** The Message ID our next request will carry (used by one-shot notifications). */
  takeRequestId(): number {
    return this.nextRequestId++;
  }

  /** Starts the next queued exchange if the window allows (RFC 7296 §2.3, window size 1). */
  initiate(): void {
    if (this.active || this.pending.length === 0 || this.sa.dead) return;
    const exchangeType = this.pending[0]!.exchangeType;
    const tasks = [this.pending.shift()!];
    while (MERGEABLE.has(exchangeType) && this.pending[0]?.exchangeType === exchangeType)
      tasks.push(this.pending.shift()!);
    this.send(exchangeType, tasks, this.nextRequestId++);
  }

  private send(exchangeType: number, tasks: ActiveTask[], messageId: number): void {
    const sa = this.sa;
    const out: IkePayload[] = [];
    try {
      for (const t of tasks) t.build(sa, out);
    } catch (e) {
      this.active = undefined;
      this.fail(e, tasks);
      return;
    }
    const bytes = sa.encodeMessage(exchangeType, false, messageId, out);
    if (exchangeType === ExchangeType.IKE_SA_INIT) sa.initRequest = bytes;
    const delay = retransmitDelay(0, sa.services.timing) ?? 0;
    this.active = {
      exchangeType,
      tasks,
      messageId,
      bytes,
      attempt: 0,
      deadline: sa.services.now + delay,
      waiting: false,
    };
    sa.send(bytes, sa.path);
  }

  /** Whether a response belongs to our outstanding request (RFC 7296 §2.2). */
  expectsResponse(h: IkeHeader): boolean {
    const a = this.active;
    return a !== undefined && h.messageId === a.messageId && h.exchangeType === a.exchangeType;
  }

  handleResponse(msg: InboundMessage): void {
    const a = this.active;
    if (!a) return;
    let status: 'done' | 'again' | 'restart' | 'wait' = 'done';
    const remaining: ActiveTask[] = [];
    try {
      for (const t of a.tasks) {
        const s = t.process(this.sa, msg);
        if (this.sa.dead) return;
        if (s !== 'done') remaining.push(t);
        if (s !== 'done' && status !== 'restart' && status !== 'wait') status = s;
      }
    } catch (e) {
      this.active = undefined;
      this.fail(e, a.tasks);
      return;
    }
    if (status === 'wait') {
      if (!a.waiting) {
        a.waiting = true;
        a.deadline = this.sa.services.now + this.sa.services.timing.initErrorGraceMs;
      }
      return;
    }
    this.active = undefined;
    if (status === 'restart') this.send(a.exchangeType, remaining, a.messageId);
    else if (remaining.length > 0) this.send(a.exchangeType, remaining, this.nextRequestId++);
    else this.initiate();
  }

  /** Retransmits or gives up on the outstanding request; settles a deferred response whose deadline passed. */
  handleTimeout(now: number): void {
    const d = this.deferred;
    if (d && now >= d.work.deadline) {
      d.work.expire(this.sa);
      this.resume();
      if (this.sa.dead) return;
    }
    const a = this.active;
    if (!a || now < a.deadline) return;
    const sa = this.sa;
    if (a.waiting) {
      this.active = undefined;
      for (const t of a.tasks) t.abort?.(sa);
      sa.teardown('failed', sa.initError?.reason ?? 'no-valid-response', sa.initError?.notifyType);
      return;
    }
    a.attempt++;
    const delay = retransmitDelay(a.attempt, sa.services.timing);
    if (delay === undefined) {
      this.active = undefined;
      for (const t of a.tasks) t.abort?.(sa);
      sa.teardown(sa.established ? 'deleted' : 'failed', 'peer-unreachable');
      return;
    }
    a.deadline = now + delay;
    sa.services.counters.retransmitted++;
    sa.send(a.bytes, sa.path); // the same bytes (RFC 7296 §2.1)
  }

  /**
   * Classifies a request by its Message ID before any decryption: the next one, a retransmission of the last one
   * (answered from the cache when the bytes are identical, RFC 7296 §2.1), or outside the window (§2.3).
   */
  checkRequest(h: IkeHeader, raw: Uint8Array, path: IkePath): RequestWindow {
    if (this.deferred) {
      // Still working on it: the responder only retransmits responses it has sent (RFC 7296 §2.1); with a window
      // of one (§2.3) nothing else is due either.
      if (h.messageId !== this.deferred.msg.header.messageId) return 'outside';
      this.sa.services.counters.droppedInProgress++;
      return 'in-progress';
    }
    if (h.messageId === this.expectedRequestId) return 'new';
    if (
      h.messageId === this.expectedRequestId - 1 &&
      this.lastResponse &&
      this.lastRequest &&
      bytesEqual(raw, this.lastRequest)
    ) {
      this.sa.services.counters.duplicateRequests++;
      this.sa.send(this.lastResponse, path);
      return 'retransmission';
    }
    return 'outside';
  }

  /**
   * Answers a request: passive tasks process it, then build the response, which is cached. A task may defer the
   * response (`PendingWork`); `resume` then carries on where it stopped.
   */
  handleRequest(msg: InboundMessage): void {
    const sa = this.sa;
    const { exchangeType, messageId } = msg.header;
    if (!this.passive || this.passive.exchangeType !== exchangeType) {
      const tasks = sa.services.passiveTasks(sa, msg);
      if (!tasks) {
        sa.services.counters.droppedUnexpected++; // not answered: the Message ID stays free
        return;
      }
      this.passive = { exchangeType, tasks };
    }
    this.expectedRequestId = messageId + 1;
    this.lastRequest = msg.raw;
    this.run(msg, this.passive.tasks, 0, false);
  }

  /** Continues the deferred request, if any (its task has its answer, or its deadline passed). */
  resume(): void {
    const d = this.deferred;
    if (!d || this.sa.dead) return;
    this.deferred = undefined;
    this.run(d.msg, d.tasks, d.index, true);
  }

  private run(msg: InboundMessage, tasks: PassiveTask[], start: number, resuming: boolean): void {
    const sa = this.sa;
    const { exchangeType, messageId } = msg.header;
    let out: IkePayload[] = [];
    let errorResponse = false;
    try {
      for (let i = start; i < tasks.length; i++) {
        const t = tasks[i]!;
        if (resuming && i === start) t.resume?.(sa);
        else t.process(sa, msg);
        const work = t.pendingWork?.();
        if (work) {
          this.deferred = { msg, tasks, index: i, work };
          return;
        }
      }
      const keep: PassiveTask[] = [];
      for (const t of tasks) if (t.build(sa, out) === 'again') keep.push(t);
      this.passive = keep.length > 0 ? { exchangeType, tasks: keep } : undefined;
    } catch (e) {
      this.passive = undefined;
      if (!(e instanceof IkeProtocolError)) {
        this.fail(e, []);
        return;
      }
      out = [notify(e.notifyType, e.notifyData)];
      errorResponse = true;
      sa.reportSentError(e.notifyType, exchangeType);
      sa.markTeardown('failed', `sent-notify-${e.notifyType}`, e.notifyType);
    }
    const bytes = sa.encodeMessage(exchangeType, true, messageId, out, errorResponse);
    if (exchangeType === ExchangeType.IKE_SA_INIT && !errorResponse) sa.initResponse = bytes;
    this.lastResponse = bytes;
    sa.send(bytes, msg.path);
    sa.finishPendingTeardown();
  }

  /** Sends an error response to a request that failed before any task saw it (syntax, critical payload). */
  respondWithError(msg: InboundMessage, notifyType: number, data: Uint8Array): void {
    this.expectedRequestId = msg.header.messageId + 1;
    this.lastRequest = msg.raw;
    const bytes = this.sa.encodeMessage(
      msg.header.exchangeType,
      true,
      msg.header.messageId,
      [notify(notifyType, data)],
      true,
    );
    this.lastResponse = bytes;
    this.sa.send(bytes, msg.path);
  }

  /** Abandons everything queued or in flight (the IKE SA is going away). */
  abortAll(): void {
    const tasks = [...(this.active?.tasks ?? []), ...this.pending];
    this.active = undefined;
    this.pending.length = 0;
    this.passive = undefined;
    this.deferred = undefined;
    for (const t of tasks) t.abort?.(this.sa);
  }

  private fail(e: unknown, tasks: readonly ActiveTask[]): void {
    const sa = this.sa;
    for (const t of tasks) t.abort?.(sa);
    if (e instanceof IkeProtocolError) {
      // An error found in a response is reported in a separate INFORMATIONAL (RFC 7296 §2.21.2).
      sa.sendOneShotNotify(e.notifyType, e.notifyData);
      sa.teardown('failed', `sent-notify-${e.notifyType}`, e.notifyType);
    } else if (e instanceof IkeLocalFailure) {
      sa.teardown(sa.established ? 'deleted' : 'failed', e.reason, e.notifyType);
    } else if (isCryptoError(e)) {
      sa.teardown(sa.established ? 'deleted' : 'failed', `crypto-${e.code}`);
    } else {
      throw e;
    }
  }
}
