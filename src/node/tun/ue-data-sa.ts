/**
 * The UE's data SA (RFC 5555 §5.2.2): "to secure data traffic when the mobile node is located in an IPv4-only
 * network, the mobile node MUST establish a child_SA for that purpose". Once registered from an IPv4 care-of address
 * it asks its IKE SA for CREATE_CHILD_SA { SA, Ni, TSi, TSr } in tunnel mode with TSi = its home addresses (the IPv6
 * HoA /128 and the IPv4 HoA /32 the BA granted) and TSr = every address but the HA's (the SPD-S rule "remote_address
 * != home_agent" as ranges, src/ike/traffic-selectors.ts `selectorsExcluding`). Then:
 * - uplink: a device packet its outbound selectors cover is sealed on it (the forwarder asks `select`) and leaves as
 *   plain ESP over IPv4 without a NAT, ESP in UDP 4500 with one (RFC 7296 §2.23, RFC 3948);
 * - downlink: ESP from the HA (raw protocol 50, or the IKE NAT-T socket) is opened, checked against the selectors
 *   (RFC 4301 §5.2) and written to the device.
 * A new IKE SA (after a care-of address change) gets a new data SA; the old one goes with its IKE SA. A registration
 * whose IPv4 HoA the SA does not cover asks for a new one, and the SA it replaces is deleted (RFC 7296 §1.4.1). Only
 * an IKE SA from the registration's care-of address is asked (a move registers before its new IKE SA is up). Once
 * asked for, the SA's traffic is dropped while no usable SA carries it (RFC 4301 §5.1: PROTECT, never the clear).
 * Without a NAT and without a raw socket for protocol 50 the SA could not carry anything, so it is not asked for
 * (reported once) and the plain tunnel carries the traffic (DSA-4).
 * Which CREATE_CHILD_SA answers are the data SA: the engine's events name no request, so a new tunnel-mode Child SA
 * whose TSi lies inside what was asked for (or inside the current registration's home addresses) is taken, and
 * rekeys of those (DSA-3).
 */
import type { ChildSaEvent, IkeEvent, IkePath } from '../../ike/events.ts';
import type { ChildRequest } from '../../ike/tasks/child-create-initiator.ts';
import { addressSelector, selectorContains, selectorsExcluding } from '../../ike/traffic-selectors.ts';
import { EspSad } from '../../ipsec/sad.ts';
import type { RawIpTransport } from '../../net/transport.ts';
import type { IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import type { TrafficSelector } from '../../wire/ike/traffic-selector.ts';
import { sameAddress } from '../net/address-aliases.ts';
import type { TunnelMtus } from './compiled-tunnel.ts';
import {
  type DataSa,
  type DataSaCounters,
  espOfIpv4,
  installDataSa,
  isIpv4TunnelChild,
  newDataSaCounters,
  openDataEsp,
  removeDataSa,
} from './data-sa.ts';
import type { EspOutput, UdpPeer } from './esp-data-tunnel.ts';
import { type DataSaSelector, NO_DATA_SA, type ProtectedTunnel } from './protected-tunnel.ts';
import { CompiledSelectors } from './selector-match.ts';

/** What the data SA needs of the UE's current IKE SA (src/node/ue/ue-tunnel.ts adapts an IkeLink). */
export interface DataSaIkeControl {
  readonly ikeSaId: number;
  /** Queues CREATE_CHILD_SA on the IKE SA (RFC 7296 §1.3.1); false when the IKE SA is gone. */
  createChildSa(request: ChildRequest): boolean;
  /** Queues an INFORMATIONAL Delete of the Child SA we receive on with `spiIn` (RFC 7296 §1.4.1). */
  deleteChildSa(spiIn: number): boolean;
  /** The IKE SA's path and whether IKE saw a NAT (RFC 7296 §2.23); undefined once it is gone. */
  state(): { readonly path: IkePath; readonly natDetected: boolean } | undefined;
  /** This IKE SA's engine events; returns the remover. */
  onEvent(listener: (e: IkeEvent) => void): () => void;
  /** ESP in UDP from the NAT-T socket (RFC 3948 §2.1). */
  sendEsp(esp: Uint8Array, to: UdpPeer): void;
  /** Where ESP that arrives on the NAT-T socket goes from now on. */
  onEsp(handler: (esp: Uint8Array) => void): void;
}

export type UeDataSaEvent =
  | { readonly kind: 'requested'; readonly ikeSaId: number }
  | { readonly kind: 'installed'; readonly ikeSaId: number; readonly spiIn: number; readonly udpEncapsulated: boolean }
  | { readonly kind: 'removed'; readonly spiIn: number }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'unavailable'; readonly reason: string };

