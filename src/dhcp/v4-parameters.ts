/**
 * What a UE takes from the DHCPACK answering its DHCPINFORM (RFC 2131 §4.4.3): DNS servers (RFC 2132 §3.8),
 * vendor information (option 43, RFC 2132 §8.4; option 125, RFC 3925 §4) and anything else the server sent.
 */
import { isWireError } from '../util/errors.ts';
import type { Ipv4Address } from '../util/ip-address.ts';
import { Dhcpv4OptionCode } from '../wire/dhcpv4/constants.ts';
import type { Dhcpv4Message } from '../wire/dhcpv4/message.ts';
import {
  type Dhcpv4Option,
  type Dhcpv4SubOption,
  parseEncapsulatedVendorOptions,
  type ViVendorSpecificEntry,
} from '../wire/dhcpv4/options.ts';

/** The configuration a DHCPINFORM through the tunnel returned (RFC 2131 §3.4, TS 24.303 §5.1.1). */
export interface Dhcpv4Parameters {
  readonly serverIdentifier: Ipv4Address | undefined;
  readonly dnsServers: readonly Ipv4Address[];
  readonly subnetMask: Ipv4Address | undefined;
  readonly routers: readonly Ipv4Address[];
  /**
   * Option 43 as received, and its encapsulated sub-options when it follows the RFC 2132 §8.4 SHOULD-use TLV form
   * (undefined when it does not: the option is opaque to DHCP).
   */
  readonly vendorSpecific:
    | { readonly data: Uint8Array; readonly subOptions: readonly Dhcpv4SubOption[] | undefined }
    | undefined;
  /** Option 125: one entry per enterprise number with its sub-options (RFC 3925 §4). */
  readonly viVendorOptions: readonly ViVendorSpecificEntry[];
  /** A lease time in an answer to DHCPINFORM violates RFC 2131 §4.3.5; it is reported, never used. */
  readonly unexpectedLeaseTime: boolean;
  /** Every other option, unchanged. */
  readonly otherOptions: readonly Dhcpv4Option[];
}

export function dhcpv4ParametersFromAck(ack: Dhcpv4Message): Dhcpv4Parameters {
  let serverIdentifier: Ipv4Address | undefined;
  let dnsServers: readonly Ipv4Address[] = [];
  let subnetMask: Ipv4Address | undefined;
  let routers: readonly Ipv4Address[] = [];
  let vendorSpecific: Dhcpv4Parameters['vendorSpecific'];
  let viVendorOptions: readonly ViVendorSpecificEntry[] = [];
  let unexpectedLeaseTime = false;
  const otherOptions: Dhcpv4Option[] = [];
  // The message codec already joined repeated instances (RFC 3396), so each code appears once.
  for (const o of ack.options) {
    switch (o.kind) {
      case 'message-type':
        break;
      case 'server-identifier':
        serverIdentifier = o.address;
        break;
      case 'dns-servers':
        dnsServers = o.servers;
        break;
      case 'subnet-mask':
        subnetMask = o.mask;
        break;
      case 'router':
        routers = o.routers;
        break;
      case 'vendor-specific':
        vendorSpecific = { data: o.data, subOptions: encapsulatedOrUndefined(o.data) };
        break;
      case 'vi-vendor-specific':
        viVendorOptions = o.entries;
        break;
      default:
        if (o.kind === 'unknown' && o.code === Dhcpv4OptionCode.IP_ADDRESS_LEASE_TIME) unexpectedLeaseTime = true;
        otherOptions.push(o);
    }
  }
  return {
    serverIdentifier,
    dnsServers,
    subnetMask,
    routers,
    vendorSpecific,
    viVendorOptions,
    unexpectedLeaseTime,
    otherOptions,
  };
}

function encapsulatedOrUndefined(data: Uint8Array): Dhcpv4SubOption[] | undefined {
  try {
    return parseEncapsulatedVendorOptions(data);
  } catch (e) {
    if (!isWireError(e)) throw e;
    return undefined;
  }
}
