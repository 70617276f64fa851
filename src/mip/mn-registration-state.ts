/**
 * The UE core's registration state: which HA and CoA, the BU in flight (one "attempt" with its
 * retransmissions), the IPv4 HoA wishes, and how an accepted BA updates the Binding Update List
 * (RFC 6275 §11.7.3; RFC 5555 §4.4.2; TS 24.303 §5.1.2.4).
 */
import { Ipv4Address } from '../util/ip-address.ts';
import { BaStatus } from '../wire/mh/constants.ts';
import type { BindingUpdateList, CareOfAddress } from './binding-update-list.ts';
import type { CareOfChoice } from './build-binding-update.ts';
import type { BaDecision, BaIgnoreReason, OutstandingBindingUpdate } from './decide-binding-ack.ts';
import type { MobileNodeEvent } from './events.ts';
import { decideIpv4HoaRetry, type Ipv4HoaRefusal } from './ipv4-hoa-retry.ts';
import type { AccessInfo, MobileNodeConfig } from './mn-config.ts';
import { uplinkRouteOf } from './mn-data-plane.ts';
import type { HomeAgentAddress } from './policy.ts';

export type MnPhase = 'idle' | 'at-home' | 'registering' | 'registered' | 'deregistering' | 'detached' | 'failed';

/** One BU and its retransmissions; each transmission takes a new sequence number in [first, last]. */
export interface MnAttempt {
  readonly purpose: 'register' | 'deregister';
  readonly careOf: CareOfChoice;
  readonly ipv4Request: Ipv4Address | undefined;
  forceUdp: boolean;
  firstSequence: number;
  lastSequence: number;
  firstSentAtMs: number;
  attempts: number;
  timeoutMs: number;
  retransmitAtMs: number;
  /** The rate limit delayed the next transmission to `retransmitAtMs`. */
  sendPending: boolean;
}

type Accepted = Extract<BaDecision, { kind: 'accepted' }>;

export function careOfAddressOf(c: CareOfChoice, homeAddress: CareOfAddress): CareOfAddress {
  return c.kind === 'home' ? homeAddress : c.address;
}

export class MnRegistrationState {
  phase: MnPhase = 'idle';
  access: AccessInfo | undefined;
  /** Sticky after the RFC 5555 §4.4.1 fallback, until a new administrative domain. */
  preferIpv4 = false;
  homeAgentIndex = 0;
  /** HAs that answered 129–133 (or another refusal): no BU to them again. */
  readonly refused = new Set<number>();
  sequence: number;
  attempt: MnAttempt | undefined;
  refreshAtMs: number | undefined;
  readonly recentSends: number[] = [];
  readonly ignored: Record<BaIgnoreReason, number> = {
    'not-protected-by-esp': 0,
    'not-from-home-agent': 0,
    'no-outstanding-bu': 0,
    'sequence-mismatch': 0,
  };
  private ipv4Wanted: boolean;
  private ipv4Assigned: Ipv4Address | undefined;
  private ipv4StaticAbandoned = false;
  private ipv4RetriesLeft: number;
  /** The last 129/132 of this registration (ipv4-hoa-retry.ts decides whether a later BU asks again). */
  private ipv4Refusal: Ipv4HoaRefusal | undefined;

  constructor(private readonly config: MobileNodeConfig) {
    this.sequence = config.initialSequence & 0xffff;
    this.ipv4Wanted = config.wantIpv4HomeAddress;
    this.ipv4RetriesLeft = config.policy.ipv4RetriesPerRegistration;
  }

  get homeAgent(): HomeAgentAddress {
    return this.config.homeAgents[this.homeAgentIndex]!;
  }

