/**
 * Retransmission timing of requests (RFC 7296 §2.1): the initiator of an exchange resends the identical bytes with
 * an exponentially growing timeout; the responder never retransmits on its own. A pure function, table-tested.
 */
import type { TimingConfig } from './config.ts';

/**
 * Delay before retransmission number `attempt` + 1 is due, where `attempt` 0 is the first transmission; undefined
 * once `retransmitTries` retransmissions have gone out (the timeout after the last one is still returned).
 */
export function retransmitDelay(attempt: number, t: TimingConfig): number | undefined {
  if (attempt > t.retransmitTries) return undefined;
  const d = t.retransmitTimeoutMs * t.retransmitBackoff ** attempt;
  return Math.min(d, t.retransmitMaxTimeoutMs);
}