export interface UeDataSaDeps {
  readonly homeAddress: Ipv6Address;
  readonly homeAgent: { readonly ipv6: Ipv6Address; readonly ipv4: Ipv4Address | undefined };
  readonly random: (n: number) => Uint8Array;
  readonly mtus: TunnelMtus;
  /** The raw socket for IPv4 protocol 50, if the process could open one. */
  readonly rawEsp: RawIpTransport | undefined;
  /** An accepted inner packet for the device (its destination is checked there); false when there is none. */
  readonly toDevice: (inner: Uint8Array) => boolean;
  readonly onEvent?: (e: UeDataSaEvent) => void;
}

export class UeDataSa implements DataSaSelector {
  readonly counters: DataSaCounters = newDataSaCounters();
  private readonly sad: EspSad;
  private readonly bySpi = new Map<number, DataSa>();
  /** The newest SA: the one packets are sealed on. */
  private active: DataSa | undefined;
  private control: DataSaIkeControl | undefined;
  private unsubscribe: (() => void) | undefined;
  /** TSi of the request in flight. */
  private pending: readonly TrafficSelector[] | undefined;
  /** The home addresses of the current registration from an IPv4 care-of address, and that address. */
  private wanted: { readonly careOf: IpAddress; readonly tsi: readonly TrafficSelector[] } | undefined;
  /** The SPD-S entry of the last request (TSi, TSr): what may leave only through a data SA once asked for. */
  private protect: CompiledSelectors | undefined;
  private unavailableReported = false;
  private readonly output: EspOutput;

  constructor(private readonly deps: UeDataSaDeps) {
    this.sad = new EspSad({ random: deps.random });
    this.output = {
      sendUdp: (esp, to) => {
        const c = this.control;
        if (c === undefined) return false;
        c.sendEsp(esp, to);
        return true;
      },
      sendRaw: (packet) => {
        const raw = deps.rawEsp;
        if (raw === undefined) return false;
        raw.send(packet);
        return true;
      },
    };
  }

  /** The installed SA that packets are sealed on, if any. */
  get current(): DataSa | undefined {
    return this.active;
  }

  /**
   * Takes the IKE SA the data SA belongs to from now on. SAs of an earlier IKE SA stop being used (it is being
   * retired, and takes them with it at the HA); a new one is asked for if registered.
   */
  useIkeLink(control: DataSaIkeControl): void {
    this.unsubscribe?.();
    for (const sa of [...this.bySpi.values()]) this.remove(sa.spiIn);
    this.control = control;
    this.pending = undefined;
    this.unsubscribe = control.onEvent((e) => this.onIkeEvent(e));
    control.onEsp((esp) => this.fromEsp(esp));
    this.request();
  }

  /** A registration (RFC 5555 §5.2.2 is for IPv4 care-of addresses only; others leave the SA unasked for). */
  registered(careOf: IpAddress, ipv4HomeAddress: Ipv4Address | undefined): void {
    if (careOf.bytes.length !== 4) {
      this.wanted = undefined;
      this.protect = undefined; // the rule is for IPv4 access: from IPv6 the plain tunnel carries it all
      return;
    }
    const tsi = [
      addressSelector(this.deps.homeAddress),
      ...(ipv4HomeAddress ? [addressSelector(ipv4HomeAddress)] : []),
    ];
    this.wanted = { careOf, tsi };
    this.request();
  }

  /**
   * Uplink: the data SA if its outbound selectors cover `packet`; NO_DATA_SA when it covers it but may send no more,
   * or when none covers what was asked for (RFC 4301 §5.1: PROTECT traffic is discarded, never sent in the clear).
   */
  select(packet: Uint8Array): ProtectedTunnel | typeof NO_DATA_SA | undefined {
    const sa = this.active;
    if (sa?.selectors.matchesOutbound(packet)) return sa.outbound.usable ? sa.tunnel : NO_DATA_SA;
    return this.protect?.matchesOutbound(packet) ? NO_DATA_SA : undefined;
  }

  /** A whole IPv4 packet from the raw socket for protocol 50; false when it is not ESP (for other paths). */
  fromRawIpv4(packet: Uint8Array): boolean {
    const esp = espOfIpv4(packet);
    if (esp === undefined) return false;
    this.fromEsp(esp);
    return true;
  }

  /** ESP from the HA (either format of RFC 5555 §5.2.2). */
  fromEsp(esp: Uint8Array): void {
    const r = openDataEsp(this.sad, this.bySpi, esp, this.counters);
    if (!r.ok) return;
    if (this.deps.toDevice(r.inner)) this.counters.opened++;
    else this.counters.drops['no-device']++;
  }

