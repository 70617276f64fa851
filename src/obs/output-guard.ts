/**
 * Observability output (the live capture, the key log) must never take the node down: a write error (ENOSPC on a
 * full disk, EIO, EDQUOT, a file removed under a full quota...) stops that output, is reported once, is counted, and
 * the output is tried again after a back-off. While stopped, records are dropped and counted instead of being
 * buffered, so a full disk cannot turn into unbounded memory either.
 *
 * `FileSink` is the one place that touches the file, so tests inject a failing one.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';

/** An append-only file: `append` writes all of `bytes` or throws; `truncate` cuts a partial record back off. */
export interface FileSink {
  append(bytes: Uint8Array): void;
  /** Current length in bytes (where the next append lands). */
  size(): number;
  truncate(length: number): void;
  close(): void;
}

export interface FileSinkOptions {
  /** `w` creates or truncates; `a` appends to what is there. */
  readonly flags: 'w' | 'a';
  /** Permission bits when the file is created (secrets: 0o600). */
  readonly mode?: number;
}

export type OpenFileSink = (path: string, o: FileSinkOptions) => FileSink;

/** The real file, through synchronous calls (records stay in order and a crash right after loses nothing written). */
export const openFileSink: OpenFileSink = (path, o) => {
  const fd = openSync(path, o.flags, o.mode ?? 0o666);
  let length = o.flags === 'w' ? 0 : fstatSync(fd).size;
  return {
    append(bytes) {
      let at = 0;
      // writeSync may write less than asked; loop until everything is out (or it throws). At an explicit position:
      // `truncate` does not move the file offset, which a partial write before a failure left past the new end.
      while (at < bytes.length) {
        const n = writeSync(fd, bytes, at, bytes.length - at, length);
        at += n;
        length += n;
      }
    },
    size: () => length,
    truncate(to) {
      ftruncateSync(fd, to);
      length = to;
    },
    close: () => closeSync(fd),
  };
};

/** What the node does when an output fails or comes back: log it (once per failure), count it. */
export interface OutputGuardOptions {
  /** First failure after working (or at the first try): the output is stopped until `retryAfterMs` has passed. */
  readonly onFailure?: (error: Error) => void;
  /** The output works again after a failure. */
  readonly onResume?: (droppedMeanwhile: number) => void;
  /** Back-off before the next attempt (default 60 s). */
  readonly retryAfterMs?: number;
  /** Monotonic milliseconds; default performance.now. */
  readonly nowMs?: () => number;
}

/** The counters a metrics scrape reads. */
export interface OutputHealth {
  /** Failed write attempts (the first of an episode and every failed retry). */
  readonly failures: number;
  /** Records (packets, key lines) not written because of a failure or while stopped. */
  readonly dropped: number;
  /** True while stopped after a failure. */
  readonly suspended: boolean;
}

export const DEFAULT_OUTPUT_RETRY_MS = 60_000;

export class OutputGuard implements OutputHealth {
  failures = 0;
  dropped = 0;
  private retryAtMs: number | undefined;
  private droppedSinceFailure = 0;
  private readonly nowMs: () => number;

  constructor(private readonly o: OutputGuardOptions = {}) {
    this.nowMs = o.nowMs ?? (() => performance.now());
  }

  get suspended(): boolean {
    return this.retryAtMs !== undefined;
  }

  /** True when a write may be attempted now (working, or the back-off is over). */
  mayWrite(): boolean {
    return this.retryAtMs === undefined || this.nowMs() >= this.retryAtMs;
  }

  /** `n` records lost (not attempted while stopped, or cut back after a failed write). */
  drop(n = 1): void {
    this.dropped += n;
    this.droppedSinceFailure += n;
  }

  /**
   * Runs `write`; a throw is caught and stops the output (reported when it was working). Returns whether it worked.
   * Programming errors (TypeError, RangeError) are not I/O failures and are thrown on.
   */
  attempt(write: () => void): boolean {
    try {
      write();
    } catch (e) {
      if (e instanceof TypeError || e instanceof RangeError) throw e;
      this.failures++;
      const wasWorking = this.retryAtMs === undefined;
      this.retryAtMs = this.nowMs() + (this.o.retryAfterMs ?? DEFAULT_OUTPUT_RETRY_MS);
      if (wasWorking) {
        this.droppedSinceFailure = 0;
        this.o.onFailure?.(e instanceof Error ? e : new Error(String(e)));
      }
      return false;
    }
    if (this.retryAtMs !== undefined) {
      this.retryAtMs = undefined;
      this.o.onResume?.(this.droppedSinceFailure);
    }
    return true;
  }
}
