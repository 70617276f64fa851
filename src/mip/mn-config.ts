/** The UE core's configuration and the description of its current access (TS 24.303 §5.1.2.3, §5.1.2.4). */
import type { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import type { HomeAgentAddress, MobileNodePolicy } from './policy.ts';
import type { Ipv6Prefix } from './types.ts';

export interface MobileNodeConfig {
  /** Home agents in preference order (discovery result or configuration). */
  readonly homeAgents: readonly HomeAgentAddress[];
  /** From IKEv2 MIP6_HOME_PREFIX, PCO or configuration (TS 24.303 §5.1.2.3). */
  readonly homePrefix: Ipv6Prefix;
  readonly homeAddress: Ipv6Address;
  readonly wantIpv4HomeAddress: boolean;
  /** A static IPv4 HoA to ask for instead of 0.0.0.0 (RFC 5555 §4.4.2). */
  readonly staticIpv4HomeAddress?: Ipv4Address;
  /** First sequence number minus one: the node draws it from its (injected) random source. */
  readonly initialSequence: number;
  readonly policy: MobileNodePolicy;
}

/** The access the UE is attached through right now. */
export interface AccessInfo {
  readonly ipv6CareOf?: Ipv6Address;
  readonly ipv4CareOf?: Ipv4Address;
  /** Prefixes of the Prefix Information options in this link's Router Advertisements. */
  readonly routerPrefixes: readonly Ipv6Prefix[];
  /** RFC 5555 §4.4.1: a new administrative domain resets an earlier fallback to the IPv4 CoA. */
  readonly newAdministrativeDomain?: boolean;
}
