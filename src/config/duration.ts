/**
 * Durations as written in config files: one or more `<integer><unit>` parts, e.g. `500ms`, `90s`, `1h30m`, `2d`.
 * A bare number is refused: whether `3600` means seconds or milliseconds is exactly the ambiguity units remove.
 */

/** A span of time; both views are kept so callers read the unit their API needs (`lifetime.sec`, `timeout.ms`). */
export interface Duration {
  readonly ms: number;
  readonly sec: number;
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;
const PART = /(\d+)(ms|s|m|h|d)/y;

export function durationOfMs(ms: number): Duration {
  return Object.freeze({ ms, sec: ms / 1000 });
}

export function durationOfSec(sec: number): Duration {
  return durationOfMs(sec * 1000);
}

/** The duration `text` denotes, or undefined when it is not one (units must not repeat and must be in order). */
export function parseDuration(text: string): Duration | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  PART.lastIndex = 0;
  let ms = 0;
  let lastRank = Number.POSITIVE_INFINITY;
  while (PART.lastIndex < s.length) {
    const start = PART.lastIndex;
    const m = PART.exec(s);
    if (!m || m.index !== start) return undefined;
    const unit = m[2] as Unit;
    const rank = UNIT_MS[unit];
    if (rank >= lastRank) return undefined; // "1s1h" or "1s2s": not a duration anyone means
    lastRank = rank;
    ms += Number(m[1]) * rank;
  }
  return Number.isSafeInteger(ms) ? durationOfMs(ms) : undefined;
}

/** Shortest exact text for `d` in the largest units first (`5400000` ms → `1h30m`). */
export function formatDuration(d: Duration): string {
  if (d.ms === 0) return '0s';
  let rest = d.ms;
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit];
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
