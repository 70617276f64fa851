/**
 * The Configuration payload of the DSMIPv6 attach (TS 24.303 §5.1.2.2 / §5.1.3.1, RFC 5026 §5.3, RFC 7296 §2.19,
 * §3.15): the UE's CFG_REQUEST and the HA's CFG_REPLY with the home prefix and DNS servers.
 */
import { type Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import type { CpAttribute } from '../wire/ike/config.ts';
import { CfgType, CpAttributeType } from '../wire/ike/constants.ts';
import type { CpPayload } from '../wire/ike/payload.ts';

/** A home network prefix as carried by MIP6_HOME_PREFIX (RFC 5026 §8.2). */
export interface HomePrefix {
  readonly prefix: Ipv6Address;
  readonly prefixLength: number;
  /** RFC 5026 does not state the unit; seconds, as SPEC-NOTES §15 item 9 records. */
  readonly lifetimeSec: number;
}

/** What the UE asks for besides the home prefix, which it always requests (TS 24.303 §5.1.2.2). */
export interface CfgRequestOptions {
  readonly requestIpv6Dns: boolean;
  readonly requestIpv4Dns: boolean;
  /** INTERNAL_IP6_ADDRESS (empty): strongSwan only sends attributes when it assigns a virtual IP (PEERS.md). */
  readonly requestIpv6Address: boolean;
}

/** CFG_REQUEST: MIP6_HOME_PREFIX with length 0 (RFC 5026 §5.3.2), then the optional attributes, all empty. */
export function buildCfgRequest(o: CfgRequestOptions): CpPayload {
  const attributes: CpAttribute[] = [{ kind: 'mip6-home-prefix', value: undefined }];
  if (o.requestIpv6Address) {
    attributes.push({ kind: 'ipv6-prefix', type: CpAttributeType.INTERNAL_IP6_ADDRESS, value: undefined });
  }
  if (o.requestIpv6Dns) attributes.push({ kind: 'ipv6', type: CpAttributeType.INTERNAL_IP6_DNS, address: undefined });
  if (o.requestIpv4Dns) attributes.push({ kind: 'ipv4', type: CpAttributeType.INTERNAL_IP4_DNS, address: undefined });
  return { kind: 'cp', cfgType: CfgType.REQUEST, attributes };
}

/** The attributes a CFG_REQUEST asked for, as the HA needs them. */
export interface CfgRequestSummary {
  readonly homePrefix: boolean;
  readonly ipv6Dns: boolean;
  readonly ipv4Dns: boolean;
  /** INTERNAL_IP6_ADDRESS: `null` when asked for without a proposal, the proposal otherwise, absent if not asked. */
  readonly ipv6Address: Ipv6Address | null | undefined;
}

export function summariseCfgRequest(cp: CpPayload): CfgRequestSummary {
  let homePrefix = false;
  let ipv6Dns = false;
  let ipv4Dns = false;
  let ipv6Address: Ipv6Address | null | undefined;
  for (const a of cp.attributes) {
    if (a.kind === 'mip6-home-prefix') homePrefix = true;
    else if (a.kind === 'ipv6' && a.type === CpAttributeType.INTERNAL_IP6_DNS) ipv6Dns = true;
    else if (a.kind === 'ipv4' && a.type === CpAttributeType.INTERNAL_IP4_DNS) ipv4Dns = true;
    else if (a.kind === 'ipv6-prefix' && a.type === CpAttributeType.INTERNAL_IP6_ADDRESS) {
      ipv6Address = a.value ? a.value.address : null;
    }
  }
  return { homePrefix, ipv6Dns, ipv4Dns, ipv6Address };
}

export interface CfgGrant {
  readonly homePrefix: HomePrefix | undefined;
  readonly ipv6Dns: readonly Ipv6Address[];
  readonly ipv4Dns: readonly Ipv4Address[];
}

/** The interface identifier of a Home Address the HA picks itself, inside the subscriber's own prefix. */
const HA_ASSIGNED_INTERFACE_ID = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1);

/**
 * The INTERNAL_IP6_ADDRESS of a CFG_REPLY, if any. A proposal inside the prefix is confirmed (RFC 5026 §5.3.2). A UE
 * that asked for MIP6_HOME_PREFIX forms its own Home Address, so an empty or foreign proposal is left unanswered
 * (RFC 7296 §3.15.1); a UE that asked for an address alone is given one from its prefix (RFC 5026 §5.3.1: the HA
 * allocates a HoA) — such a UE (strongSwan, say) has no other way to learn one.
 */