  /** RFC 5555 §4.4.1: the IPv6 CoA first, the IPv4 one when there is no IPv6 one or after a fallback. */
  chooseCareOf(): CareOfChoice | undefined {
    const a = this.access;
    if (a === undefined) return undefined;
    const ipv4 = a.ipv4CareOf !== undefined && this.homeAgent.ipv4 !== undefined ? a.ipv4CareOf : undefined;
    if (a.ipv6CareOf !== undefined && !(this.preferIpv4 && ipv4 !== undefined))
      return { kind: 'ipv6', address: a.ipv6CareOf };
    if (ipv4 !== undefined) return { kind: 'ipv4', address: ipv4 };
    return undefined;
  }

  nextHomeAgentIndex(): number | undefined {
    for (let i = this.homeAgentIndex + 1; i < this.config.homeAgents.length; i++) if (!this.refused.has(i)) return i;
    return undefined;
  }

  switchHomeAgent(index: number): void {
    this.homeAgentIndex = index;
    this.attempt = undefined;
    this.refreshAtMs = undefined;
    this.phase = 'registering';
    this.resetIpv4();
  }

  resetIpv4(): void {
    this.ipv4Wanted = this.config.wantIpv4HomeAddress;
    this.ipv4Assigned = undefined;
    this.ipv4StaticAbandoned = false;
    this.ipv4RetriesLeft = this.config.policy.ipv4RetriesPerRegistration;
    this.ipv4Refusal = undefined;
  }

  newAttempt(now: number, purpose: MnAttempt['purpose'], careOf: CareOfChoice, bul: BindingUpdateList): MnAttempt {
    // Annex A.5.1: the detach BU repeats the registered IPv4 HoA; registrations ask per RFC 5555 §4.4.2.
    const ipv4Request = purpose === 'deregister' ? bul.ipv4?.homeAddress : this.ipv4Request(now);
    const a: MnAttempt = {
      purpose,
      careOf,
      ipv4Request,
      forceUdp: this.config.policy.forceUdp,
      firstSequence: 0,
      lastSequence: 0,
      firstSentAtMs: 0,
      attempts: 0,
      timeoutMs: 0,
      retransmitAtMs: 0,
      sendPending: false,
    };
    this.attempt = a;
    this.refreshAtMs = undefined;
    if (purpose === 'deregister') this.phase = 'deregistering';
    else if (this.phase !== 'registered') this.phase = 'registering';
    return a;
  }

  /** The IPv4 HoA option to send: the address held, a configured static one, or 0.0.0.0 (TS 24.303 §5.1.2.4). */
  private ipv4Request(now: number): Ipv4Address | undefined {
    if (!this.ipv4Wanted) return undefined;
    if (decideIpv4HoaRetry(this.ipv4Refusal, now, this.config.policy.ipv4NoAddressRetry).kind === 'wait') {
      return undefined;
    }
    if (this.ipv4Assigned !== undefined) return this.ipv4Assigned;
    const fixed = this.config.staticIpv4HomeAddress;
    return fixed !== undefined && !this.ipv4StaticAbandoned ? fixed : Ipv4Address.ANY;
  }

  outstanding(a: MnAttempt): OutstandingBindingUpdate {
    return {
      homeAgent: this.homeAgent.ipv6,
      firstSequence: a.firstSequence,
      lastSequence: a.lastSequence,
      lifetimeSec: a.purpose === 'deregister' ? 0 : this.config.policy.requestedLifetimeSec,
      ipv4Requested: a.ipv4Request,
      forceUdp: a.forceUdp && a.careOf.kind === 'ipv4',
    };
  }

  /** RFC 6275 §11.7.3 limit: at most MAX_UPDATE_RATE sends per second are remembered. */
  noteSend(now: number): void {
    this.recentSends.push(now);
    if (this.recentSends.length > 3) this.recentSends.shift();
  }