  /** Forgets every SA (the IKE SA's deletion tells the HA). */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.control = undefined;
    this.protect = undefined;
    for (const sa of [...this.bySpi.values()]) this.remove(sa.spiIn);
  }

  /**
   * Asks for a data SA when registered from IPv4 and no SA (or request) covers the home addresses, on an IKE SA from
   * the registration's care-of address (a move registers from the new address before its IKE SA exists).
   */
  private request(): void {
    const c = this.control;
    const wanted = this.wanted;
    if (c === undefined || wanted === undefined || this.pending !== undefined) return;
    const tsi = wanted.tsi;
    if (this.active !== undefined && inside(tsi, this.active.selectors.selectors.local)) return;
    const state = c.state();
    if (state === undefined || !sameAddress(state.path.localAddr, wanted.careOf)) return;
    if (!state.natDetected && this.deps.rawEsp === undefined) {
      this.protect = undefined; // nothing could carry it: the plain tunnel does (DSA-4)
      if (!this.unavailableReported) {
        this.unavailableReported = true;
        this.emit({ kind: 'unavailable', reason: 'no NAT and no raw socket for ESP (IP protocol 50)' });
      }
      return;
    }
    const ha = this.deps.homeAgent;
    const tsr = [...selectorsExcluding(ha.ipv6), ...(ha.ipv4 ? selectorsExcluding(ha.ipv4) : [])];
    if (!c.createChildSa({ tsi, tsr, mode: 'tunnel', requireMode: true, homeAddress: undefined })) return;
    this.pending = tsi;
    this.protect = new CompiledSelectors({ local: tsi, remote: tsr });
    this.emit({ kind: 'requested', ikeSaId: c.ikeSaId });
  }

  private onIkeEvent(e: IkeEvent): void {
    const c = this.control;
    if (c === undefined || e.ikeSaId !== c.ikeSaId) return;
    if (e.kind === 'child-sa-established') this.maybeInstall(c, e);
    else if (e.kind === 'child-sa-deleted') this.remove(e.spiIn);
    else if (e.kind === 'child-sa-failed' && this.pending !== undefined) {
      this.pending = undefined;
      this.emit({ kind: 'refused', reason: e.reason });
    } else if (e.kind === 'ike-sa-deleted' || e.kind === 'ike-sa-failed') {
      for (const sa of [...this.bySpi.values()]) this.remove(sa.spiIn);
    }
  }

  /**
   * Ours: a rekey of one of ours, or a new tunnel-mode Child SA whose TSi lies inside what was asked for or inside the
   * current registration's home addresses (an answer whose request a failure of another Child SA seemed to end).
   * A new one replaces every other: they were for earlier registrations, and go (RFC 7296 §1.4.1).
   */
  private maybeInstall(c: DataSaIkeControl, e: ChildSaEvent): void {
    const fresh = e.rekeyOf === undefined;
    const ours = fresh
      ? e.mode === 'tunnel' && (inside(e.tsLocal, this.pending) || inside(e.tsLocal, this.wanted?.tsi))
      : this.bySpi.has(e.rekeyOf);
    if (!ours) return;
    if (fresh) this.pending = undefined; // answered, whether or not it can be used here
    const path = c.state()?.path;
    if (path === undefined || !isIpv4TunnelChild(e, path)) return;
    const sa = installDataSa(this.sad, e, path, this.output, this.deps.mtus, this.counters);
    if (sa === undefined) return;
    if (fresh) {
      for (const old of [...this.bySpi.values()]) {
        c.deleteChildSa(old.spiIn);
        this.remove(old.spiIn);
      }
    }
    this.bySpi.set(sa.spiIn, sa);
    this.active = sa;
    this.counters.installed++;
    this.emit({ kind: 'installed', ikeSaId: e.ikeSaId, spiIn: sa.spiIn, udpEncapsulated: e.udpEncapsulation });
    this.request(); // a registration in the meantime may want more than was asked for
  }

  private remove(spiIn: number): void {
    const sa = this.bySpi.get(spiIn);
    if (sa === undefined) return;
    this.bySpi.delete(spiIn);
    removeDataSa(this.sad, sa);
    this.counters.removed++;
    if (this.active === sa) {
      let newest: DataSa | undefined;
      for (const x of this.bySpi.values()) newest = x; // insertion order: the last is the newest
      this.active = newest;
    }
    this.emit({ kind: 'removed', spiIn });
  }

  private emit(e: UeDataSaEvent): void {
    this.deps.onEvent?.(e);
  }
}

/** Whether `selectors` is non-empty and each lies inside one of `within` (none when `within` is undefined). */
function inside(selectors: readonly TrafficSelector[], within: readonly TrafficSelector[] | undefined): boolean {
  return (
    within !== undefined && selectors.length > 0 && selectors.every((t) => within.some((w) => selectorContains(w, t)))
  );
}
