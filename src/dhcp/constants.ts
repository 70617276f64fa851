/**
 * Numbers of the DHCP exchanges run over the DSMIPv6 tunnel (TS 24.303 §5.1.1 last paragraph, §5.1.2.4 last
 * paragraph): the stateless DHCPv6 Information-request (RFC 8415 §18.2.6, RFC 3736) and DHCPINFORM (RFC 2131
 * §3.4, §4.4.3). The DHCPv6 transmission parameters themselves (INF_*) live in src/wire/dhcpv6/constants.ts.
 */
import { Dhcpv4OptionCode } from '../wire/dhcpv4/constants.ts';
import { Dhcpv6OptionCode } from '../wire/dhcpv6/constants.ts';

/**
 * DHCPINFORM retransmission (RFC 2131 §4.1): 4 s, then doubled, each ±1 s, at most 64 s; RFC 2131 §4.4.3 gives up
 * after "60 seconds or 4 tries": 4 transmissions at about 0, 4, 12 and 28 s, and the last one's 32 s wait ends the
 * exchange at about 60 s.
 */
export const INFORM_MAX_TRANSMISSIONS = 4;

/**
 * Options an Information-request over the tunnel always asks for (TS 24.303 §5.1.1: "additional configuration
 * parameters, e.g. Vendor-specific options"): Vendor-specific Information (RFC 8415 §21.17) and DNS Recursive Name
 * Server (RFC 3646 §3). Information Refresh Time and INF_MAX_RT are added to every ORO (RFC 8415 §18.2.6 MUST).
 */
export const TUNNEL_DHCPV6_REQUESTED_OPTIONS: readonly number[] = [
  Dhcpv6OptionCode.VENDOR_OPTS,
  Dhcpv6OptionCode.DNS_SERVERS,
];

/** RFC 8415 §18.2.6: every Information-request ORO lists INF_MAX_RT and Information Refresh Time. */
export const INFORMATION_REQUEST_MANDATORY_ORO: readonly number[] = [
  Dhcpv6OptionCode.INFORMATION_REFRESH_TIME,
  Dhcpv6OptionCode.INF_MAX_RT,
];

/**
 * The Parameter Request List of a DHCPINFORM over the tunnel: Vendor Specific Information (RFC 2132 §8.4),
 * V-I Vendor-Specific Information (RFC 3925 §4) and Domain Name Server (RFC 2132 §3.8).
 */
export const TUNNEL_DHCPV4_REQUESTED_OPTIONS: readonly number[] = [
  Dhcpv4OptionCode.VENDOR_SPECIFIC,
  Dhcpv4OptionCode.VI_VENDOR_SPECIFIC,
  Dhcpv4OptionCode.DOMAIN_NAME_SERVER,
];

/**
 * Options a DHCPINFORM must not carry (RFC 2131 §4.4.3 / Table 5: Requested IP Address and IP Address Lease Time
 * MUST NOT) and Rapid Commit, which RFC 4039 §3 defines only for DHCPDISCOVER → DHCPACK (docs/spec-choices.md).
 */
export const INFORM_FORBIDDEN_OPTIONS: readonly number[] = [
  Dhcpv4OptionCode.REQUESTED_IP_ADDRESS,
  Dhcpv4OptionCode.IP_ADDRESS_LEASE_TIME,
  Dhcpv4OptionCode.RAPID_COMMIT,
];

/** IA options a server must not see in an Information-request (RFC 8415 §16.12): IA_NA, IA_TA, IA_PD. */
export const IA_OPTION_CODES: readonly number[] = [
  Dhcpv6OptionCode.IA_NA,
  Dhcpv6OptionCode.IA_TA,
  Dhcpv6OptionCode.IA_PD,
];

/**
 * Largest 'hops' a DHCPv4 relay forwards (RFC 1542 §4.1.1: configurable, default 4, at most 16). The HA's relay is
 * normally the first hop, so the default rarely matters.
 */
export const DHCPV4_RELAY_DEFAULT_MAX_HOPS = 4;
export const DHCPV4_RELAY_MAX_HOPS_LIMIT = 16;
