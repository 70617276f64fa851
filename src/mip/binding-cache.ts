/**
 * The HA's Binding Cache (RFC 6275 §9.1, §10.3.1) with the DSMIPv6 IPv4 home address binding linked to the
 * IPv6 one (RFC 5555 §4.5; TS 24.303 §5.1.3.2 NOTE: a single entry here). Entries are flat objects of
 * strings and small integers so a million bindings stay well under 1 KB each; expiry is one heap.
 */
import { ExpiryHeap } from './expiry-heap.ts';
import type { Ipv4HomeAddressPool } from './ipv4-pool.ts';

/** How packets for the binding are tunnelled (TS 24.303 §5.1.3.2 last paragraph). */
export const TunnelMode = {
  /** IPv6 header to an IPv6 CoA. */
  IPV6: 0,
  /** IPv4 header to an IPv4 CoA (protocol 41 / 4). */
  IPV4: 1,
  /** UDP + IPv4 to the NAT's address and port (RFC 5555 §4.1). */
  UDP4: 2,
} as const;
export type TunnelModeValue = (typeof TunnelMode)[keyof typeof TunnelMode];

export const BindingFlag = {
  /** De-registered: kept only to defend its sequence number for MAX_DELETE_BCE_TIMEOUT (RFC 6275 §10.3.2). */
  DEREGISTERED: 1,
  NAT_DETECTED: 2,
  FORCED_UDP: 4,
  /** The IPv4 HoA came from the pool (vs a static address). */
  IPV4_DYNAMIC: 8,
  /** The BA carried K = 1 (RFC 6275 §10.3.1). */
  KEY_MANAGEMENT: 16,
  MOBILE_ROUTER: 32,
} as const;

/** A read-only view of a binding, what `decideBindingUpdate` looks at. */
export interface BindingView {
  readonly homeAddressKey: string;
  readonly ikeSaId: string;
  readonly sequence: number;
  readonly lifetimeSec: number;
  readonly expiresAtMs: number;
  readonly mode: TunnelModeValue;
  /** ipv6Key of the IPv6 CoA, '' for an IPv4 CoA. */
  readonly careOfV6: string;
  /** The IPv4 CoA from the IPv4 CoA option, 0 for an IPv6 CoA. */
  readonly careOfV4: number;
  /** IPv4 tunnel destination: the outer source of the BU (the NAT's address when NATed). */
  readonly remoteV4: number;
  /** UDP port Z the BU came from (UDP4 mode). */
  readonly remotePort: number;
  /** The HA IPv4 address the BU was sent to (IPv4 tunnels' source). */
  readonly localV4: number;
  /** The linked IPv4 home address, 0 when none. */
  readonly ipv4HomeAddress: number;
  readonly flags: number;
}

export class BindingEntry implements BindingView {
  homeAddressKey: string;
  ikeSaId = '';
  sequence = 0;
  lifetimeSec = 0;
  expiresAtMs = 0;
  mode: TunnelModeValue = TunnelMode.IPV6;
  careOfV6 = '';
  careOfV4 = 0;
  remoteV4 = 0;
  remotePort = 0;
  localV4 = 0;
  ipv4HomeAddress = 0;
  flags = 0;

  constructor(homeAddressKey: string) {
    this.homeAddressKey = homeAddressKey;
  }

  has(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }
}

export class BindingCache {
  private readonly entries = new Map<string, BindingEntry>();
  private readonly heap = new ExpiryHeap();

  constructor(readonly pool: Ipv4HomeAddressPool) {}

  get size(): number {
    return this.entries.size;
  }

  get(homeAddressKey: string): BindingEntry | undefined {
    return this.entries.get(homeAddressKey);
  }

  /** The binding holding `ipv4HomeAddress` (the data plane's IPv4 lookup). */
  getByIpv4(ipv4HomeAddress: number): BindingEntry | undefined {
    const owner = this.pool.ownerOf(ipv4HomeAddress);
    return owner === undefined ? undefined : this.entries.get(owner);
  }

  values(): IterableIterator<BindingEntry> {
    return this.entries.values();
  }

  /** Adds `entry` if new and (re)arms its expiry at `entry.expiresAtMs`. */
  store(entry: BindingEntry): void {
    this.entries.set(entry.homeAddressKey, entry);
    this.heap.push(entry.expiresAtMs, entry.homeAddressKey);
    // Every refresh leaves a stale pair behind; rebuild once they outnumber the live ones.
    if (this.heap.length > 2 * this.entries.size + 1024) this.rebuildHeap();
  }

  /** Links an IPv4 HoA to the binding (RFC 5555 §4.5), releasing a different one it held. */
  linkIpv4(entry: BindingEntry, address: number, dynamic: boolean): boolean {
    if (entry.ipv4HomeAddress !== 0 && entry.ipv4HomeAddress !== address) this.unlinkIpv4(entry);
    if (!this.pool.claim(address, entry.homeAddressKey)) return false;
    entry.ipv4HomeAddress = address;
    entry.flags = dynamic ? entry.flags | BindingFlag.IPV4_DYNAMIC : entry.flags & ~BindingFlag.IPV4_DYNAMIC;
    return true;
  }

  /** Drops only the IPv4 binding (a BU without the IPv4 HoA option, RFC 5555 §4.4.2.1). Returns the address. */
  unlinkIpv4(entry: BindingEntry): number {
    const address = entry.ipv4HomeAddress;
    if (address === 0) return 0;
    this.pool.release(address, entry.homeAddressKey);
    entry.ipv4HomeAddress = 0;
    entry.flags &= ~BindingFlag.IPV4_DYNAMIC;
    return address;
  }

  /** Removes the IPv6 binding and with it the IPv4 one (RFC 5555 §4.4.2.1). */
  remove(entry: BindingEntry): void {
    this.unlinkIpv4(entry);
    this.entries.delete(entry.homeAddressKey);
  }

  /** The earliest live deadline, dropping stale heap pairs on the way. */
  nextDeadline(): number | undefined {
    for (;;) {
      const t = this.heap.peekTime();
      if (t === undefined) return undefined;
      const e = this.entries.get(this.heap.peekKey()!);
      if (e !== undefined && e.expiresAtMs === t) return t;
      this.heap.pop();
    }
  }

  /** Takes the next entry whose deadline is at or before `now` (the caller removes or re-arms it). */
  popDue(now: number): BindingEntry | undefined {
    const t = this.nextDeadline();
    if (t === undefined || t > now) return undefined;
    const e = this.entries.get(this.heap.peekKey()!)!;
    this.heap.pop();
    return e;
  }

  /** The heap of live deadlines only, in one pass over the entries (no pair objects). */
  private rebuildHeap(): void {
    const times: number[] = [];
    const keys: string[] = [];
    for (const e of this.entries.values()) {
      times.push(e.expiresAtMs);
      keys.push(e.homeAddressKey);
    }
    this.heap.replace(times, keys);
  }
}
