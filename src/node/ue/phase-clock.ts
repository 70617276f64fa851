/**
 * The attach phase timer: each phase runs from its start to the start of the next (or to `finish`), so the phases
 * add up to the whole attach. Times are ms on the node's clock.
 */
import type { AttachPhase } from './ue-events.ts';

export interface PhaseTime {
  readonly phase: AttachPhase;
  readonly startMs: number;
  readonly endMs: number;
  readonly durationMs: number;
}

export class PhaseClock {
  private readonly done: PhaseTime[] = [];
  private current: { phase: AttachPhase; startMs: number } | undefined;

  constructor(private readonly now: () => number) {}

  /** Ends the running phase (if any) and starts `phase`; returns the start time. */
  start(phase: AttachPhase): number {
    const t = this.now();
    this.close(t);
    this.current = { phase, startMs: t };
    return t;
  }

  /** Ends the running phase. */
  finish(): void {
    this.close(this.now());
  }

  get phases(): readonly PhaseTime[] {
    return this.done;
  }

  private close(t: number): void {
    if (this.current === undefined) return;
    const { phase, startMs } = this.current;
    this.done.push({ phase, startMs, endMs: t, durationMs: t - startMs });
    this.current = undefined;
  }
}
