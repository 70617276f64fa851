/**
 * The sans-I/O UE (mobile node) core for DSMIPv6 home registration (TS 24.303 §5.1.2.3–§5.1.2.4; RFC 6275
 * §11.5–§11.8; RFC 5555 §4.4): home link detection, BUs per access type, BA handling, retransmission,
 * refresh, de-registration and the choice of reverse tunnel. Pure rules live in home-link.ts,
 * build-binding-update.ts, decide-binding-ack.ts, backoff.ts and mn-data-plane.ts; the registration state in
 * mn-registration-state.ts; this file sequences them and owns the timers and output queues.
 */

import { Fifo } from '../util/fifo.ts';
import type { BindingAcknowledgement } from '../wire/mh/messages.ts';
import { earliestSendTime, initialBindAckTimeoutMs, onBindAckTimeout } from './backoff.ts';
import { BindingUpdateList } from './binding-update-list.ts';
import { buildBindingUpdate, type CareOfChoice } from './build-binding-update.ts';
import { type BaDecision, decideBindingAck } from './decide-binding-ack.ts';
import type { MobileNodeEvent } from './events.ts';
import { homeLinkAction } from './home-link.ts';
import type { AccessInfo, MobileNodeConfig } from './mn-config.ts';
import { uplinkRouteOf } from './mn-data-plane.ts';
import { type MnAttempt, MnRegistrationState } from './mn-registration-state.ts';
import { nextSequence } from './sequence.ts';
import type { BindingAckContext, SendMh, TunnelRoute } from './types.ts';

export class MobileNodeCore {
  private readonly s: MnRegistrationState;
  private readonly transmits = new Fifo<SendMh>();
  private readonly events = new Fifo<MobileNodeEvent>();
  readonly bindingUpdateList = new BindingUpdateList();

  constructor(readonly config: MobileNodeConfig) {
    if (config.homeAgents.length === 0) throw new RangeError('at least one home agent is needed');
    this.s = new MnRegistrationState(config);
  }

  get phase(): MnRegistrationState['phase'] {
    return this.s.phase;
  }

  get counters(): Readonly<MnRegistrationState['ignored']> {
    return this.s.ignored;
  }

  /** TS 24.303 §5.1.2.3: home link detection first, then register or de-register. */
  attach(now: number, access: AccessInfo): void {
    const s = this.s;
    s.access = access;
    if (access.newAdministrativeDomain) s.preferIpv4 = false;
    const action = homeLinkAction(
      this.config.homePrefix,
      access.routerPrefixes,
      this.bindingUpdateList.hasValidEntry(now),
    );
    if (action === 'stay-silent') {
      s.attempt = undefined;
      s.refreshAtMs = undefined;
      s.phase = 'at-home';
      this.events.push({ kind: 'at-home', deregistered: false });
      return;
    }
    if (action === 'deregister') {
      this.start(now, 'deregister', { kind: 'home' });
      return;
    }
    const careOf = s.chooseCareOf();
    if (careOf === undefined) {
      this.failed(undefined, 'no-care-of-address', false);
      return;
    }
    this.start(now, 'register', careOf);
  }

  /** Movement to a new CoA: a new BU (RFC 6275 §11.7.1), after home link detection again. */
  changeCareOf(now: number, access: AccessInfo): void {
    this.attach(now, access);
  }

  /** Leaves: a lifetime-0 BU if anything may be registered, else done at once. */
  detach(now: number): void {
    const s = this.s;
    const registered = this.bindingUpdateList.hasValidEntry(now) || s.attempt?.purpose === 'register';
    const careOf = s.phase === 'at-home' ? undefined : (s.attempt?.careOf ?? s.chooseCareOf());
    s.refreshAtMs = undefined;
    if (!registered || careOf === undefined) {
      this.finishDeregistration(false);
      return;
    }
    this.start(now, 'deregister', careOf);
  }

