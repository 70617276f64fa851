/**
 * The routes a node points at its TUN device, as `ip route` prefixes:
 * - HA: the home prefix pool's block (each UE's prefix is cut from it, RFC 5026 §8.2) and the IPv4 home address
 *   pool (RFC 5555 §4.5) as the fewest CIDR blocks that cover each range exactly.
 * - UE: the configured prefixes, a default route split in two halves (0.0.0.0/1 + 128.0.0.0/1, ::/1 + 8000::/1) so
 *   it wins over the access network's default route without replacing it: the tunnel's own outer packets still
 *   need that one.
 */
import { Ipv4Address } from '../../util/ip-address.ts';

export interface PrefixText {
  readonly prefix: { toString(): string };
  readonly prefixLength: number;
}

/** `first`..`last` (inclusive) as the fewest aligned CIDR blocks, in order. */
export function ipv4RangeToCidrs(first: Ipv4Address, last: Ipv4Address): string[] {
  const out: string[] = [];
  let at = first.toNumber();
  const end = last.toNumber();
  while (at <= end) {
    // The largest block starting at `at` (alignment) that does not pass `end`.
    let size = at === 0 ? 2 ** 32 : 2 ** Math.min(32, countTrailingZeros(at));
    while (at + size - 1 > end) size /= 2;
    out.push(`${Ipv4Address.fromNumber(at)}/${32 - Math.log2(size)}`);
    at += size;
  }
  return out;
}

function countTrailingZeros(n: number): number {
  let z = 0;
  while (z < 32 && (n & (2 ** z)) === 0) z++;
  return z;
}

/** HA routes: the home prefix block and the IPv4 pool. */
export function homeAgentRoutes(
  homePrefixBlock: PrefixText,
  ipv4Pool: readonly { readonly first: Ipv4Address; readonly last: Ipv4Address }[],
): string[] {
  return [
    `${homePrefixBlock.prefix}/${homePrefixBlock.prefixLength}`,
    ...ipv4Pool.flatMap((r) => ipv4RangeToCidrs(r.first, r.last)),
  ];
}

/** UE routes: `configured` with default routes split in halves; with none, default routes for each home address. */
export function userEquipmentRoutes(configured: readonly PrefixText[], families: { ipv4: boolean }): string[] {
  const wanted = configured.length > 0 ? configured.map((p) => `${p.prefix}/${p.prefixLength}`) : ['::/0'];
  if (configured.length === 0 && families.ipv4) wanted.push('0.0.0.0/0');
  return wanted.flatMap((r) => {
    if (r === '0.0.0.0/0') return ['0.0.0.0/1', '128.0.0.0/1'];
    if (r === '::/0') return ['::/1', '8000::/1'];
    return [r];
  });
}
