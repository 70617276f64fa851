/**
 * AAA metrics (prom-client) of the HA's EAP relay to its backend and of the standalone AAA server: EAP messages
 * forwarded, answers by kind, failures by reason (AaaFailureReason) and the latency of one round trip. Registered
 * in the registry of the process that owns them (the HA's `HaMetrics.registry`, or the AAA server's own).
 */
import { Counter, Histogram, type Registry } from 'prom-client';

export type AaaAnswerKind = 'continue' | 'success' | 'failure';

export class AaaMetrics {
  readonly requests: Counter<'backend' | 'round'>;
  readonly answers: Counter<'backend' | 'result'>;
  readonly failures: Counter<'backend' | 'reason'>;
  readonly discarded: Counter<'backend'>;
  readonly latency: Histogram<'backend'>;

  constructor(
    registry: Registry,
    private readonly backend: string,
  ) {
    const registers = [registry];
    this.requests = new Counter({
      name: 'dsmip_aaa_requests_total',
      help: 'EAP messages handed to the AAA backend, by backend and authentication round (2 = RFC 4739 second round).',
      labelNames: ['backend', 'round'],
      registers,
    });
    this.answers = new Counter({
      name: 'dsmip_aaa_answers_total',
      help: 'AAA answers by result: continue (challenge), success (accept), failure (reject, timeout, ...).',
      labelNames: ['backend', 'result'],
      registers,
    });
    this.failures = new Counter({
      name: 'dsmip_aaa_failures_total',
      help: 'Failed AAA rounds by reason (rejected, unknown-subscriber, timeout, no-server, bad-answer, aborted).',
      labelNames: ['backend', 'reason'],
      registers,
    });
    this.discarded = new Counter({
      name: 'dsmip_aaa_answers_discarded_total',
      help: 'AAA answers that came after the IKE SA or the round was gone (deleted, timed out).',
      labelNames: ['backend'],
      registers,
    });
    this.latency = new Histogram({
      name: 'dsmip_aaa_latency_seconds',
      help: 'Time from forwarding an EAP message to the AAA answer.',
      labelNames: ['backend'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
  }

  countRequest(round: number): void {
    this.requests.inc({ backend: this.backend, round: String(round) });
  }

  countAnswer(result: AaaAnswerKind, seconds: number): void {
    this.answers.inc({ backend: this.backend, result });
    this.latency.observe({ backend: this.backend }, seconds);
  }

  countFailure(reason: string): void {
    this.failures.inc({ backend: this.backend, reason });
  }

  countDiscarded(): void {
    this.discarded.inc({ backend: this.backend });
  }
}
