/**
 * The UE's DHCP clients for use over the DSMIPv6 tunnel, once the binding is accepted (TS 24.303 §5.1.2.4 last
 * paragraph): an Information-request from the IPv6 HoA asking for Vendor-specific Information (17), DNS (23) and
 * the configured codes, and a DHCPINFORM from the IPv4 HoA (see inform-client.ts). Both are carried through the
 * tunnel exactly like data traffic; the node frames them.
 */
import type { Ipv6Address } from '../util/ip-address.ts';
import type { Duid } from '../wire/dhcpv6/duid.ts';
import type { Dhcpv6Option } from '../wire/dhcpv6/option-types.ts';
import { TUNNEL_DHCPV6_REQUESTED_OPTIONS } from './constants.ts';
import { InformationRequestClient, type InformationRequestConfig } from './information-request.ts';
import type { RandomSource } from './random.ts';

export interface TunnelInformationRequestInit {
  readonly homeAddress: Ipv6Address;
  readonly clientDuid: Duid;
  /** More ORO codes after 17 and 23. */
  readonly requestedOptions?: readonly number[];
  readonly extraOptions?: readonly Dhcpv6Option[];
  /** The HA-side server or relay; default ff02::1:2, which the HA takes out of the tunnel (the UE is on its home link). */
  readonly destination?: Ipv6Address;
  readonly random: RandomSource;
}

export function tunnelInformationRequestConfig(init: TunnelInformationRequestInit): InformationRequestConfig {
  return {
    clientDuid: init.clientDuid,
    requestedOptions: [...TUNNEL_DHCPV6_REQUESTED_OPTIONS, ...(init.requestedOptions ?? [])],
    extraOptions: init.extraOptions,
    source: init.homeAddress,
    destination: init.destination,
    random: init.random,
  };
}

export function createTunnelInformationRequestClient(init: TunnelInformationRequestInit): InformationRequestClient {
  return new InformationRequestClient(tunnelInformationRequestConfig(init));
}
