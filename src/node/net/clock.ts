/**
 * The node layer's clock and its one timer per core (STYLE.md: a core says when it next wants to be polled, the
 * shell keeps a single timer for that deadline).
 */

/**
 * Milliseconds that never go backwards (performance.now), on the epoch scale (timeOrigin) because the IKE engine
 * also checks certificate validity against `now`.
 */
export function monotonicNowMs(): number {
  return performance.timeOrigin + performance.now();
}

const MAX_TIMER_MS = 0x7fffffff; // setTimeout's limit

/** One timer re-armed to the core's next deadline; `fire` runs at that time with the clock's `now`. */
export class DeadlineTimer {
  private timer: NodeJS.Timeout | undefined;
  private armedFor: number | undefined;
  private stopped = false;

  constructor(
    private readonly fire: (now: number) => void,
    private readonly now: () => number = monotonicNowMs,
  ) {}

  /** Arms for `deadline` (ms on the clock), or disarms for undefined; re-arming to the same deadline is free. */
  arm(deadline: number | undefined): void {
    if (this.stopped || deadline === this.armedFor) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = deadline;
    if (deadline === undefined) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(deadline - this.now())));
    this.timer = setTimeout(this.onTimer, delay);
  }

  /** Disarms for good: later `arm` calls are ignored. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = undefined;
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.armedFor = undefined;
    if (!this.stopped) this.fire(this.now());
  };
}
