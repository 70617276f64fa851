/** A benchmark: `run` performs `opsPerCall` operations; the harness reports operations per second. */
export interface Bench {
  readonly name: string;
  /** Unit printed after the figure, e.g. 'msg/s'. */
  readonly unit: string;
  readonly setup?: () => void;
  readonly run: () => void;
  readonly opsPerCall?: number;
}

/** A figure that is not a rate (e.g. bytes per binding): `measure` returns the value itself. */
export interface Figure {
  readonly name: string;
  readonly unit: string;
  readonly measure: () => number | Promise<number>;
}

/** Times `b.run` for about `seconds` after a warm-up and returns operations per second. */
export function measure(b: Bench, seconds = 1): number {
  b.setup?.();
  const ops = b.opsPerCall ?? 1;
  const warmEnd = performance.now() + 200;
  while (performance.now() < warmEnd) for (let i = 0; i < 100; i++) b.run();
  let calls = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 1000; i++) b.run();
    calls += 1000;
    now = performance.now();
  }
  return (calls * ops) / ((now - start) / 1000);
}

export function formatFigure(name: string, value: number, unit: string): string {
  const v = value >= 100 ? Math.round(value).toString() : value.toPrecision(3);
  return `${name}: ${v} ${unit}`;
}
