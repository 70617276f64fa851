/**
 * The HA's home network prefixes (`ha.homePrefixPool`): each subscriber gets its own prefix of `prefixLength` cut
 * from `base`, handed out in IKEv2 MIP6_HOME_PREFIX (RFC 5026 §4.2.2, §8.2; TS 24.303 §5.1.3.1). A subscriber with
 * several IKE SAs at once (a re-attach overlapping the old SA) keeps one prefix, so its HoA does not change under
 * a binding; the prefix returns to the pool when its last IKE SA goes (RFC 4877 §9). The first prefix of the block
 * is never handed out: it is the home link's own (the HA's address and the DHCP relay link-address live there).
 */
import type { HomePrefixPool } from '../../ike/tasks/ike-config.ts';
import { Ipv6Address } from '../../util/ip-address.ts';

export interface HomePrefixPoolConfig {
  readonly base: { readonly prefix: Ipv6Address; readonly prefixLength: number };
  readonly prefixLength: number;
}

interface Holding {
  readonly index: number;
  readonly ikeSaIds: Set<number>;
}

function bigOf(a: Ipv6Address): bigint {
  let v = 0n;
  for (const b of a.bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function addressOf(v: bigint): Ipv6Address {
  const out = new Uint8Array(16);
  let x = v;
  for (let i = 15; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return Ipv6Address.fromBytes(out);
}

export class SubscriberPrefixPool implements HomePrefixPool {
  /** Prefixes in the block, the reserved first one included. */
  readonly capacity: number;
  private readonly base: bigint;
  private readonly shift: bigint;
  private readonly bySubscriber = new Map<string, Holding>();
  private readonly free: number[] = [];
  private nextUnused = 1;

  constructor(readonly config: HomePrefixPoolConfig) {
    const { base, prefixLength } = config;
    if (!Number.isInteger(prefixLength) || prefixLength < base.prefixLength || prefixLength > 64) {
      throw new RangeError(`prefix length ${prefixLength}: between the base's /${base.prefixLength} and /64`);
    }
    if (prefixLength - base.prefixLength > 30) throw new RangeError('more than 2^30 prefixes in one pool');
    this.capacity = 2 ** (prefixLength - base.prefixLength);
    this.base = bigOf(base.prefix);
    this.shift = BigInt(128 - prefixLength);
  }

  /** Subscribers holding a prefix now. */
  get allocatedCount(): number {
    return this.bySubscriber.size;
  }

  /** The prefix `subscriber` holds, if any. */
  prefixOf(subscriber: string): Ipv6Address | undefined {
    const h = this.bySubscriber.get(subscriber);
    return h === undefined ? undefined : this.prefixAt(h.index);
  }

  allocate(subscriber: string, ikeSaId: number): { prefix: Ipv6Address; prefixLength: number } | undefined {
    let h = this.bySubscriber.get(subscriber);
    if (h === undefined) {
      const index = this.free.pop() ?? (this.nextUnused < this.capacity ? this.nextUnused++ : undefined);
      if (index === undefined) return undefined; // exhausted: the engine answers without a prefix
      h = { index, ikeSaIds: new Set() };
      this.bySubscriber.set(subscriber, h);
    }
    h.ikeSaIds.add(ikeSaId);
    return { prefix: this.prefixAt(h.index), prefixLength: this.config.prefixLength };
  }

  release(subscriber: string, ikeSaId: number): void {
    const h = this.bySubscriber.get(subscriber);
    if (h === undefined || !h.ikeSaIds.delete(ikeSaId) || h.ikeSaIds.size > 0) return;
    this.bySubscriber.delete(subscriber);
    this.free.push(h.index);
  }

  private prefixAt(index: number): Ipv6Address {
    return addressOf(this.base | (BigInt(index) << this.shift));
  }
}
