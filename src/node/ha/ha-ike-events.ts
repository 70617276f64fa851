/**
 * The HA's reaction to its IKE engine's events: a negotiated BU/BA Child SA goes into the SAD through the mobility
 * SA registry, tied to the IKE identity's home prefix (RFC 4877 §4.3, §7.1); a deleted Child SA or IKE SA takes its
 * SAs out again; attaches are counted by result. Every event but the key log goes on to the node's listeners.
 */
import type { IkeEvent } from '../../ike/events.ts';
import type { AttachOutcome, IkeMetrics } from '../../obs/ike-metrics.ts';
import type { Logger } from '../../obs/log.ts';
import type { LogRateLimiter } from '../../obs/log-rate-limit.ts';
import type { AttachResult, HaMetrics } from '../../obs/metrics.ts';
import { NotifyType } from '../../wire/ike/constants.ts';
import type { MobilitySaRegistry } from '../mobility/sa-registry.ts';
import type { HomeAgentNodeEvent } from './ha-events.ts';

export interface HaIkeEventsDeps {
  readonly registry: MobilitySaRegistry;
  readonly metrics: HaMetrics;
  readonly log: Logger;
  readonly emit: (e: HomeAgentNodeEvent) => void;
  /** Attach results apart from attempts (src/obs/ike-metrics.ts). */
  readonly ikeMetrics?: IkeMetrics;
  /** For the lines a flood repeats (one per reclaimed half-open SA): first N per window, then a summary. */
  readonly limitedLog?: LogRateLimiter;
}

/** Why an IKE SA never came up, as the attach counter's label. */
export function attachFailureOf(e: Extract<IkeEvent, { kind: 'ike-sa-failed' }>): AttachResult {
  if (e.notifyType === NotifyType.NO_PROPOSAL_CHOSEN) return 'no-proposal';
  if (e.notifyType === NotifyType.AUTHENTICATION_FAILED) return 'auth-failed';
  return /timeout|retransmi|no-response|half-open/i.test(e.reason) ? 'timeout' : 'error';
}

/** How a failed IKE SA ends its attach attempt in `dsmip_attach_results_total`. */
export function attachOutcomeOf(e: Extract<IkeEvent, { kind: 'ike-sa-failed' }>): AttachOutcome {
  if (e.reason.startsWith('limit-')) return 'rejected-by-limit';
  if (e.reason === 'half-open-timeout') return 'abandoned'; // never authenticated (RFC 7296 §2.6)
  if (e.reason === 'eap-failure') return 'auth-failed';
  if (e.reason === 'peer-unreachable') return 'timeout'; // retransmissions exhausted (RFC 7296 §2.4)
  const r = attachFailureOf(e);
  return r === 'rejected' ? 'error' : r;
}

export class HaIkeEvents {
  constructor(private readonly deps: HaIkeEventsDeps) {}

  handle(e: IkeEvent): void {
    const { registry, metrics, log } = this.deps;
    switch (e.kind) {
      case 'key-log':
        return; // secrets: only the key log file gets them
      case 'child-sa-established': {
        const r = registry.install(e);
        if (r.ok) {
          metrics.countAttach('success');
          if (e.rekeyOf === undefined) this.deps.ikeMetrics?.countAttachResult('success');
          log.info({ ikeSaId: e.ikeSaId, homeAddress: r.entry.homeAddress, spiIn: e.spiIn }, 'BU/BA SA installed');
          this.deps.emit({
            kind: 'mobility-sa-installed',
            ikeSaId: e.ikeSaId,
            homeAddress: r.entry.homeAddress,
            spiIn: e.spiIn,
            spiOut: e.spiOut,
          });
        } else {
          // Not a BU/BA SA: the IKE_AUTH Child SA, or a data Child SA (RFC 5555 §5.2.2) that src/node/tun/ha-data-sas.ts takes.
          log.debug({ ikeSaId: e.ikeSaId, mode: e.mode, why: r.reason }, 'Child SA not for BU/BA');
        }
        break;
      }
      case 'child-sa-deleted':
        registry.remove(e.spiIn);
        break;
      case 'ike-sa-deleted':
        registry.removeIkeSa(e.ikeSaId);
        log.info({ ikeSaId: e.ikeSaId, reason: e.reason }, 'IKE SA deleted');
        break;
      case 'ike-sa-established':
        // One line per attach: flat text fields, which pino serializes without walking address objects.
        log.info(
          {
            ikeSaId: e.ikeSaId,
            peer: e.peerId,
            eap: e.eapIdentities.join(' '),
            remote: e.path.remoteAddr.toString(),
            remotePort: e.path.remotePort,
            localPort: e.path.localPort,
          },
          'IKE SA established',
        );
        break;
      case 'auth-failed':
        metrics.countAttach('auth-failed');
        log.warn({ ikeSaId: e.ikeSaId, reason: e.reason }, 'authentication failed');
        break;
      case 'ike-sa-failed': {
        metrics.countAttach(attachFailureOf(e));
        this.deps.ikeMetrics?.countAttachResult(attachOutcomeOf(e));
        const fields = { ikeSaId: e.ikeSaId, reason: e.reason, notify: e.notifyType };
        if (this.deps.limitedLog) this.deps.limitedLog.warn(`ike-sa-failed:${e.reason}`, fields, 'IKE SA failed');
        else log.warn(fields, 'IKE SA failed');
        break;
      }
      default:
        log.debug({ event: e.kind, ikeSaId: e.ikeSaId }, e.kind);
    }
    this.deps.emit({ kind: 'ike', event: e });
  }
}
