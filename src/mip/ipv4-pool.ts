/**
 * The HA's IPv4 home address pool (RFC 5555 §4.5: allocate for 0.0.0.0, "if none is available ... 132")
 * and the owner index of every IPv4 home address in use, static ones included, which is also the
 * IPv4 HoA → IPv6 HoA lookup of the data plane. Addresses are signed 32-bit integers (addresses.ts).
 */
import { Ipv4Address } from '../util/ip-address.ts';
import { isUnicastIpv4 } from './addresses.ts';

export interface Ipv4Range {
  readonly first: Ipv4Address;
  readonly last: Ipv4Address;
}

/** What a decision may look at without changing anything. */
export interface Ipv4PoolView {
  /** True when the address belongs to one of the pool's ranges. */
  contains(address: number): boolean;
  /** The IPv6 HoA key holding the address, if any. */
  ownerOf(address: number): string | undefined;
  /** The address `allocate` would return now, without taking it. */
  peekFree(): number | undefined;
}

export class Ipv4HomeAddressPool implements Ipv4PoolView {
  private readonly firsts: number[] = [];
  private readonly lasts: number[] = [];
  private readonly owners = new Map<number, string>();
  /** Released pool addresses, reused first (LIFO). May hold addresses claimed since: they are skipped. */
  private readonly released: number[] = [];
  /** Never-used addresses: range index and next unsigned address in it. */
  private cursorRange = 0;
  private cursorNext: number;

  constructor(ranges: readonly Ipv4Range[]) {
    for (const r of ranges) {
      const first = r.first.toNumber();
      const last = r.last.toNumber();
      if (last < first) throw new RangeError(`IPv4 pool range ${r.first}–${r.last} is empty`);
      this.firsts.push(first);
      this.lasts.push(last);
    }
    this.cursorNext = this.firsts[0] ?? 0;
  }

  /** Addresses currently held by someone (in the pool or static). */
  get inUse(): number {
    return this.owners.size;
  }

  contains(address: number): boolean {
    const u = address >>> 0;
    for (let i = 0; i < this.firsts.length; i++) if (u >= this.firsts[i]! && u <= this.lasts[i]!) return true;
    return false;
  }

  ownerOf(address: number): string | undefined {
    return this.owners.get(address | 0);
  }

  peekFree(): number | undefined {
    for (let i = this.released.length - 1; i >= 0; i--) {
      const a = this.released[i]!;
      if (!this.owners.has(a)) return a;
    }
    let range = this.cursorRange;
    let next = this.cursorNext;
    while (range < this.firsts.length) {
      if (next > this.lasts[range]!) {
        range++;
        next = this.firsts[range] ?? 0;
        continue;
      }
      const a = next | 0;
      if (isUnicastIpv4(a) && !this.owners.has(a)) return a;
      next++;
    }
    return undefined;
  }

  /** Takes a free pool address for `owner`, or undefined when the pool is exhausted. */
  allocate(owner: string): number | undefined {
    while (this.released.length > 0) {
      const a = this.released.pop()!;
      if (!this.owners.has(a)) {
        this.owners.set(a, owner);
        return a;
      }
    }
    while (this.cursorRange < this.firsts.length) {
      if (this.cursorNext > this.lasts[this.cursorRange]!) {
        this.cursorRange++;
        this.cursorNext = this.firsts[this.cursorRange] ?? 0;
        continue;
      }
      const a = this.cursorNext++ | 0;
      if (isUnicastIpv4(a) && !this.owners.has(a)) {
        this.owners.set(a, owner);
        return a;
      }
    }
    return undefined;
  }

  /** Records `owner` as holding `address` (a static address, or one a decision saw as free). False if taken. */
  claim(address: number, owner: string): boolean {
    const a = address | 0;
    const current = this.owners.get(a);
    if (current !== undefined) return current === owner;
    this.owners.set(a, owner);
    // A decision peeks, the cache claims: step the never-used cursor past the address, or every later peek
    // would walk over all the addresses claimed so far (a range end is handled by the peek/allocate loops).
    if (this.cursorRange < this.firsts.length && a === (this.cursorNext | 0)) this.cursorNext++;
    return true;
  }

  /** Frees `address` if `owner` holds it; pool addresses become allocatable again. */
  release(address: number, owner: string): void {
    const a = address | 0;
    if (this.owners.get(a) !== owner) return;
    this.owners.delete(a);
    if (this.contains(a)) this.released.push(a);
  }
}

/** The addresses of an IPv4 prefix without its network and broadcast addresses (below /31), as a range. */
export function ipv4RangeOfPrefix(network: Ipv4Address, prefixLength: number): Ipv4Range {
  if (!Number.isInteger(prefixLength) || prefixLength < 1 || prefixLength > 32) {
    throw new RangeError(`IPv4 prefix length ${prefixLength} is not 1..32`);
  }
  const size = 2 ** (32 - prefixLength);
  const base = network.toNumber();
  const start = base - (base % size);
  const edge = prefixLength < 31 ? 1 : 0;
  return { first: Ipv4Address.fromNumber(start + edge), last: Ipv4Address.fromNumber(start + size - 1 - edge) };
}
