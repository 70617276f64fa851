/**
 * The sans-I/O Home Agent core (TS 24.303 §5.1.3.2; RFC 6275 §10.3; RFC 5555 §4.5): fed received BUs with
 * their security context and `now`, polled for BAs to send, the next deadline and events. Decisions come
 * from decide-binding-update.ts; this file only applies them to the Binding Cache and the IPv4 pool.
 */

import { Fifo } from '../util/fifo.ts';
import { Ipv4Address, type Ipv6Address } from '../util/ip-address.ts';
import { MAX_DELETE_BCE_TIMEOUT_MS } from '../wire/mh/constants.ts';
import type { BindingUpdate } from '../wire/mh/messages.ts';
import { ipv4FromInt, ipv4Int, ipv6FromKey, ipv6Key } from './addresses.ts';
import { BindingCache, BindingEntry, BindingFlag } from './binding-cache.ts';
import type { BindingPlan, BuDropReason, HomeAgentStateView } from './decide-binding-update.ts';
import { decideBindingUpdate } from './decide-binding-update.ts';
import type { HaBindingInfo, HomeAgentEvent } from './events.ts';
import {
  acceptFromUe,
  type DownlinkDecision,
  routeToUe,
  tunnelOf,
  type UplinkDecision,
  type UplinkDropReason,
} from './ha-data-plane.ts';
import type { Ipv4HoaOutcome } from './ipv4-hoa-decision.ts';
import { Ipv4HomeAddressPool, type Ipv4Range } from './ipv4-pool.ts';
import type { HomeAgentPolicy } from './policy.ts';
import type { BindingUpdateContext, OuterInfo, SendMh } from './types.ts';

export interface HomeAgentCounters {
  bindingUpdatesReceived: number;
  registrationsAccepted: number;
  deregistrationsAccepted: number;
  bindingsExpired: number;
  /** BUs dropped without a reply, by reason. */
  readonly dropped: Record<BuDropReason, number>;
  /** BAs with a status ≥ 128, by status. */
  readonly rejectedByStatus: Record<number, number>;
  /** Data-plane packets from UEs refused by `acceptFromUe`, by reason. */
  readonly uplinkDropped: Record<UplinkDropReason, number>;
  downlinkWithoutBinding: number;
}

function newCounters(): HomeAgentCounters {
  return {
    bindingUpdatesReceived: 0,
    registrationsAccepted: 0,
    deregistrationsAccepted: 0,
    bindingsExpired: 0,
    dropped: {
      'not-protected-by-esp': 0,
      'home-address-not-authorized': 0,
      'bad-payload-proto': 0,
      'home-address-not-unicast': 0,
      'nonce-indices-in-home-registration': 0,
      'not-home-registration': 0,
      'care-of-not-unicast': 0,
      'ipv4-bu-not-in-udp': 0,
      'udp-over-ipv6-unsupported': 0,
    },
    rejectedByStatus: {},
    uplinkDropped: { 'malformed-inner': 0, 'no-binding-for-source': 0, 'spoofed-inner-source': 0 },
    downlinkWithoutBinding: 0,
  };
}

export class HomeAgentCore {
  readonly counters: HomeAgentCounters = newCounters();
  private readonly cache: BindingCache;
  private readonly transmits = new Fifo<SendMh>();
  private readonly events = new Fifo<HomeAgentEvent>();
  private readonly stateView: HomeAgentStateView;

  constructor(
    readonly policy: HomeAgentPolicy,
    ipv4Pool: readonly Ipv4Range[] = [],
  ) {
    this.cache = new BindingCache(new Ipv4HomeAddressPool(ipv4Pool));
    const cache = this.cache;
    this.stateView = {
      get bindingCount() {
        return cache.size;
      },
      pool: cache.pool,
    };
  }

  /** Bindings in the cache, including de-registered ones kept for MAX_DELETE_BCE_TIMEOUT. */
  get bindingCount(): number {
    return this.cache.size;
  }

  /** The live binding of an IPv6 HoA, for inspection (undefined when none or de-registered). */
  binding(homeAddress: Ipv6Address): Readonly<BindingEntry> | undefined {
    const e = this.cache.get(ipv6Key(homeAddress));
    return e === undefined || e.has(BindingFlag.DEREGISTERED) ? undefined : e;
  }

