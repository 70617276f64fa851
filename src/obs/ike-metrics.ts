/**
 * The HA's IKE metrics (issue 16): drops by reason, cookies sent, half-open SAs, refusals by limit, and attach
 * attempts apart from attach results, so a flood shows as many attempts and few results. Counters the engine keeps
 * as plain numbers are copied at scrape time (no prom-client call on the hot path); attach results are counted by
 * the node as events arrive. Registered in the HA's own registry (src/obs/metrics.ts).
 */
import { Counter, type Registry } from 'prom-client';
import { scrapedCounter, scrapedGauge } from './scraped-metrics.ts';

/** The engine's counters this file reads (src/ike/events.ts IkeCounters, structurally). */
export interface IkeDropCounts {
  readonly droppedMalformed: number;
  readonly droppedIntegrity: number;
  readonly droppedUnknownSpi: number;
  readonly droppedMessageId: number;
  readonly droppedUnexpected: number;
  readonly droppedRateLimited: number;
  readonly invalidCookies: number;
  readonly cookiesSent: number;
}

export interface IkeMetricsSource {
  readonly counters: () => IkeDropCounts | undefined;
  /** Refusals by limit name (src/ike/limits.ts). */
  readonly limits: () => Readonly<Record<string, number>>;
  readonly halfOpen: () => number;
  readonly halfOpenMaxPerSource: () => number;
  /** IKE_SA_INITs that made a half-open SA. */
  readonly attempts: () => number;
}

/**
 * How an attach ended: `success` (BU/BA SA installed), `auth-failed`, `no-proposal`, `timeout` (an authenticated
 * peer stopped answering), `abandoned` (a half-open SA that never authenticated), `rejected-by-limit`, `error`.
 */
export type AttachOutcome =
  | 'success'
  | 'auth-failed'
  | 'no-proposal'
  | 'timeout'
  | 'abandoned'
  | 'rejected-by-limit'
  | 'error';

const DROP_REASONS: readonly [string, keyof IkeDropCounts][] = [
  ['malformed', 'droppedMalformed'],
  ['integrity', 'droppedIntegrity'],
  ['unknown-spi', 'droppedUnknownSpi'],
  ['message-id', 'droppedMessageId'],
  ['unexpected', 'droppedUnexpected'],
  ['rate-limited', 'droppedRateLimited'],
  ['invalid-cookie', 'invalidCookies'],
];

export class IkeMetrics {
  readonly attachResults: Counter<'result'>;

  constructor(registry: Registry, source: IkeMetricsSource) {
    scrapedCounter(registry, 'dsmip_ike_drops_total', 'IKE messages dropped, by reason.', ['reason'], () => {
      const c = source.counters();
      return c ? DROP_REASONS.map(([reason, key]) => [{ reason }, c[key]]) : [];
    });
    scrapedCounter(
      registry,
      'dsmip_ike_cookies_sent_total',
      'IKE_SA_INIT answered with N(COOKIE) (RFC 7296 §2.6).',
      [],
      () => [[{}, source.counters()?.cookiesSent ?? 0]],
    );
    scrapedCounter(
      registry,
      'dsmip_ike_rejected_by_limit_total',
      'IKE requests refused by a limit of ha.limits, by limit.',
      ['limit'],
      () => Object.entries(source.limits()).map(([limit, n]) => [{ limit }, n]),
    );
    scrapedCounter(
      registry,
      'dsmip_attach_attempts_total',
      'Attach attempts: IKE_SA_INITs that made a half-open IKE SA, authenticated later or not.',
      [],
      () => [[{}, source.attempts()]],
    );
    scrapedGauge(
      registry,
      'dsmip_ike_half_open_sas',
      'IKE SAs not authenticated yet (RFC 7296 §2.6).',
      source.halfOpen,
    );
    scrapedGauge(
      registry,
      'dsmip_ike_half_open_max_per_source',
      'The most half-open IKE SAs one source address holds.',
      source.halfOpenMaxPerSource,
    );
    this.attachResults = new Counter({
      name: 'dsmip_attach_results_total',
      help: 'How attach attempts ended, by result (abandoned: never authenticated; rejected-by-limit: ha.limits).',
      labelNames: ['result'],
      registers: [registry],
    });
  }

  countAttachResult(result: AttachOutcome): void {
    this.attachResults.inc({ result });
  }
}
