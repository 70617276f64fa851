/**
 * Tasks (strongSwan's `sa/ikev2/tasks` shape): each piece of an exchange builds and processes its own payloads.
 * An active task runs on the side that sends the request, a passive task on the side that answers. The task
 * manager (`task-manager.ts`) composes the tasks of one exchange into a message and owns message IDs and
 * retransmission. Fatal problems are thrown (`IkeProtocolError` to tell the peer, `IkeLocalFailure` otherwise);
 * non-fatal ones (a refused Child SA) are handled inside the task, which emits its own event.
 */
import type { IkeHeader } from '../wire/ike/header.ts';
import type { IkePayload } from '../wire/ike/payload.ts';
import type { IkePath } from './events.ts';
import type { IkeSa } from './ike-sa.ts';

export interface InboundMessage {
  readonly header: IkeHeader;
  /** The payloads that matter: the outer ones in IKE_SA_INIT, the decrypted ones after it. */
  readonly payloads: readonly IkePayload[];
  /** The message as received (IKE header on, no non-ESP marker): AUTH covers it (RFC 7296 §2.15). */
  readonly raw: Uint8Array;
  readonly path: IkePath;
}

/**
 * `done`: the task has finished. `again`: it needs another request/response pair of the same exchange (EAP
 * rounds, RFC 7296 §2.16). `restart`: resend the exchange with the same Message ID (IKE_SA_INIT after COOKIE or
 * INVALID_KE_PAYLOAD, RFC 7296 §2.6, §1.2). `wait`: the response was an unauthenticated error; keep listening for
 * a genuine one without retransmitting, then fail (RFC 7296 §2.21.1).
 */
export type TaskStatus = 'done' | 'again' | 'restart' | 'wait';

export interface ActiveTask {
  readonly exchangeType: number;
  readonly name: string;
  /** Adds this task's payloads to the request. */
  build(sa: IkeSa, out: IkePayload[]): void;
  /** Reads this task's part of the response. */
  process(sa: IkeSa, msg: InboundMessage): TaskStatus;
  /** The exchange was abandoned (peer unreachable, IKE SA gone): release what the task holds. */
  abort?(sa: IkeSa): void;
}

/**
 * A passive task that cannot answer yet (an EAP Response forwarded to an external AAA server): the request stays
 * open until the task is resumed or `deadline` passes. Meanwhile retransmissions of the request are dropped (RFC 7296
 * §2.1: the responder only retransmits a response it has sent) and the SA's other timers keep running.
 */
export interface PendingWork {
  readonly deadline: number;
  /** The deadline passed: the task settles by itself (e.g. fails the round); the response is built next. */
  expire(sa: IkeSa): void;
}

export interface PassiveTask {
  readonly name: string;
  /** Reads this task's part of a request. */
  process(sa: IkeSa, msg: InboundMessage): void;
  /** Asked after `process` and `resume`: work that defers the response (see `TaskManager.resume`), if any. */
  pendingWork?(): PendingWork | undefined;
  /** Continues a deferred request once its answer is in (or after `expire`). */
  resume?(sa: IkeSa): void;
  /** Adds this task's payloads to the response; `again` keeps the task for the next request of the exchange. */
  build(sa: IkeSa, out: IkePayload[]): 'done' | 'again';
}