  handleBindingUpdate(now: number, bu: BindingUpdate, ctx: BindingUpdateContext): void {
    this.counters.bindingUpdatesReceived++;
    const key = ipv6Key(ctx.homeAddress);
    const existing = this.cache.get(key);
    const d = decideBindingUpdate(bu, ctx, existing, this.policy, now, this.stateView);
    switch (d.verdict) {
      case 'drop':
        this.counters.dropped[d.reason]++;
        return;
      case 'reject':
        this.counters.rejectedByStatus[d.status] = (this.counters.rejectedByStatus[d.status] ?? 0) + 1;
        this.transmits.push(d.reply);
        return;
      case 'deregister':
        this.counters.deregistrationsAccepted++;
        if (existing !== undefined) this.deregister(now, existing, bu.sequence);
        this.transmits.push(d.reply);
        return;
      case 'register':
        this.counters.registrationsAccepted++;
        this.register(now, key, existing, ctx, d.plan, d.ipv4);
        this.transmits.push(d.reply);
        return;
    }
  }

  /**
   * Ends a live binding at the HA's own initiative (the session it was registered through was replaced, issue 16):
   * as a de-registration (RFC 6275 §10.3.2: the entry stays for MAX_DELETE_BCE_TIMEOUT so a delayed BU gets 135),
   * the IPv4 binding with it (RFC 5555 §4.4.2.1), so the IPv4 HoA goes back to the pool. False when none was live.
   */
  revokeBinding(now: number, homeAddress: Ipv6Address): boolean {
    const e = this.cache.get(ipv6Key(homeAddress));
    if (e === undefined || e.has(BindingFlag.DEREGISTERED)) return false;
    this.deregister(now, e, e.sequence);
    return true;
  }

  handleTimeout(now: number): void {
    for (let e = this.cache.popDue(now); e !== undefined; e = this.cache.popDue(now)) {
      const deregistered = e.has(BindingFlag.DEREGISTERED);
      const ipv4 = e.ipv4HomeAddress;
      this.cache.remove(e); // RFC 6275 §10.3.1: deleted at the end of its lifetime; the IPv4 binding with it
      if (deregistered) continue; // announced when it was de-registered
      this.counters.bindingsExpired++;
      const homeAddress = ipv6FromKey(e.homeAddressKey);
      if (ipv4 !== 0) this.releasedEvent(homeAddress, ipv4, 'binding-removed');
      this.events.push({ kind: 'binding-removed', homeAddress, reason: 'expired' });
    }
  }

  pollTransmit(): SendMh | undefined {
    return this.transmits.shift();
  }

  pollTimeout(): number | undefined {
    return this.cache.nextDeadline();
  }

  pollEvent(): HomeAgentEvent | undefined {
    return this.events.shift();
  }

  /** HA → UE data: the tunnel for a packet to a bound HoA (TS 24.303 §5.1.3.2). */
  routeToUe(inner: Uint8Array): DownlinkDecision {
    const d = routeToUe(this.cache, this.policy, inner);
    if (d.kind !== 'tunnel') this.counters.downlinkWithoutBinding++;
    return d;
  }

  /** UE → HA data: refuses (and counts) a packet whose inner source is not the HoA bound to its tunnel. */
  acceptFromUe(outer: OuterInfo, inner: Uint8Array): UplinkDecision {
    const d = acceptFromUe(this.cache, outer, inner);
    if (d.kind === 'drop') this.counters.uplinkDropped[d.reason]++;
    return d;
  }

  /**
   * RFC 6275 §10.3.2: stop serving the HoA now but keep the entry for MAX_DELETE_BCE_TIMEOUT, so a delayed
   * older BU gets 135 instead of re-creating the binding. Lifetime 0 removes the IPv4 binding too (RFC 5555 §4.4.2.1).
   */
  private deregister(now: number, e: BindingEntry, sequence: number): void {
    const wasLive = !e.has(BindingFlag.DEREGISTERED);
    const homeAddress = ipv6FromKey(e.homeAddressKey);
    const ipv4 = this.cache.unlinkIpv4(e);
    e.sequence = sequence;
    e.flags = BindingFlag.DEREGISTERED;
    e.lifetimeSec = 0;
    e.expiresAtMs = now + MAX_DELETE_BCE_TIMEOUT_MS;
    this.cache.store(e);
    if (ipv4 !== 0) this.releasedEvent(homeAddress, ipv4, 'binding-removed');
    if (wasLive) this.events.push({ kind: 'binding-removed', homeAddress, reason: 'deregistered' });
  }

