/**
 * The sans-I/O shell shared by both roles (STYLE.md cores): datagrams and time go in through `handleDatagram` and
 * `handleTimeout`; datagrams to send, the next deadline and events come out of the `poll*` methods. Holds the IKE SA
 * table keyed by our SPI, SPI allocation and the deadline heap; the role classes add what only they do.
 */
import type { RandomSource } from '../crypto/dh-types.ts';
import { copyBytes } from '../util/bytes.ts';
import { isWireError } from '../util/errors.ts';
import { ExchangeType, IKE_MAJOR_VERSION, NotifyType } from '../wire/ike/constants.ts';
import { decodeIkeHeader, type IkeHeader } from '../wire/ike/header.ts';
import { decodeIkeMessage } from '../wire/ike/message.ts';
import type { IkePayload } from '../wire/ike/payload.ts';
import type { IkeProposalConfig, TimingConfig } from './config.ts';
import { DeadlineHeap } from './deadline-heap.ts';
import { type IkeCounters, type IkeEvent, type IkePath, type IkeTransmit, newCounters } from './events.ts';
import type { IkeSa } from './ike-sa.ts';
import { notify } from './payloads.ts';
import { PollQueue, RateLimit } from './queue.ts';
import type { ChildPolicy, SaServices } from './sa-services.ts';
import { IkeSaTable } from './sa-table.ts';
import { rekeyChildTask, runSaTimers, saDeadline } from './sa-timers.ts';
import type { InboundMessage, PassiveTask } from './task.ts';
import { ChildCreateInitiator, type ChildRequest } from './tasks/child-create-initiator.ts';
import { IkeRekeyInitiator } from './tasks/ike-rekey.ts';
import { ChildDeleteInitiator, IkeDeleteInitiator, LivenessCheck } from './tasks/informational-initiator.ts';
import { SpiAllocator, unprotectedResponse } from './unprotected.ts';

export interface EndpointBaseConfig {
  readonly random: RandomSource;
  readonly timing: TimingConfig;
  readonly ikeProposals: readonly IkeProposalConfig[];
  readonly natTPorts: { readonly local: number; readonly remote: number };
  /** `message-payloads` events with the cleartext of each protected message (traces, ladders); default off. */
  readonly messageTrace?: boolean;
}

export abstract class IkeEndpoint implements SaServices {
  now = 0;
  readonly counters: IkeCounters = newCounters();
  readonly random: RandomSource;
  readonly timing: TimingConfig;
  readonly ikeProposals: readonly IkeProposalConfig[];
  readonly natTPorts: { readonly local: number; readonly remote: number };
  readonly messageTrace: boolean;
  abstract readonly childPolicy: ChildPolicy;
  private readonly transmits = new PollQueue<IkeTransmit>();
  private readonly events = new PollQueue<IkeEvent>();
  private readonly unprotectedLimit: RateLimit;
  protected readonly table = new IkeSaTable();
  private readonly spis: SpiAllocator;
  private readonly heap = new DeadlineHeap<IkeSa>();
  private nextSaId = 1;

  constructor(c: EndpointBaseConfig) {
    this.random = c.random;
    this.timing = c.timing;
    this.ikeProposals = c.ikeProposals;
    this.natTPorts = c.natTPorts;
    this.messageTrace = c.messageTrace ?? false;
    this.unprotectedLimit = new RateLimit(c.timing.errorNotifyIntervalMs);
    this.spis = new SpiAllocator(c.random, (spi) => this.table.hasSpi(spi));
  }

  // ---- inputs ----