  handleBindingAck(now: number, ba: BindingAcknowledgement, ctx: BindingAckContext): void {
    const s = this.s;
    const a = s.attempt;
    const d = decideBindingAck(ba, ctx, a && s.outstanding(a));
    if (d.kind === 'ignore') {
      s.ignored[d.reason]++;
      return;
    }
    if (a === undefined) return;
    if (d.kind === 'resynchronise') {
      s.sequence = d.sequence; // RFC 6275 §11.7.3: adopt it, send again with the next number
      this.transmit(now, a);
      return;
    }
    if (a.purpose === 'deregister') {
      this.finishDeregistration(true);
      return;
    }
    this.onRegistrationAnswer(now, a, d);
  }

  handleTimeout(now: number): void {
    const s = this.s;
    const a = s.attempt;
    if (a !== undefined && now >= a.retransmitAtMs) {
      if (a.sendPending) this.transmit(now, a);
      else this.onAttemptTimeout(now, a);
    }
    const bul = this.bindingUpdateList;
    if (s.attempt === undefined && s.refreshAtMs !== undefined && now >= s.refreshAtMs) {
      s.refreshAtMs = undefined;
      const careOf = s.chooseCareOf(); // the current access decides, e.g. after an IPv4 fallback
      if (careOf !== undefined) this.start(now, 'register', careOf);
    }
    const v6 = bul.ipv6;
    if (v6 !== undefined && now >= v6.expiresAtMs) {
      bul.clear();
      s.refreshAtMs = undefined;
      this.events.push({ kind: 'binding-expired', homeAgent: v6.homeAgent });
      if (s.attempt === undefined && s.phase === 'registered') {
        const careOf = s.chooseCareOf();
        if (careOf !== undefined) this.start(now, 'register', careOf);
      }
    }
  }

  pollTransmit(): SendMh | undefined {
    return this.transmits.shift();
  }

  pollTimeout(): number | undefined {
    const s = this.s;
    let t = s.attempt?.retransmitAtMs;
    if (s.attempt === undefined && s.refreshAtMs !== undefined) t = s.refreshAtMs;
    const expiry = this.bindingUpdateList.ipv6?.expiresAtMs;
    if (expiry !== undefined && (t === undefined || expiry < t)) t = expiry;
    return t;
  }

  pollEvent(): MobileNodeEvent | undefined {
    return this.events.shift();
  }

  /**
   * How to reverse-tunnel UE traffic (TS 24.303 §5.1.2.4 last paragraph); undefined at home or unregistered.
   */
  uplinkRoute(): TunnelRoute | undefined {
    return uplinkRouteOf(this.bindingUpdateList.ipv6, this.config.homeAgents, this.config.policy.udpSourcePort);
  }

  private start(now: number, purpose: MnAttempt['purpose'], careOf: CareOfChoice): void {
    const a = this.s.newAttempt(now, purpose, careOf, this.bindingUpdateList);
    a.timeoutMs = initialBindAckTimeoutMs(purpose === 'register' && !this.bindingUpdateList.hasValidEntry(now));
    this.transmit(now, a);
  }

  /** Sends the attempt's BU with a new sequence number (RFC 6275 §11.8), within MAX_UPDATE_RATE. */
  private transmit(now: number, a: MnAttempt): void {
    const s = this.s;
    const at = earliestSendTime(s.recentSends, now);
    if (at > now) {
      a.sendPending = true;
      a.retransmitAtMs = at;
      return;
    }
    a.sendPending = false;
    s.sequence = nextSequence(s.sequence);
    if (a.attempts === 0) {
      a.firstSequence = s.sequence;
      a.firstSentAtMs = now;
    }
    a.lastSequence = s.sequence;
    a.attempts++;
    a.retransmitAtMs = now + a.timeoutMs;
    s.noteSend(now);
    this.transmits.push(
      buildBindingUpdate({
        sequence: s.sequence,
        lifetimeSec: a.purpose === 'deregister' ? 0 : this.config.policy.requestedLifetimeSec,
        careOf: a.careOf,
        homeAddress: this.config.homeAddress,
        homeAgent: s.homeAgent,
        ipv4Request: a.ipv4Request,
        forceUdp: a.forceUdp,
        policy: this.config.policy,
      }),
    );
  }