  private register(
    now: number,
    key: string,
    existing: BindingEntry | undefined,
    ctx: BindingUpdateContext,
    plan: BindingPlan,
    ipv4: Ipv4HoaOutcome,
  ): void {
    const created = existing === undefined || existing.has(BindingFlag.DEREGISTERED);
    const e = existing ?? new BindingEntry(key);
    // The tunnel this BU asks for, compared with the entry's before it is written (a change is a binding-updated).
    let careOfV6 = '';
    let careOfV4 = 0;
    let remoteV4 = 0;
    let remotePort = 0;
    let localV4 = 0;
    if (plan.careOf instanceof Ipv4Address) {
      const outer = ctx.outer;
      careOfV4 = ipv4Int(plan.careOf);
      remoteV4 = outer.family === 4 ? ipv4Int(outer.source) : 0;
      remotePort = outer.sourcePort ?? 0;
      localV4 = outer.family === 4 ? ipv4Int(outer.destination) : 0;
    } else {
      careOfV6 = ipv6Key(plan.careOf);
    }
    const moved =
      e.mode !== plan.mode ||
      e.careOfV6 !== careOfV6 ||
      e.careOfV4 !== careOfV4 ||
      e.remoteV4 !== remoteV4 ||
      e.remotePort !== remotePort ||
      e.localV4 !== localV4;
    e.ikeSaId = ctx.ikeSaId;
    e.sequence = plan.sequence;
    e.lifetimeSec = plan.lifetimeSec;
    e.expiresAtMs = now + plan.lifetimeSec * 1000;
    e.mode = plan.mode;
    // Unchanged keys keep the entry's own string, so a refresh leaves no new object reachable from the cache.
    if (e.careOfV6 !== careOfV6) e.careOfV6 = careOfV6;
    e.careOfV4 = careOfV4;
    e.remoteV4 = remoteV4;
    e.remotePort = remotePort;
    e.localV4 = localV4;
    e.flags =
      (e.flags & BindingFlag.IPV4_DYNAMIC) |
      (plan.natDetected ? BindingFlag.NAT_DETECTED : 0) |
      (plan.forcedUdp ? BindingFlag.FORCED_UDP : 0) |
      (plan.keyManagementMobility ? BindingFlag.KEY_MANAGEMENT : 0) |
      (plan.mobileRouter ? BindingFlag.MOBILE_ROUTER : 0);
    this.cache.store(e);
    if (created) this.events.push({ kind: 'binding-created', ...this.info(e, plan) });
    else if (moved) this.events.push({ kind: 'binding-updated', ...this.info(e, plan) });
    this.applyIpv4(e, ipv4);
  }

  /** RFC 5555 §4.4.2.1: the IPv4 binding follows each BU — kept, replaced, or dropped when not requested. */
  private applyIpv4(e: BindingEntry, ipv4: Ipv4HoaOutcome): void {
    if (ipv4.kind === 'assign') {
      if (e.ipv4HomeAddress === ipv4.address) return;
      const previous = this.cache.unlinkIpv4(e);
      if (previous !== 0) this.releasedEvent(ipv6FromKey(e.homeAddressKey), previous, 'refused');
      // The decision saw the address free an instant ago on this single thread: the claim cannot fail.
      this.cache.linkIpv4(e, ipv4.address, ipv4.dynamic);
      this.events.push({
        kind: 'ipv4-hoa-assigned',
        homeAddress: ipv6FromKey(e.homeAddressKey),
        ipv4HomeAddress: ipv4FromInt(ipv4.address),
        dynamic: ipv4.dynamic,
      });
      return;
    }
    const released = this.cache.unlinkIpv4(e);
    if (released !== 0) {
      this.releasedEvent(ipv6FromKey(e.homeAddressKey), released, ipv4.kind === 'none' ? 'not-requested' : 'refused');
    }
  }

  private releasedEvent(
    homeAddress: Ipv6Address,
    address: number,
    reason: 'not-requested' | 'refused' | 'binding-removed',
  ): void {
    this.events.push({ kind: 'ipv4-hoa-released', homeAddress, ipv4HomeAddress: ipv4FromInt(address), reason });
  }

  private info(e: BindingEntry, plan: BindingPlan): HaBindingInfo {
    return {
      homeAddress: ipv6FromKey(e.homeAddressKey),
      careOf: plan.careOf,
      tunnel: tunnelOf(e, this.policy),
      lifetimeSec: e.lifetimeSec,
      ikeSaId: e.ikeSaId,
      keyManagementMobility: plan.keyManagementMobility,
      natDetected: plan.natDetected,
    };
  }
}
