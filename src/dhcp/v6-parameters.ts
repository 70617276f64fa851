/**
 * What a UE takes from a DHCPv6 Reply to its Information-request (RFC 8415 §18.2.10, §18.2.10.4): the parameters
 * the tunnel exchange is for (TS 24.303 §5.1.1: "additional configuration parameters, e.g. Vendor-specific options").
 */
import type { Ipv6Address } from '../util/ip-address.ts';
import {
  DHCPV6_INFINITY,
  INF_MAX_RT_OPTION_MAX_SEC,
  INF_MAX_RT_OPTION_MIN_SEC,
  IRT_DEFAULT_SEC,
  IRT_MINIMUM_SEC,
} from '../wire/dhcpv6/constants.ts';
import type { Duid } from '../wire/dhcpv6/duid.ts';
import type { Dhcpv6ClientServerMessage } from '../wire/dhcpv6/message.ts';
import type { Dhcpv6Option, VendorSubOption } from '../wire/dhcpv6/option-types.ts';

/** One Vendor-specific Information option: the enterprise number and its sub-options (RFC 8415 §21.17). */
export interface Dhcpv6VendorOptions {
  readonly enterpriseNumber: number;
  readonly subOptions: readonly VendorSubOption[];
}

/** The configuration a DHCPv6 Information-request through the tunnel returned (RFC 3736, RFC 8415 §18.2.6). */
export interface Dhcpv6Parameters {
  readonly serverId: Duid;
  /** RFC 3646 §3, in the server's order (the order of preference). */
  readonly dnsServers: readonly Ipv6Address[];
  /** RFC 3646 §4 domain search list. */
  readonly domainSearchList: readonly string[];
  /** Every Vendor-specific Information option, in message order. */
  readonly vendorOptions: readonly Dhcpv6VendorOptions[];
  /**
   * When to ask again (RFC 8415 §21.23): the option's value raised to IRT_MINIMUM, IRT_DEFAULT without the option,
   * `DHCPV6_INFINITY` for "never".
   */
  readonly informationRefreshTimeSec: number;
  /** A valid INF_MAX_RT option (60..86400 s, RFC 8415 §21.25); out-of-range values are ignored. */
  readonly infMaxRtSec: number | undefined;
  /** The top-level Status Code, if any (RFC 8415 §18.2.10: reported, the Reply is still used). */
  readonly status: { readonly code: number; readonly message: string } | undefined;
  /** Every other top-level option, unchanged (client id, unknown options, RFC 6610 containers, ...). */
  readonly otherOptions: readonly Dhcpv6Option[];
}

/** RFC 8415 §21.23: the refresh time to use, given the option's value (or none). */
export function effectiveRefreshTimeSec(optionValueSec: number | undefined): number {
  if (optionValueSec === undefined) return IRT_DEFAULT_SEC;
  if (optionValueSec === DHCPV6_INFINITY) return DHCPV6_INFINITY;
  return Math.max(optionValueSec, IRT_MINIMUM_SEC);
}

/** Reads the parameters of a Reply that already passed `checkReply` (it carries a Server Identifier). */
export function dhcpv6ParametersFromReply(reply: Dhcpv6ClientServerMessage): Dhcpv6Parameters {
  let serverId: Duid | undefined;
  const dnsServers: Ipv6Address[] = [];
  const domainSearchList: string[] = [];
  const vendorOptions: Dhcpv6VendorOptions[] = [];
  let refresh: number | undefined;
  let infMaxRtSec: number | undefined;
  let status: Dhcpv6Parameters['status'];
  const otherOptions: Dhcpv6Option[] = [];
  for (const o of reply.options) {
    switch (o.kind) {
      case 'server-id':
        serverId ??= o.duid;
        break;
      case 'dns-servers':
        dnsServers.push(...o.servers);
        break;
      case 'domain-list':
        domainSearchList.push(...o.domains);
        break;
      case 'vendor-opts':
        vendorOptions.push({ enterpriseNumber: o.enterpriseNumber, subOptions: o.subOptions });
        break;
      case 'information-refresh-time':
        refresh ??= o.refreshTimeSec;
        break;
      case 'inf-max-rt':
        // RFC 8415 §21.25: values outside 60..86400 MUST be ignored.
        if (o.infMaxRtSec >= INF_MAX_RT_OPTION_MIN_SEC && o.infMaxRtSec <= INF_MAX_RT_OPTION_MAX_SEC)
          infMaxRtSec ??= o.infMaxRtSec;
        break;
      case 'status-code':
        status ??= { code: o.statusCode, message: o.message };
        break;
      default:
        otherOptions.push(o);
    }
  }
  if (serverId === undefined) throw new RangeError('Reply without a Server Identifier: run checkReply first');
  return {
    serverId,
    dnsServers,
    domainSearchList,
    vendorOptions,
    informationRefreshTimeSec: effectiveRefreshTimeSec(refresh),
    infMaxRtSec,
    status,
    otherOptions,
  };
}