  /**
   * Writes the Binding Update List after an accepting BA (status < 128) and arms the refresh. The lifetime
   * counts from the first transmission of the BU (RFC 6275 §11.7.3), a little early rather than late.
   */
  recordAcceptance(
    now: number,
    a: MnAttempt,
    d: Accepted,
    bul: BindingUpdateList,
  ): { events: MobileNodeEvent[]; resendWithDynamicIpv4: boolean } {
    const careOf = careOfAddressOf(a.careOf, this.config.homeAddress);
    const sentAtMs = a.firstSentAtMs;
    const common = {
      homeAgent: this.homeAgent.ipv6,
      careOf,
      lifetimeSec: d.lifetimeSec,
      sentAtMs,
      expiresAtMs: sentAtMs + d.lifetimeSec * 1000,
      sequence: a.lastSequence,
      // Seed §5.1.2.4: UDP only when the NAT Detection option had F set, and only from an IPv4 CoA.
      udpEncapsulation: d.udpEncapsulation && a.careOf.kind === 'ipv4',
    };
    const previous = bul.ipv6?.careOf;
    bul.setIpv6({ ...common, homeAddress: this.config.homeAddress });
    const events: MobileNodeEvent[] = [];
    let resendWithDynamicIpv4 = false;
    const v4 = d.ipv4;
    if (v4.kind === 'assigned') {
      if (this.ipv4Assigned === undefined || !this.ipv4Assigned.equals(v4.address)) {
        events.push({ kind: 'ipv4-hoa-assigned', address: v4.address, prefixLength: v4.prefixLength });
      }
      this.ipv4Assigned = v4.address;
      this.ipv4RetriesLeft = this.config.policy.ipv4RetriesPerRegistration;
      this.ipv4Refusal = undefined;
      bul.setIpv4({ ...common, homeAddress: v4.address });
    } else {
      bul.setIpv4(undefined);
      this.ipv4Assigned = undefined;
      if (v4.kind === 'refused-final') {
        // 129 / 132: do not re-send, IPv6 HoA only; whether a later BU asks again is decideIpv4HoaRetry's.
        const consecutive = this.ipv4Refusal?.status === v4.status ? this.ipv4Refusal.consecutive + 1 : 1;
        this.ipv4Refusal = { status: v4.status, atMs: now, consecutive };
        events.push({ kind: 'ipv4-hoa-refused', status: v4.status, retrying: false });
      } else if (v4.kind === 'refused-retry-dynamic') {
        this.ipv4StaticAbandoned = true; // re-send with 0.0.0.0
        resendWithDynamicIpv4 = this.ipv4RetriesLeft > 0;
        if (resendWithDynamicIpv4) this.ipv4RetriesLeft--;
        events.push({ kind: 'ipv4-hoa-refused', status: v4.status, retrying: resendWithDynamicIpv4 });
      } else if (v4.kind === 'refused') {
        events.push({ kind: 'ipv4-hoa-refused', status: v4.status, retrying: false });
      }
    }
    let refreshSec = d.lifetimeSec * this.config.policy.refreshFraction;
    if (d.refreshAdviceSec !== undefined) refreshSec = Math.min(refreshSec, d.refreshAdviceSec);
    // RFC 5555 §4.3: the BU/BA pair is the NAT keepalive.
    if (a.careOf.kind === 'ipv4' && d.natKeepaliveSec !== undefined)
      refreshSec = Math.min(refreshSec, d.natKeepaliveSec);
    this.refreshAtMs = Math.max(now, sentAtMs + refreshSec * 1000);
    this.phase = 'registered';
    this.attempt = undefined;
    const tunnel = uplinkRouteOf(bul.ipv6, this.config.homeAgents, this.config.policy.udpSourcePort);
    if (tunnel !== undefined) {
      events.push({
        kind: 'registered',
        homeAgent: common.homeAgent,
        careOf,
        lifetimeSec: d.lifetimeSec,
        ipv4HomeAddress: v4.kind === 'assigned' ? v4.address : undefined,
        tunnel,
        refresh: previous !== undefined && previous.toString() === careOf.toString(),
        prefixDiscoveryNeeded: d.status === BaStatus.ACCEPTED_PREFIX_DISCOVERY_NECESSARY,
        keyManagementMobility: d.keyManagementMobility,
      });
    }
    return { events, resendWithDynamicIpv4 };
  }
}
