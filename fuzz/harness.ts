import { isWireError } from '../src/util/errors.ts';

/** A decoder under fuzz: it may return anything or throw a WireError; any other throw is a finding. */
export interface FuzzTarget {
  readonly name: string;
  /** Decoder family, for the per-family count in the report. */
  readonly family: string;
  readonly decode: (bytes: Uint8Array) => unknown;
  /** Valid inputs to mutate, ideally taken from real captures or oracle-built packets. */
  readonly seeds: () => Uint8Array[];
}

export interface FuzzFinding {
  readonly target: string;
  readonly input: string;
  readonly error: string;
}

/** Deterministic xorshift32: a fuzz run is reproducible from its seed. */
export function makeRng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

const INTERESTING = [0, 1, 2, 3, 4, 7, 8, 0x0f, 0x10, 0x3f, 0x40, 0x7f, 0x80, 0xfe, 0xff];

/** One mutation of `input`: bit flips, interesting bytes, truncation, extension, duplication, length tweaks. */
export function mutate(input: Uint8Array, rand: () => number): Uint8Array {
  let b = input.slice();
  const rounds = 1 + (rand() % 4);
  for (let k = 0; k < rounds; k++) {
    const op = rand() % 8;
    const pos = b.length === 0 ? 0 : rand() % b.length;
    switch (op) {
      case 0:
        if (b.length) b[pos] = b[pos]! ^ (1 << (rand() % 8));
        break;
      case 1:
        if (b.length) b[pos] = INTERESTING[rand() % INTERESTING.length]!;
        break;
      case 2:
        if (b.length) b[pos] = rand() & 0xff;
        break;
      case 3:
        b = b.subarray(0, rand() % (b.length + 1)).slice();
        break;
      case 4: {
        const extra = new Uint8Array(1 + (rand() % 16));
        for (let i = 0; i < extra.length; i++) extra[i] = rand() & 0xff;
        const out = new Uint8Array(b.length + extra.length);
        out.set(b.subarray(0, pos));
        out.set(extra, pos);
        out.set(b.subarray(pos), pos + extra.length);
        b = out;
        break;
      }
      case 5: {
        // Duplicate a chunk: repeats TLVs and options.
        if (b.length < 2) break;
        const len = 1 + (rand() % Math.min(32, b.length - pos));
        const out = new Uint8Array(b.length + len);
        out.set(b.subarray(0, pos + len));
        out.set(b.subarray(pos, pos + len), pos + len);
        out.set(b.subarray(pos + len), pos + 2 * len);
        b = out;
        break;
      }
      case 6:
        // Nudge a 16-bit big-endian value (most length fields) by a small amount.
        if (b.length >= 2) {
          const p = Math.min(pos, b.length - 2);
          const v = (((b[p]! << 8) | b[p + 1]!) + ((rand() % 9) - 4)) & 0xffff;
          b[p] = v >>> 8;
          b[p + 1] = v & 0xff;
        }
        break;
      default:
        if (b.length) b[pos] = (b[pos]! + 1) & 0xff;
    }
  }
  return b;
}

/** Runs `iterations` mutated inputs through `target`; returns findings (non-WireError throws). */
export function fuzzTarget(
  target: FuzzTarget,
  iterations: number,
  seed: number,
): { runs: number; findings: FuzzFinding[]; accepted: number } {
  const rand = makeRng(seed);
  const seeds = target.seeds();
  if (seeds.length === 0) throw new Error(`fuzz target ${target.name} has no seeds`);
  for (const s of seeds) target.decode(s); // seeds must decode cleanly
  const findings: FuzzFinding[] = [];
  let accepted = 0;
  for (let i = 0; i < iterations; i++) {
    const input = mutate(seeds[rand() % seeds.length]!, rand);
    try {
      target.decode(input);
      accepted++;
    } catch (e) {
      if (!isWireError(e) && findings.length < 20) {
        findings.push({
          target: target.name,
          input: Buffer.from(input).toString('hex'),
          error: String((e as Error)?.stack ?? e),
        });
      }
    }
  }
  return { runs: iterations, findings, accepted };
}
