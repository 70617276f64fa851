/**
 * What a running `UserEquipment` tells its listeners: every datagram its sockets carry (the message trace hook),
 * each attach phase as it starts, discovery and IKE events (key material stays in the key log), the home address
 * and DNS servers from IKEv2, why UDP encapsulation was asked for, Binding Updates and Acknowledgements in the clear,
 * the mobile node core's events, the DHCP exchanges through the tunnel, and every drop.
 */

import type { Dhcpv4Parameters } from '../../dhcp/v4-parameters.ts';
import type { Dhcpv6Parameters } from '../../dhcp/v6-parameters.ts';
import type { DiscoveryEvent } from '../../discovery/discovery.ts';
import type { IkeEvent, KeyLogEvent } from '../../ike/events.ts';
import type { MobileNodeEvent } from '../../mip/events.ts';
import type { Ipv6Prefix, MhTransport } from '../../mip/types.ts';
import type { IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import type { BindingAcknowledgement, BindingUpdate } from '../../wire/mh/messages.ts';
import type { DatagramTraceEvent } from '../net/datagram-trace.ts';
import type { RawPacketTrace } from '../net/raw-transport.ts';

/** The attach phases timed in the result (in this order). */
export const ATTACH_PHASES = ['discovery', 'ike-sa-init', 'eap-aka', 'child-sa', 'binding', 'dhcp'] as const;
/** A timed phase of the UE: the attach phases, a care-of address change, or the detach. */
export type AttachPhase = (typeof ATTACH_PHASES)[number] | 'care-of-change' | 'detach';

/** Everything a running UserEquipment reports to `on()` listeners, told apart by `kind`. */
export type UeNodeEvent =
  | { readonly kind: 'datagram'; readonly trace: DatagramTraceEvent }
  /** A whole IP packet through a raw socket (protocol 41/4/50 with its IP header). */
  | { readonly kind: 'raw-packet'; readonly trace: RawPacketTrace }
  | { readonly kind: 'phase'; readonly phase: AttachPhase; readonly atMs: number }
  | { readonly kind: 'discovery'; readonly event: DiscoveryEvent }
  | { readonly kind: 'ike'; readonly event: Exclude<IkeEvent, KeyLogEvent> }
  /** MIP6_HOME_PREFIX and the HoA formed from it, with the DNS servers of the CFG_REPLY (RFC 5026 §4.2.2). */
  | {
      readonly kind: 'home-address';
      readonly homePrefix: Ipv6Prefix;
      readonly homeAddress: Ipv6Address;
      readonly dnsServers: { readonly ipv6: readonly Ipv6Address[]; readonly ipv4: readonly Ipv4Address[] };
    }
  /** F = 1 in the BUs (RFC 5555 §3.1.3), and why (e.g. protocol 41 cannot be received without a raw socket). */
  | { readonly kind: 'force-udp'; readonly reason: string }
  | {
      readonly kind: 'binding-update';
      readonly message: BindingUpdate;
      readonly transport: MhTransport;
      readonly atMs: number;
    }
  | { readonly kind: 'binding-ack'; readonly message: BindingAcknowledgement; readonly atMs: number }
  | { readonly kind: 'mobility'; readonly event: MobileNodeEvent }
  | { readonly kind: 'dhcpv6-parameters'; readonly parameters: Dhcpv6Parameters }
  | { readonly kind: 'dhcpv4-parameters'; readonly parameters: Dhcpv4Parameters }
  /** A DHCP exchange ran out of retransmissions (RFC 8415 §15, RFC 2131 §4.4.3). */
  | { readonly kind: 'dhcp-failed'; readonly family: 'ipv6' | 'ipv4' }
  /**
   * A care-of address change (ue-move.ts; RFC 6275 §11.7.1, RFC 5555 §5.1): started; done once the BA from the new
   * address is in and, away from home, a new IKE SA runs from it; or failed, and why.
   */
  | { readonly kind: 'care-of-change'; readonly stage: 'started'; readonly from: IpAddress; readonly to: IpAddress }
  | {
      readonly kind: 'care-of-change';
      readonly stage: 'done';
      readonly from: IpAddress;
      readonly to: IpAddress;
      readonly changed: boolean;
      readonly ikeSaRenegotiated: boolean;
      readonly durationMs: number;
    }
  | {
      readonly kind: 'care-of-change';
      readonly stage: 'failed';
      readonly from: IpAddress;
      readonly to: IpAddress;
      readonly reason: string;
    }
  | { readonly kind: 'drop'; readonly layer: string; readonly reason: string };
