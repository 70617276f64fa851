/**
 * The UE's Binding Update for each kind of access (TS 24.303 §5.1.2.4, Annex A.2.1/A.5.1; RFC 6275 §11.7.1,
 * §11.5.5; RFC 5555 §4.4.2; RFC 4877 §4.3), with the framing the node must give it.
 */
import type { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { UdpPort } from '../wire/ip/constants.ts';
import type { BindingUpdate } from '../wire/mh/messages.ts';
import type { MobilityOption } from '../wire/mh/options.ts';
import type { HomeAgentAddress, MobileNodePolicy } from './policy.ts';
import type { MhTransport, SendMh } from './types.ts';

/** The care-of address a BU binds: an IPv6 or IPv4 CoA, or the HoA itself when de-registering at home. */
export type CareOfChoice =
  | { readonly kind: 'ipv6'; readonly address: Ipv6Address }
  | { readonly kind: 'ipv4'; readonly address: Ipv4Address }
  | { readonly kind: 'home' };

export interface BindingUpdateSpec {
  readonly sequence: number;
  /** 0 de-registers (RFC 6275 §6.1.7). */
  readonly lifetimeSec: number;
  readonly careOf: CareOfChoice;
  readonly homeAddress: Ipv6Address;
  readonly homeAgent: HomeAgentAddress;
  /** The IPv4 HoA option's address (0.0.0.0 asks for one), or undefined for no option. */
  readonly ipv4Request: Ipv4Address | undefined;
  readonly forceUdp: boolean;
  readonly policy: MobileNodePolicy;
}

/** A single address: Prefix-len 32 (RFC 5555 §3.1.1; TS 24.303 Annex A.5.1). */
const IPV4_HOA_PREFIX_LENGTH = 32;

function transportFor(spec: BindingUpdateSpec): MhTransport {
  const c = spec.careOf;
  if (c.kind === 'home') return { kind: 'ipv6' }; // source = HoA, no HAO (RFC 6275 §11.5.5)
  if (c.kind === 'ipv6') return { kind: 'ipv6-hao', careOf: c.address };
  const haIpv4 = spec.homeAgent.ipv4;
  if (haIpv4 === undefined) throw new RangeError(`home agent ${spec.homeAgent.ipv6} has no IPv4 address`);
  // RFC 5555 §4.4.2: over IPv4 the BU always goes in UDP to port 4191, IPv6 source = HoA.
  return {
    kind: 'udp4',
    source: c.address,
    destination: haIpv4,
    sourcePort: spec.policy.udpSourcePort,
    destinationPort: UdpPort.DSMIPV6,
  };
}

export function buildBindingUpdate(spec: BindingUpdateSpec): SendMh {
  const { policy, careOf } = spec;
  const options: MobilityOption[] = [];
  if (spec.ipv4Request !== undefined) {
    options.push({
      kind: 'ipv4-home-address',
      prefixLength: IPV4_HOA_PREFIX_LENGTH,
      requestMobileNetworkPrefix: false,
      homeAddress: spec.ipv4Request,
    });
  }
  // RFC 4877 §4.3: the Alternate CoA in every BU sent away from home (TS 24.303 makes it a "may": policy).
  if (careOf.kind === 'ipv6' && policy.alternateCareOf) {
    options.push({ kind: 'alternate-care-of-address', careOfAddress: careOf.address });
  }
  if (careOf.kind === 'ipv4') options.push({ kind: 'ipv4-care-of-address', careOfAddress: careOf.address });
  const message: BindingUpdate = {
    kind: 'binding-update',
    sequence: spec.sequence,
    acknowledge: true, // A and H: TS 24.303 §5.1.2.4, RFC 6275 §11.7.1
    homeRegistration: true,
    linkLocalAddressCompatibility: false, // the HoA's IID comes from the IKEv2 prefix, not the link-local address
    keyManagementMobilityCapability: policy.keyManagementMobility,
    mapRegistration: false,
    mobileRouter: policy.mobileRouter,
    proxyRegistration: false,
    // F only over IPv4 (RFC 5555 §3.1.3 "SHOULD NOT be set" with an IPv6 CoA); TS 24.303 "should set F to 0".
    forceUdpEncapsulation: careOf.kind === 'ipv4' && spec.forceUdp,
    // The seed's T ("TLV header") does not exist in RFC 5555; 0x0080 is RFC 5845's T: 0 either way.
    tlvHeaderFormat: false,
    overwriteOrBulkBinding: policy.overwrite,
    lifetimeSec: spec.lifetimeSec,
    options,
  };
  return {
    kind: 'send-mh',
    message,
    innerSrc: spec.homeAddress,
    innerDst: spec.homeAgent.ipv6,
    transport: transportFor(spec),
  };
}
