/**
 * Rate limiting for repetitive log lines (issue 16: one warning per reclaimed half-open IKE SA wrote 45,903 lines in
 * one flood). Lines are grouped by a key (e.g. the event and its reason): the first `perWindow` of a key in each
 * window are written, the rest counted, and when the window has passed one summary line says how many were
 * suppressed. Time is injected (`now`); `flush` writes the summaries of windows that have ended, so the node calls it
 * from a timer and a quiet key still gets its summary.
 */
import type { Logger } from './log.ts';

export interface LogRateLimitOptions {
  /** Lines of one key written per window (default 10). */
  readonly perWindow?: number;
  /** Window length (default 10 s). */
  readonly windowMs?: number;
  readonly now: () => number;
}

interface Window {
  start: number;
  written: number;
  suppressed: number;
  level: 'info' | 'warn';
}

/** Keys tracked at once; a flood of distinct keys beyond it is summarised under one overflow key. */
const MAX_KEYS = 1000;
const OVERFLOW_KEY = 'other';

export class LogRateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly perWindow: number;
  private readonly windowMs: number;

  constructor(
    private readonly log: Logger,
    private readonly options: LogRateLimitOptions,
  ) {
    this.perWindow = options.perWindow ?? 10;
    this.windowMs = options.windowMs ?? 10_000;
  }

  warn(key: string, fields: Record<string, unknown>, msg: string): void {
    this.write('warn', key, fields, msg);
  }

  info(key: string, fields: Record<string, unknown>, msg: string): void {
    this.write('info', key, fields, msg);
  }

  /** Writes the summary of every window that has ended and forgets it. */
  flush(): void {
    const now = this.options.now();
    for (const [key, w] of this.windows) {
      if (now < w.start + this.windowMs) continue;
      this.summarise(key, w);
      this.windows.delete(key);
    }
  }

  private write(level: 'info' | 'warn', key: string, fields: Record<string, unknown>, msg: string): void {
    const now = this.options.now();
    let k = key;
    if (!this.windows.has(k) && this.windows.size >= MAX_KEYS) k = OVERFLOW_KEY;
    let w = this.windows.get(k);
    if (w !== undefined && now >= w.start + this.windowMs) {
      this.summarise(k, w);
      w = undefined;
    }
    if (w === undefined) {
      w = { start: now, written: 0, suppressed: 0, level };
      this.windows.set(k, w);
    }
    if (w.written < this.perWindow) {
      w.written++;
      this.log[level](fields, msg);
    } else w.suppressed++;
  }

  private summarise(key: string, w: Window): void {
    if (w.suppressed === 0) return;
    this.log[w.level]({ key, suppressed: w.suppressed, windowMs: this.windowMs }, `suppressed ${w.suppressed} similar`);
  }
}