  /** One received IKE message (UDP 500 payload, or UDP 4500 payload after the non-ESP marker was removed). */
  handleDatagram(now: number, bytes: Uint8Array, path: IkePath): void {
    this.now = now;
    this.counters.received++;
    const data = copyBytes(bytes); // decoded payloads are views: keep them valid whatever the node does with `bytes`
    let header: IkeHeader;
    try {
      header = decodeIkeHeader(data).header;
    } catch (e) {
      if (!isWireError(e)) throw e;
      this.counters.droppedMalformed++;
      return;
    }
    if (header.majorVersion !== IKE_MAJOR_VERSION) {
      this.onUnsupportedVersion(header, path);
      return;
    }
    let payloads: IkePayload[];
    try {
      payloads = decodeIkeMessage(data).payloads as IkePayload[];
    } catch (e) {
      if (!isWireError(e)) throw e;
      this.counters.droppedMalformed++;
      return;
    }
    // The I flag names the sender as original initiator, so our SPI is the other one (RFC 7296 §3.1).
    const ourSpi = header.initiator ? header.responderSpi : header.initiatorSpi;
    const sa = this.table.bySpiOf(ourSpi);
    if (!sa) {
      this.onUnknownSa(header, payloads, data, path);
      return;
    }
    sa.receive(header, payloads, data, path);
    this.reschedule(sa);
  }

  handleTimeout(now: number): void {
    this.now = now;
    for (const sa of this.heap.takeDue(now)) {
      runSaTimers(sa, now);
      this.reschedule(sa);
    }
  }

  // ---- outputs ----

  pollTransmit(): IkeTransmit | undefined {
    return this.transmits.poll();
  }

  pollEvent(): IkeEvent | undefined {
    return this.events.poll();
  }

  pollTimeout(): number | undefined {
    return this.heap.peek();
  }

  // ---- SaServices ----

  emit(e: IkeEvent): void {
    this.events.push(e);
  }

  send(bytes: Uint8Array, path: IkePath): void {
    this.counters.sent++;
    // On the NAT-T port every IKE message follows the 4-byte non-ESP marker (RFC 3948 §2.2, RFC 7296 §2.23).
    this.transmits.push({ ...path, bytes, nonEspMarker: path.localPort === this.natTPorts.local });
  }

  allocateChildSpi(): number {
    return this.spis.childSpi();
  }

  releaseChildSpi(spi: number): void {
    this.spis.releaseChildSpi(spi);
  }

  allocateIkeSpi(): Uint8Array {
    return this.spis.ikeSpi();
  }

  abstract passiveTasks(sa: IkeSa, msg: InboundMessage): PassiveTask[] | undefined;

  ikeSaReplaced(_old: IkeSa, next: IkeSa): void {
    this.register(next);
    this.reschedule(next);
  }

  ikeSaDestroyed(sa: IkeSa): void {
    this.table.remove(sa);
  }

  reschedule(sa: IkeSa): void {
    const d = saDeadline(sa);
    if (d === sa.scheduledAt) return;
    sa.scheduledAt = d;
    if (Number.isFinite(d)) this.heap.push(sa, d);
  }

  // ---- for the role classes ----

  protected newSaId(): number {
    return this.nextSaId++;
  }

  protected register(sa: IkeSa): void {
    this.table.add(sa);
  }

  /** The ids of the live sessions. */
  sessionIds(): number[] {
    return this.table.ids();
  }

  /** Live sessions (an IKE SA and its rekeyed successors count once). */
  get ikeSaCount(): number {
    return this.table.sessions;
  }

  /** The IKE SA we chose `spi` for (e.g. to match a key log or a capture). */
  ikeSaBySpi(spi: Uint8Array): IkeSa | undefined {
    return this.table.bySpiOf(spi);
  }

  /** The current IKE SA of a session. */
  ikeSa(ikeSaId: number): IkeSa | undefined {
    return this.table.current(ikeSaId);
  }

  /** Runs a command on an SA at `now` and files its new deadline. */
  protected withSa(now: number, ikeSaId: number, f: (sa: IkeSa) => void): boolean {
    this.now = now;
    const sa = this.table.current(ikeSaId);
    if (!sa || sa.dead) return false;
    f(sa);
    this.reschedule(sa);
    return true;
  }

  // ---- commands shared by both roles ----

  /** Deletes an IKE SA and its Child SAs with an INFORMATIONAL Delete (RFC 7296 §1.4.1). */
  deleteIkeSa(now: number, ikeSaId: number): boolean {
    return this.withSa(now, ikeSaId, (sa) => sa.tasks.queue(new IkeDeleteInitiator('deleted-locally')));
  }

