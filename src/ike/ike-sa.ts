/**
 * One IKE SA: SPIs, keys, addresses, Child SAs and the session they serve (identity, home prefix). Messages come
 * in through `inbound.ts` and go out through its task manager; which role-specific tasks run is the endpoint's
 * business (`SaServices`).
 */
import type { IkeSaKeys } from '../crypto/ike-prf.ts';
import type { Ipv6Address } from '../util/ip-address.ts';
import { ExchangeType } from '../wire/ike/constants.ts';
import type { IkeHeader } from '../wire/ike/header.ts';
import { encodeIkeMessage } from '../wire/ike/message.ts';
import type { IkePayload } from '../wire/ike/payload.ts';
import { type ChildSa, childEvent, type NewChild } from './child-sa.ts';
import type { HomePrefix } from './config-payload.ts';
import type { IkePath } from './events.ts';
import { receiveMessage } from './inbound.ts';
import { notify } from './payloads.ts';
import type { IkeSuite } from './proposal.ts';
import type { IkeProtection } from './protection.ts';
import type { SaServices } from './sa-services.ts';
import { TaskManager } from './task-manager.ts';

const ZERO_SPI = new Uint8Array(8);

/** Who the peer is and what it was given; moves to the successor on an IKE rekey (RFC 4877 §9). */
export interface IkeSession {
  peerId: string;
  eapIdentities: string[];
  homePrefix: HomePrefix | undefined;
  homeAddress: Ipv6Address | undefined;
  /** HA: the authenticated subscriber the prefix was allocated to. */
  subscriber: string | undefined;
}

export type IkeSaState = 'connecting' | 'authenticating' | 'established' | 'rekeyed' | 'dead';

export class IkeSa {
  readonly tasks: TaskManager;
  state: IkeSaState = 'connecting';
  suite: IkeSuite | undefined;
  keys: IkeSaKeys | undefined;
  protection: IkeProtection | undefined;
  ni: Uint8Array | undefined;
  nr: Uint8Array | undefined;
  /** The IKE_SA_INIT messages as sent/received; AUTH signs them (RFC 7296 §2.15). */
  initRequest: Uint8Array | undefined;
  initResponse: Uint8Array | undefined;
  natLocal = false;
  natRemote = false;
  peerMultipleAuth = false;
  peerSignatureHashes: readonly number[] = [];
  session: IkeSession = {
    peerId: '',
    eapIdentities: [],
    homePrefix: undefined,
    homeAddress: undefined,
    subscriber: undefined,
  };
  readonly children = new Map<number, ChildSa>();
  readonly createdAt: number;
  /** This SA's own half-open lifetime (a shorter one under a flood, src/ike/limits.ts); else the timing's. */
  halfOpenTimeoutMs: number | undefined = undefined;
  lastInboundAt: number;
  ikeRekeyAt = Number.POSITIVE_INFINITY;
  ikeExpireAt = Number.POSITIVE_INFINITY;
  /** The unauthenticated IKE_SA_INIT error we are waiting out (RFC 7296 §2.21.1). */
  initError: { reason: string; notifyType?: number } | undefined;
  dead = false;
  /** The deadline the endpoint last filed for this SA. */
  scheduledAt = Number.POSITIVE_INFINITY;
  private pendingTeardown: { kind: 'failed' | 'deleted'; reason: string; notifyType?: number } | undefined;

  constructor(
    /** Stable for the session: a rekeyed successor keeps it. */
    readonly id: number,
    readonly services: SaServices,
    /** Sets the I flag of every message we send (RFC 7296 §3.1); the rekey initiator for a rekeyed SA (§2.18). */
    readonly originalInitiator: boolean,
    public spiI: Uint8Array,
    public spiR: Uint8Array,
    public path: IkePath,
  ) {
    this.tasks = new TaskManager(this);
    this.createdAt = services.now;
    this.lastInboundAt = services.now;
  }

  get established(): boolean {
    return this.state === 'established';
  }

  /** The SPI we chose: the one the peer's messages carry for us. */
  get localSpi(): Uint8Array {
    return this.originalInitiator ? this.spiI : this.spiR;
  }

  get natDetected(): boolean {
    return this.natLocal || this.natRemote;
  }

  encodeMessage(
    exchangeType: number,
    response: boolean,
    messageId: number,
    payloads: readonly IkePayload[],
    error = false,
  ): Uint8Array {
    const header: IkeHeader = {
      initiatorSpi: this.spiI,
      // IKE_SA_INIT error responses carry a zero responder SPI: no state was kept (RFC 7296 §2.6, §2.21.1).
      responderSpi: error && exchangeType === ExchangeType.IKE_SA_INIT ? ZERO_SPI : this.spiR,
      majorVersion: 2,
      minorVersion: 0,
      exchangeType,
      response,
      higherVersion: false,
      initiator: this.originalInitiator,
      messageId,
    };
    if (exchangeType === ExchangeType.IKE_SA_INIT) return encodeIkeMessage({ header, payloads });
    if (!this.protection) throw new RangeError(`IKE SA ${this.id} has no keys for exchange ${exchangeType}`);
    const bytes = this.protection.seal(header, payloads);
    if (this.services.messageTrace) {
      this.services.emit({ kind: 'message-payloads', ikeSaId: this.id, direction: 'sent', header, payloads });
    }
    return bytes;
  }