  private onAttemptTimeout(now: number, a: MnAttempt): void {
    const s = this.s;
    const next = onBindAckTimeout({
      attempts: a.attempts,
      timeoutMs: a.timeoutMs,
      ipv6CareOfWithIpv4Available:
        a.careOf.kind === 'ipv6' && s.access?.ipv4CareOf !== undefined && s.homeAgent.ipv4 !== undefined,
      ipv6AttemptsBeforeIpv4: this.config.policy.ipv6AttemptsBeforeIpv4,
      hasNextHomeAgent: s.nextHomeAgentIndex() !== undefined,
      deregistration: a.purpose === 'deregister',
    });
    if (next.action === 'retransmit') {
      a.timeoutMs = next.timeoutMs;
      this.transmit(now, a);
    } else if (next.action === 'fallback-to-ipv4' && a.careOf.kind === 'ipv6' && s.access?.ipv4CareOf !== undefined) {
      s.preferIpv4 = true; // RFC 5555 §4.4.1: keep the family on later moves
      this.events.push({ kind: 'care-of-fallback-to-ipv4', from: a.careOf.address, to: s.access.ipv4CareOf });
      this.start(now, 'register', { kind: 'ipv4', address: s.access.ipv4CareOf });
    } else if (next.action === 'next-home-agent') {
      this.moveToNextHomeAgent(now, 'timeout', undefined);
    } else {
      this.finishDeregistration(false);
    }
  }

  private onRegistrationAnswer(
    now: number,
    a: MnAttempt,
    d: Exclude<BaDecision, { kind: 'ignore' | 'resynchronise' }>,
  ): void {
    const s = this.s;
    switch (d.kind) {
      case 'accepted': {
        const outcome = s.recordAcceptance(now, a, d, this.bindingUpdateList);
        for (const e of outcome.events) this.events.push(e);
        if (outcome.resendWithDynamicIpv4) this.start(now, 'register', a.careOf);
        return;
      }
      case 'retry-later':
        // 128: "may re-send" — on the running back-off timer, so a persistent 128 is not a storm.
        this.failed(d.status, 'rejected', false);
        return;
      case 'retry-without-force-udp':
        a.forceUdp = false;
        this.transmit(now, a);
        return;
      case 'next-home-agent':
        s.refused.add(s.homeAgentIndex); // TS 24.303 §5.1.2.4: no BU to that HA again
        this.moveToNextHomeAgent(now, 'rejected', d.status);
        return;
      case 'give-up':
        s.attempt = undefined;
        s.phase = 'failed';
        this.failed(d.status, 'home-address-unusable', true);
        return;
    }
  }

  private moveToNextHomeAgent(now: number, reason: 'timeout' | 'rejected', status: number | undefined): void {
    const s = this.s;
    const from = s.homeAgent.ipv6;
    const next = s.nextHomeAgentIndex();
    if (next === undefined) {
      s.attempt = undefined;
      s.phase = 'failed';
      this.failed(status, 'no-home-agent-left', true);
      return;
    }
    s.switchHomeAgent(next);
    this.bindingUpdateList.clear();
    this.events.push({ kind: 'move-to-next-ha', from, to: s.homeAgent.ipv6, reason });
    const careOf = s.chooseCareOf();
    if (careOf !== undefined) this.start(now, 'register', careOf);
  }

  private finishDeregistration(acknowledged: boolean): void {
    const s = this.s;
    const atHome = s.attempt?.careOf.kind === 'home';
    s.attempt = undefined;
    s.refreshAtMs = undefined;
    this.bindingUpdateList.clear();
    s.resetIpv4();
    s.phase = atHome ? 'at-home' : 'detached';
    if (atHome) this.events.push({ kind: 'at-home', deregistered: acknowledged });
    else this.events.push({ kind: 'deregistered', acknowledged });
  }

  private failed(status: number | undefined, reason: FailureReason, final: boolean): void {
    this.events.push({ kind: 'registration-failed', homeAgent: this.s.homeAgent.ipv6, status, reason, final });
  }
}

type FailureReason = Extract<MobileNodeEvent, { kind: 'registration-failed' }>['reason'];
