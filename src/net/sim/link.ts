/**
 * Link impairments of the simulated network: latency with jitter, loss, duplication and reordering (an
 * extra delay for a random share of packets, so later ones overtake them). All draws come from the
 * network's seeded random source.
 */
import type { SeededRandom } from './random.ts';

export interface LinkProfile {
  readonly latencyMs: number;
  /** Uniform extra delay in [0, jitterMs). */
  readonly jitterMs?: number;
  /** Probability that a packet is lost. */
  readonly loss?: number;
  /** Probability that a packet arrives twice. */
  readonly duplicate?: number;
  /** Probability that a packet is held back by `reorderDelayMs`. */
  readonly reorder?: number;
  readonly reorderDelayMs?: number;
}

export const PERFECT_LINK: LinkProfile = { latencyMs: 1 };

/** The delivery delays of one packet sent on the link: [] when lost, two entries when duplicated. */
export function deliveryDelays(profile: LinkProfile, random: SeededRandom): number[] {
  if (random.chance(profile.loss ?? 0)) return [];
  const copies = random.chance(profile.duplicate ?? 0) ? 2 : 1;
  const out: number[] = [];
  for (let i = 0; i < copies; i++) {
    let delay = profile.latencyMs;
    if ((profile.jitterMs ?? 0) > 0) delay += random.next() * profile.jitterMs!;
    if (random.chance(profile.reorder ?? 0)) delay += profile.reorderDelayMs ?? 4 * profile.latencyMs + 1;
    out.push(delay);
  }
  return out;
}