  send(bytes: Uint8Array, path: IkePath): void {
    this.services.send(bytes, path);
  }

  /** Entry point for a datagram the endpoint matched to this SA (header decoded, outer payloads parsed). */
  receive(header: IkeHeader, outer: readonly IkePayload[], raw: Uint8Array, path: IkePath): void {
    receiveMessage(this, header, outer, raw, path);
  }

  /** Rate limit of INVALID_MESSAGE_ID notifications (RFC 7296 §3.10.1). */
  invalidIdNotifyAt = 0;

  reportSentError(notifyType: number, exchangeType: number): void {
    this.services.emit({
      kind: 'error-notify',
      ikeSaId: this.id,
      notifyType,
      exchangeType,
      direction: 'sent',
      unauthenticated: false,
    });
  }

  /** An INFORMATIONAL request sent once, without waiting for the answer (the SA is going away). */
  sendOneShot(payloads: readonly IkePayload[]): void {
    if (!this.protection) return;
    this.send(this.encodeMessage(ExchangeType.INFORMATIONAL, false, this.tasks.takeRequestId(), payloads), this.path);
  }

  /** An error notification in its own INFORMATIONAL request (RFC 7296 §2.21.2). */
  sendOneShotNotify(notifyType: number, data: Uint8Array): void {
    this.sendOneShot([notify(notifyType, data)]);
    this.reportSentError(notifyType, ExchangeType.INFORMATIONAL);
  }

  /** Marks the SA established and starts its lifetimes (RFC 7296 §2.8). */
  establish(): void {
    const now = this.services.now;
    const { ikeLifetime } = this.services.timing;
    this.state = 'established';
    this.initError = undefined;
    if (ikeLifetime.rekeyMs > 0) this.ikeRekeyAt = now + ikeLifetime.rekeyMs - this.jitter();
    if (ikeLifetime.hardMs > 0) this.ikeExpireAt = now + ikeLifetime.hardMs;
  }

  /** A random share of the rekey jitter, so both ends do not rekey at the same moment (RFC 7296 §2.8). */
  jitter(): number {
    const max = this.services.timing.rekeyJitterMs;
    if (max <= 0) return 0;
    const r = this.services.random(2);
    return Math.floor((((r[0]! << 8) | r[1]!) / 65536) * max);
  }

  /** Files a new Child SA and tells the node to install it. */
  installChild(c: NewChild): ChildSa {
    const now = this.services.now;
    const { childLifetime } = this.services.timing;
    const child: ChildSa = {
      spiIn: c.spiIn,
      spiOut: c.spiOut,
      mode: c.mode,
      suite: c.suite,
      tsLocal: c.tsLocal,
      tsRemote: c.tsRemote,
      homeAddress: c.homeAddress,
      rekeyAt: childLifetime.rekeyMs > 0 ? now + childLifetime.rekeyMs - this.jitter() : Number.POSITIVE_INFINITY,
      expireAt: childLifetime.hardMs > 0 ? now + childLifetime.hardMs : Number.POSITIVE_INFINITY,
      state: 'installed',
    };
    this.children.set(child.spiIn, child);
    this.services.emit(childEvent(this.id, c, this.natDetected));
    return child;
  }

  /** Removes a Child SA and tells the node to uninstall it. */
  removeChild(spiIn: number, reason: string): void {
    const c = this.children.get(spiIn);
    if (!c) return;
    this.children.delete(spiIn);
    this.services.releaseChildSpi(spiIn);
    this.services.emit({ kind: 'child-sa-deleted', ikeSaId: this.id, spiIn, spiOut: c.spiOut, reason });
  }

  findChildByOutboundSpi(spiOut: number): ChildSa | undefined {
    for (const c of this.children.values()) if (c.spiOut === spiOut) return c;
    return undefined;
  }

  /** Ends the SA after the current response has gone out. */
  markTeardown(kind: 'failed' | 'deleted', reason: string, notifyType?: number): void {
    this.pendingTeardown ??= { kind, reason, notifyType };
  }

  finishPendingTeardown(): void {
    const p = this.pendingTeardown;
    if (p) this.teardown(p.kind, p.reason, p.notifyType);
  }

  /**
   * Destroys the SA: its Child SAs are uninstalled and the node hears `ike-sa-failed` (never came up) or
   * `ike-sa-deleted`. An SA replaced by a rekey, and a refused IKE_SA_INIT, leave silently.
   */
  teardown(kind: 'failed' | 'deleted', reason: string, notifyType?: number): void {
    if (this.dead) return;
    // A replaced SA's session lives on; a refused IKE_SA_INIT never became an SA for the peer (RFC 7296 §2.6).
    const silent = this.state === 'rekeyed' || (this.state === 'connecting' && !this.originalInitiator);
    this.dead = true;
    this.state = 'dead';
    this.tasks.abortAll();
    for (const spi of [...this.children.keys()]) this.removeChild(spi, reason);
    if (!silent) {
      if (kind === 'failed') this.services.emit({ kind: 'ike-sa-failed', ikeSaId: this.id, reason, notifyType });
      else this.services.emit({ kind: 'ike-sa-deleted', ikeSaId: this.id, reason });
    }
    this.services.ikeSaDestroyed(this);
  }
}