export function replyHomeAddress(request: CfgRequestSummary, p: HomePrefix): Ipv6Address | undefined {
  const proposed = request.ipv6Address;
  if (proposed === undefined) return undefined;
  if (proposed?.hasPrefix(p.prefix, p.prefixLength)) return proposed;
  return request.homePrefix ? undefined : formHomeAddress(p, HA_ASSIGNED_INTERFACE_ID);
}

/**
 * CFG_REPLY: the 21-byte MIP6_HOME_PREFIX (RFC 5026 §8.2), then one attribute per configured DNS server of each
 * family the UE asked for (TS 24.303 §5.1.3.1: "the same attribute ... including zero or more DNS server
 * addresses"), and the INTERNAL_IP6_ADDRESS `replyHomeAddress` decides.
 */
export function buildCfgReply(request: CfgRequestSummary, grant: CfgGrant): CpPayload {
  const attributes: CpAttribute[] = [];
  const p = grant.homePrefix;
  if (p && request.homePrefix) {
    attributes.push({
      kind: 'mip6-home-prefix',
      value: { prefixLifetimeSec: p.lifetimeSec, prefix: p.prefix, prefixLength: p.prefixLength },
    });
  }
  const address = p && replyHomeAddress(request, p);
  if (p && address) {
    attributes.push({
      kind: 'ipv6-prefix',
      type: CpAttributeType.INTERNAL_IP6_ADDRESS,
      value: { address, prefixLength: p.prefixLength },
    });
  }
  if (request.ipv6Dns) {
    for (const address of grant.ipv6Dns)
      attributes.push({ kind: 'ipv6', type: CpAttributeType.INTERNAL_IP6_DNS, address });
  }
  if (request.ipv4Dns) {
    for (const address of grant.ipv4Dns)
      attributes.push({ kind: 'ipv4', type: CpAttributeType.INTERNAL_IP4_DNS, address });
  }
  return { kind: 'cp', cfgType: CfgType.REPLY, attributes };
}

/** What a CFG_REPLY gave the UE. */
export interface HomeConfiguration {
  readonly homePrefix: HomePrefix | undefined;
  /** INTERNAL_IP6_ADDRESS from the reply, which RFC 5026 §5.3.1 says the MN MUST use. */
  readonly assignedAddress: Ipv6Address | undefined;
  readonly ipv6Dns: readonly Ipv6Address[];
  readonly ipv4Dns: readonly Ipv4Address[];
}

export function parseCfgReply(cp: CpPayload): HomeConfiguration {
  let homePrefix: HomePrefix | undefined;
  let assignedAddress: Ipv6Address | undefined;
  const ipv6Dns: Ipv6Address[] = [];
  const ipv4Dns: Ipv4Address[] = [];
  for (const a of cp.attributes) {
    if (a.kind === 'mip6-home-prefix' && a.value && !homePrefix) {
      const { prefix, prefixLength, prefixLifetimeSec } = a.value;
      if (prefixLength <= 128) homePrefix = { prefix, prefixLength, lifetimeSec: prefixLifetimeSec };
    } else if (a.kind === 'ipv6-prefix' && a.type === CpAttributeType.INTERNAL_IP6_ADDRESS && a.value) {
      assignedAddress ??= a.value.address;
    } else if (a.kind === 'ipv6' && a.type === CpAttributeType.INTERNAL_IP6_DNS && a.address) {
      ipv6Dns.push(a.address);
    } else if (a.kind === 'ipv4' && a.type === CpAttributeType.INTERNAL_IP4_DNS && a.address) {
      ipv4Dns.push(a.address);
    }
  }
  return { homePrefix, assignedAddress, ipv6Dns, ipv4Dns };
}

/**
 * The Home Address from the prefix and an interface identifier: prefix bits from `prefix`, the rest from the low
 * bits of `interfaceId` (8 bytes, placed in the last 64 bits; RFC 4291 §2.5.1 interface identifiers).
 */
export function formHomeAddress(p: HomePrefix, interfaceId: Uint8Array): Ipv6Address {
  if (interfaceId.length !== 8) throw new RangeError('interface identifier must be 8 bytes');
  const out = new Uint8Array(16);
  out.set(interfaceId, 8);
  for (let i = 0; i < 16; i++) {
    const bits = Math.max(0, Math.min(8, p.prefixLength - 8 * i));
    const mask = bits === 0 ? 0 : (0xff << (8 - bits)) & 0xff;
    out[i] = (p.prefix.bytes[i]! & mask) | (out[i]! & ~mask & 0xff);
  }
  return Ipv6Address.fromBytes(out);
}
