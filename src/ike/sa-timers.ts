/**
 * The timers of one IKE SA behind a single deadline (STYLE.md: many logical timers, one deadline): retransmission,
 * half-open expiry (RFC 7296 §2.6), soft and hard lifetimes of the IKE SA and its Child SAs (§2.8) and the
 * liveness check of an idle SA (§2.4).
 */
import { ExchangeType, ProtocolId } from '../wire/ike/constants.ts';
import type { ChildSa } from './child-sa.ts';
import type { IkeSa } from './ike-sa.ts';
import { ChildCreateInitiator } from './tasks/child-create-initiator.ts';
import { IkeRekeyInitiator } from './tasks/ike-rekey.ts';
import { ChildDeleteInitiator, LivenessCheck } from './tasks/informational-initiator.ts';

/** A responder's SA that is not authenticated yet (RFC 7296 §2.6); the initiator is bounded by retransmission. */
function halfOpen(sa: IkeSa): boolean {
  return !sa.originalInitiator && (sa.state === 'connecting' || sa.state === 'authenticating');
}

export function saDeadline(sa: IkeSa): number {
  if (sa.dead) return Number.POSITIVE_INFINITY;
  const t = sa.services.timing;
  let d = Math.min(sa.tasks.deadline, sa.ikeExpireAt);
  if (halfOpen(sa)) d = Math.min(d, sa.createdAt + (sa.halfOpenTimeoutMs ?? t.halfOpenTimeoutMs));
  if (sa.established) {
    d = Math.min(d, sa.ikeRekeyAt);
    for (const c of sa.children.values()) {
      d = Math.min(d, c.expireAt);
      if (c.state === 'installed') d = Math.min(d, c.rekeyAt);
    }
    if (t.dpdIntervalMs > 0 && !sa.tasks.busy) d = Math.min(d, sa.lastInboundAt + t.dpdIntervalMs);
  }
  return d;
}

export function runSaTimers(sa: IkeSa, now: number): void {
  sa.tasks.handleTimeout(now);
  if (sa.dead) return;
  const t = sa.services.timing;
  if (halfOpen(sa) && now >= sa.createdAt + (sa.halfOpenTimeoutMs ?? t.halfOpenTimeoutMs)) {
    sa.teardown('failed', 'half-open-timeout');
    return;
  }
  if (now >= sa.ikeExpireAt) {
    // Hard lifetime: tell the peer once and go (a replaced SA just goes, RFC 7296 §2.8).
    if (sa.state !== 'rekeyed') sa.sendOneShot([{ kind: 'delete', protocolId: ProtocolId.IKE, spiSize: 0, spis: [] }]);
    sa.teardown('deleted', 'lifetime-expired');
    return;
  }
  if (!sa.established) return;
  if (now >= sa.ikeRekeyAt) {
    sa.ikeRekeyAt = Number.POSITIVE_INFINITY;
    if (!sa.tasks.hasTask((x) => x.name === 'ike-rekey')) sa.tasks.queue(new IkeRekeyInitiator());
  }
  for (const c of [...sa.children.values()]) {
    if (now >= c.expireAt) {
      sa.removeChild(c.spiIn, 'lifetime-expired'); // never used past its hard lifetime
      sa.tasks.queue(new ChildDeleteInitiator([c.spiIn], 'lifetime-expired', true));
    } else if (c.state === 'installed' && now >= c.rekeyAt) {
      c.rekeyAt = Number.POSITIVE_INFINITY;
      sa.tasks.queue(rekeyChildTask(c));
    }
  }
  if (t.dpdIntervalMs > 0 && !sa.tasks.busy && now >= sa.lastInboundAt + t.dpdIntervalMs)
    sa.tasks.queue(new LivenessCheck());
}

/** A rekey keeps the selectors and mode of the SA it replaces (RFC 7296 §1.3.3); TSi is our side. */
export function rekeyChildTask(c: ChildSa): ChildCreateInitiator {
  return new ChildCreateInitiator(
    ExchangeType.CREATE_CHILD_SA,
    { tsi: c.tsLocal, tsr: c.tsRemote, mode: c.mode, requireMode: c.mode === 'transport', homeAddress: c.homeAddress },
    c,
  );
}
