/**
 * The IKE timers section of a config file (src/config/common-schema.ts `ikeTimersSchema`) as the engine's
 * `TimingConfig` (RFC 7296 §2.1 retransmission, §2.4 liveness, §2.8 rekeying); what the file does not name keeps
 * src/ike/config.ts's default.
 */
import type { Duration } from '../../config/duration.ts';
import { type TimingConfig, timing } from '../../ike/config.ts';

export interface IkeTimersSection {
  readonly retransmitTimeout: Duration;
  readonly retransmitTries: number;
  readonly dpdInterval: Duration;
  readonly ikeRekey: Duration;
  readonly ikeLifetime: Duration;
  readonly childRekey: Duration;
  readonly childLifetime: Duration;
}

export function ikeTimingOf(t: IkeTimersSection): TimingConfig {
  return timing({
    retransmitTimeoutMs: t.retransmitTimeout.ms,
    retransmitTries: t.retransmitTries,
    dpdIntervalMs: t.dpdInterval.ms,
    ikeLifetime: { rekeyMs: t.ikeRekey.ms, hardMs: t.ikeLifetime.ms },
    childLifetime: { rekeyMs: t.childRekey.ms, hardMs: t.childLifetime.ms },
  });
}
