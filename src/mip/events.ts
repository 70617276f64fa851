/**
 * What the cores tell the node. Installing a tunnel, moving an IKE endpoint or configuring an address is
 * the node's reaction to these events, never a call from a core (STYLE.md).
 */
import type { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import type { CareOfAddress } from './binding-update-list.ts';
import type { TunnelRoute } from './types.ts';

/** A binding cache entry as the HA reports it (RFC 6275 §9.1): home address, care-of address, lifetime, NAT. */
export interface HaBindingInfo {
  readonly homeAddress: Ipv6Address;
  readonly careOf: CareOfAddress;
  /** The tunnel to install for the IPv6 HoA and, if any, the IPv4 HoA (TS 24.303 §5.1.3.2). */
  readonly tunnel: TunnelRoute;
  readonly lifetimeSec: number;
  readonly ikeSaId: string;
  /** K in the BA: move the IKE SA's peer endpoint to the CoA (RFC 6275 §10.3.1). */
  readonly keyManagementMobility: boolean;
  readonly natDetected: boolean;
}

/** A binding created, refreshed, moved or removed at the HA (its binding cache, RFC 6275 §10.3). */
export type HomeAgentEvent =
  | ({ readonly kind: 'binding-created' } & HaBindingInfo)
  /** The CoA or the tunnel of an existing binding changed (plain refreshes raise no event). */
  | ({ readonly kind: 'binding-updated' } & HaBindingInfo)
  | { readonly kind: 'binding-removed'; readonly homeAddress: Ipv6Address; readonly reason: 'deregistered' | 'expired' }
  | {
      readonly kind: 'ipv4-hoa-assigned';
      readonly homeAddress: Ipv6Address;
      readonly ipv4HomeAddress: Ipv4Address;
      readonly dynamic: boolean;
    }
  | {
      readonly kind: 'ipv4-hoa-released';
      readonly homeAddress: Ipv6Address;
      readonly ipv4HomeAddress: Ipv4Address;
      readonly reason: 'not-requested' | 'refused' | 'binding-removed';
    };

export type MobileNodeEvent =
  /** Home link detected (TS 24.303 §5.1.2.3); `deregistered` once the HA acknowledged the lifetime-0 BU. */
  | { readonly kind: 'at-home'; readonly deregistered: boolean }
  | {
      readonly kind: 'registered';
      readonly homeAgent: Ipv6Address;
      readonly careOf: CareOfAddress;
      readonly lifetimeSec: number;
      readonly ipv4HomeAddress: Ipv4Address | undefined;
      /** How to reverse-tunnel (TS 24.303 §5.1.2.4 last paragraph). */
      readonly tunnel: TunnelRoute;
      readonly refresh: boolean;
      /** BA status 1 (RFC 6275 §11.7.3): run mobile prefix discovery. */
      readonly prefixDiscoveryNeeded: boolean;
      readonly keyManagementMobility: boolean;
    }
  | {
      readonly kind: 'registration-failed';
      readonly homeAgent: Ipv6Address;
      readonly status: number | undefined;
      readonly reason: 'rejected' | 'no-care-of-address' | 'no-home-agent-left' | 'home-address-unusable';
      /** No further BU will be sent. */
      readonly final: boolean;
    }
  | {
      readonly kind: 'move-to-next-ha';
      readonly from: Ipv6Address;
      readonly to: Ipv6Address;
      readonly reason: 'timeout' | 'rejected';
    }
  /** RFC 5555 §4.4.1: the IPv6 CoA went unanswered three times. */
  | { readonly kind: 'care-of-fallback-to-ipv4'; readonly from: Ipv6Address; readonly to: Ipv4Address }
  | { readonly kind: 'ipv4-hoa-assigned'; readonly address: Ipv4Address; readonly prefixLength: number }
  | { readonly kind: 'ipv4-hoa-refused'; readonly status: number; readonly retrying: boolean }
  | { readonly kind: 'deregistered'; readonly acknowledged: boolean }
  | { readonly kind: 'binding-expired'; readonly homeAgent: Ipv6Address };
