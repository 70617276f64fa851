/**
 * The BU/BA SAs a node holds, installed in its SAD from the IKE engine's events. For the HA it remembers which IKE
 * SA each inbound SPI belongs to and the home prefix that IKE SA's identity was given: the PAD tie between an
 * authenticated identity and the Home Addresses it may register (RFC 4877 §7.1, §4.3). The prefix is read when the
 * Child SA is installed; the node removes an IKE SA's Child SAs when it goes (`removeIkeSa` on `ike-sa-deleted`).
 * Outbound, it finds the SA for a (local, remote) address pair: the pair of the SA a request came in on, else the
 * newest one while a rekey overlaps the old SA (RFC 7296 §2.8).
 */
import type { ChildSaEvent } from '../../ike/events.ts';
import type { EspSa } from '../../ipsec/sa.ts';
import type { EspSad } from '../../ipsec/sad.ts';
import { ipv6Key, prefixContains } from '../../mip/addresses.ts';
import type { Ipv6Prefix } from '../../mip/types.ts';
import type { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import {
  type MobilityRole,
  type MobilitySaOptions,
  mobilityChildSa,
  mobilityPortRange,
  type NotMobilitySaReason,
} from './child-sa.ts';

/** What the HA knows of an IKE SA's identity: `IkeResponder` is one (its `session(id)`). */
export interface IkeSessionLookup {
  session(ikeSaId: number):
    | {
        /** MIP6_HOME_PREFIX given to this identity (RFC 5026 §4.2.2). */
        readonly homePrefix: Ipv6Prefix | undefined;
        /** A static IPv4 home address the identity holds (e.g. from AAA), if any. */
        readonly ipv4HomeAddress?: Ipv4Address;
      }
    | undefined;
}

export interface MobilitySaEntry {
  readonly ikeSaId: number;
  /** `ikeSaId` as the Mobile IPv6 core's `BindingUpdateContext.ikeSaId`. */
  readonly ikeSaKey: string;
  readonly homeAddress: Ipv6Address;
  readonly homeAgent: Ipv6Address;
  readonly inbound: EspSa;
  readonly outbound: EspSa;
  /** The peer's and our address in the selectors (HoA and HA, by role), and the MH types the peer may send. */
  readonly peerAddress: Ipv6Address;
  readonly localAddress: Ipv6Address;
  readonly peerPorts: { readonly first: number; readonly last: number };
  /** HA: the prefix the IKE SA's identity owns when the SA was installed; undefined = owns nothing. */
  readonly authorizedHomePrefix: Ipv6Prefix | undefined;
  readonly authorizedIpv4HomeAddress: Ipv4Address | undefined;
}

/** Whether the IKE identity behind `e` was given a prefix holding `homeAddress` (RFC 4877 §7.1 PAD check). */
export function ownsHomeAddress(e: MobilitySaEntry, homeAddress: Ipv6Address): boolean {
  const p = e.authorizedHomePrefix;
  return p !== undefined && prefixContains(p, homeAddress);
}

export type InstallResult =
  | { readonly ok: true; readonly entry: MobilitySaEntry }
  | { readonly ok: false; readonly reason: NotMobilitySaReason };

export class MobilitySaRegistry {
  private readonly bySpi = new Map<number, MobilitySaEntry>();
  /** Newest first, by local ‖ remote address key. */
  private readonly byPair = new Map<string, MobilitySaEntry[]>();

  private constructor(
    readonly sad: EspSad,
    readonly role: MobilityRole,
    private readonly sessions: IkeSessionLookup | undefined,
    private readonly options: MobilitySaOptions,
  ) {}

  static forHomeAgent(sad: EspSad, sessions: IkeSessionLookup, options: MobilitySaOptions = {}): MobilitySaRegistry {
    return new MobilitySaRegistry(sad, 'home-agent', sessions, options);
  }

  static forMobileNode(sad: EspSad, options: MobilitySaOptions = {}): MobilitySaRegistry {
    return new MobilitySaRegistry(sad, 'mobile-node', undefined, options);
  }

  get size(): number {
    return this.bySpi.size;
  }

  /**
   * Installs the SA pair of a BU/BA Child SA, or says why `e` is another Child SA (nothing installed then). On the
   * HA the identity's prefix is read now, from the IKE SA that negotiated the Child SA. An inbound SPI that is
   * already installed is a RangeError (the SAD's rule: our SPIs are unique).
   */
  install(e: ChildSaEvent): InstallResult {
    const m = mobilityChildSa(e, this.role, this.options);
    if (!m.ok) return m;
    const sa = m.sa;
    const session = this.sessions?.session(e.ikeSaId);
    const inbound = this.sad.install(sa.inbound);
    const outbound = this.sad.install(sa.outbound);
    const entry: MobilitySaEntry = {
      ikeSaId: sa.ikeSaId,
      ikeSaKey: String(sa.ikeSaId),
      homeAddress: sa.homeAddress,
      homeAgent: sa.homeAgent,
      inbound,
      outbound,
      peerAddress: this.role === 'home-agent' ? sa.homeAddress : sa.homeAgent,
      localAddress: this.role === 'home-agent' ? sa.homeAgent : sa.homeAddress,
      peerPorts: mobilityPortRange(e.tsRemote),
      authorizedHomePrefix: session?.homePrefix,
      authorizedIpv4HomeAddress: session?.ipv4HomeAddress,
    };
    this.bySpi.set(inbound.spi, entry);
    const key = this.pairKey(entry);
    this.byPair.set(key, [entry, ...(this.byPair.get(key) ?? [])]);
    return { ok: true, entry };
  }

  entryBySpi(spiIn: number): MobilitySaEntry | undefined {
    return this.bySpi.get(spiIn);
  }

  /**
   * The usable outbound SA from `local` to `remote` (HA → HoA on the HA, HoA → HA on the UE). A reply goes out on
   * the pair of the SA its request came in on (`via`) while that one fits; otherwise the newest fitting SA. The HA
   * only uses an SA whose IKE identity owns the HoA: a BA goes to the subscriber, never to another identity that
   * managed to negotiate selectors naming the same address.
   */
  outbound(local: Ipv6Address, remote: Ipv6Address, via?: MobilitySaEntry): EspSa | undefined {
    if (via?.outbound.usable && this.fits(via, local, remote)) return via.outbound;
    const list = this.byPair.get(ipv6Key(local) + ipv6Key(remote));
    if (list === undefined) return undefined;
    for (const e of list) if (e.outbound.usable && this.fits(e, local, remote)) return e.outbound;
    return undefined;
  }

  /** Removes the Child SA whose inbound SPI is `spiIn` (`child-sa-deleted`, a rekey's old SA); false if unknown. */
  remove(spiIn: number): boolean {
    const entry = this.bySpi.get(spiIn);
    if (entry === undefined) return false;
    this.bySpi.delete(spiIn);
    this.sad.remove(entry.inbound);
    this.sad.remove(entry.outbound);
    const key = this.pairKey(entry);
    const left = (this.byPair.get(key) ?? []).filter((x) => x !== entry);
    if (left.length === 0) this.byPair.delete(key);
    else this.byPair.set(key, left);
    return true;
  }

  /** Removes every Child SA of an IKE SA (`ike-sa-deleted`); returns how many. */
  removeIkeSa(ikeSaId: number): number {
    const spis = [...this.bySpi.values()].filter((e) => e.ikeSaId === ikeSaId).map((e) => e.inbound.spi);
    for (const spi of spis) this.remove(spi);
    return spis.length;
  }

  /** Whether `e` is the SA pair between `local` and `remote`, and on the HA one its identity may use for the HoA. */
  private fits(e: MobilitySaEntry, local: Ipv6Address, remote: Ipv6Address): boolean {
    if (!e.localAddress.equals(local) || !e.peerAddress.equals(remote)) return false;
    return this.role === 'mobile-node' || ownsHomeAddress(e, remote);
  }

  private pairKey(e: MobilitySaEntry): string {
    return ipv6Key(e.localAddress) + ipv6Key(e.peerAddress);
  }
}
