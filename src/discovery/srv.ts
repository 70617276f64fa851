/**
 * Ordering of SRV records for `_mip6._ipv6.<domain>` (RFC 5026 §5.1.2) by the RFC 2782 selection algorithm:
 * lowest priority first; within a priority, a weighted random order, records of weight 0 having a small chance.
 */
import { type RandomSource, uniformUnit } from '../dhcp/random.ts';
import type { SrvRecord } from './dns-lookup.ts';

/** RFC 2782: a single record with target "." means "decidedly not available at this domain". */
export function srvServiceUnavailable(records: readonly SrvRecord[]): boolean {
  return records.length === 1 && (records[0]!.target === '.' || records[0]!.target === '');
}

/** The order in which to try the targets. */
export function orderSrvRecords(records: readonly SrvRecord[], random: RandomSource): SrvRecord[] {
  const byPriority = new Map<number, SrvRecord[]>();
  for (const r of records) {
    if (r.target === '.' || r.target === '') continue;
    const list = byPriority.get(r.priority);
    if (list) list.push(r);
    else byPriority.set(r.priority, [r]);
  }
  const out: SrvRecord[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    // "all those with weight 0 are placed at the beginning of the list", the rest in the order received.
    const remaining = byPriority
      .get(priority)!
      .slice()
      .sort((a, b) => (a.weight === 0 ? 0 : 1) - (b.weight === 0 ? 0 : 1));
    while (remaining.length > 0) {
      const total = remaining.reduce((s, r) => s + r.weight, 0);
      // "a random number between 0 and the sum, inclusive"; the first whose running sum reaches it is selected.
      const pick = Math.min(total, Math.floor(uniformUnit(random) * (total + 1)));
      let running = 0;
      let index = remaining.length - 1;
      for (let i = 0; i < remaining.length; i++) {
        running += remaining[i]!.weight;
        if (running >= pick) {
          index = i;
          break;
        }
      }
      out.push(remaining.splice(index, 1)[0]!);
    }
  }
  return out;
}