  /** Deletes one Child SA by its inbound SPI. */
  deleteChildSa(now: number, ikeSaId: number, spiIn: number): boolean {
    return this.withSa(now, ikeSaId, (sa) => {
      if (sa.children.has(spiIn)) sa.tasks.queue(new ChildDeleteInitiator([spiIn], 'deleted-locally'));
    });
  }

  /** Rekeys the IKE SA now (RFC 7296 §1.3.2). */
  rekeyIkeSa(now: number, ikeSaId: number): boolean {
    return this.withSa(now, ikeSaId, (sa) => {
      if (sa.established) sa.tasks.queue(new IkeRekeyInitiator());
    });
  }

  /** Rekeys one Child SA now (RFC 7296 §1.3.3). */
  rekeyChildSa(now: number, ikeSaId: number, spiIn: number): boolean {
    return this.withSa(now, ikeSaId, (sa) => {
      const c = sa.children.get(spiIn);
      if (c && c.state === 'installed') sa.tasks.queue(rekeyChildTask(c));
    });
  }

  /** Sends an empty INFORMATIONAL to check the peer is alive (RFC 7296 §2.4), e.g. after a NAT rebinding. */
  checkLiveness(now: number, ikeSaId: number): boolean {
    return this.withSa(now, ikeSaId, (sa) => sa.tasks.queue(new LivenessCheck()));
  }

  /** Negotiates another Child SA with CREATE_CHILD_SA (RFC 7296 §1.3.1). */
  createChildSa(now: number, ikeSaId: number, request: ChildRequest): boolean {
    return this.withSa(now, ikeSaId, (sa) => {
      if (sa.established) sa.tasks.queue(new ChildCreateInitiator(ExchangeType.CREATE_CHILD_SA, request));
    });
  }

  /** Forgets an IKE SA without telling the peer (shutdown, or state the node cleans up itself). */
  removeIkeSa(now: number, ikeSaId: number): boolean {
    return this.withSa(now, ikeSaId, (sa) => sa.teardown('deleted', 'removed-locally'));
  }

  /**
   * A request for an SA we do not know: an unprotected response with INVALID_IKE_SPI, SPIs and Message ID copied
   * (RFC 7296 §2.21.4), rate-limited; responses are never answered.
   */
  protected answerUnknownSpi(header: IkeHeader, path: IkePath): void {
    this.counters.droppedUnknownSpi++;
    if (header.response || !this.rateLimitOk()) return;
    this.sendUnprotected(header, [notify(NotifyType.INVALID_IKE_SPI)], path);
  }

  /**
   * A request of another major version: INVALID_MAJOR_VERSION in a version-2 response (RFC 7296 §2.5,
   * §3.10.1), rate-limited.
   */
  protected onUnsupportedVersion(header: IkeHeader, path: IkePath): void {
    this.counters.droppedMalformed++;
    if (header.response || !this.rateLimitOk()) return;
    this.sendUnprotected(header, [notify(NotifyType.INVALID_MAJOR_VERSION)], path);
    this.emit({
      kind: 'error-notify',
      ikeSaId: undefined,
      notifyType: NotifyType.INVALID_MAJOR_VERSION,
      exchangeType: header.exchangeType,
      direction: 'sent',
      unauthenticated: true,
    });
  }

  /** Unprotected notifications to unknown peers are rate-limited (RFC 7296 §2.21.4). */
  protected rateLimitOk(): boolean {
    if (this.unprotectedLimit.allow(this.now)) return true;
    this.counters.droppedRateLimited++;
    return false;
  }

  /** An unprotected response to `request` (RFC 7296 §2.21.4), by default with its SPIs. */
  protected sendUnprotected(
    request: IkeHeader,
    payloads: readonly IkePayload[],
    path: IkePath,
    spiR?: Uint8Array,
  ): void {
    this.send(unprotectedResponse(request, payloads, spiR), path);
  }

  protected abstract onUnknownSa(
    header: IkeHeader,
    payloads: readonly IkePayload[],
    raw: Uint8Array,
    path: IkePath,
  ): void;
}
