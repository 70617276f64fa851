/**
 * IKEv2 payloads as ladder text: the RFC 7296 short notation (§1.2: SA, KE, Ni, IDi, AUTH, TSi, ...) with the
 * fields a reader of an attach looks for in parentheses, e.g.
 *   IDi(0001010000000001@nai.epc.mnc001.mcc001.3gppnetwork.org) AUTH(SHARED_KEY_MIC)
 *   SA(ESP AES_GCM_16-256 NO_ESN) TSi(2001:db8:100:1::5 MH 5-6) CP(CFG_REPLY MIP6_HOME_PREFIX=...)
 * and one detail line per payload with the rest.
 */
import { isWireError } from '../../util/errors.ts';
import { toHex } from '../../util/hex.ts';
import { decodeEap, type EapPacket } from '../../wire/eap/eap.ts';
import type { CpAttribute } from '../../wire/ike/config.ts';
import { ProtocolId, TransformType } from '../../wire/ike/constants.ts';
import { readIdentity } from '../../wire/ike/identity.ts';
import type { IkePayload } from '../../wire/ike/payload.ts';
import type { Proposal } from '../../wire/ike/sa.ts';
import type { TrafficSelector } from '../../wire/ike/traffic-selector.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';
import {
  akaSubtypeName,
  authMethodName,
  cfgTypeName,
  cpAttributeName,
  eapTypeName,
  notifyName,
  protocolName,
  transformName,
} from './names.ts';

function cpAttributeText(a: CpAttribute): string {
  switch (a.kind) {
    case 'mip6-home-prefix':
      return a.value
        ? `MIP6_HOME_PREFIX=${a.value.prefix}/${a.value.prefixLength} (${a.value.prefixLifetimeSec}s)`
        : 'MIP6_HOME_PREFIX';
    case 'home-agent-address':
      return a.value
        ? `HOME_AGENT_ADDRESS=${a.value.ipv6}${a.value.ipv4 ? `,${a.value.ipv4}` : ''}`
        : 'HOME_AGENT_ADDRESS';
    case 'ipv4':
    case 'ipv6':
      return a.address ? `${cpAttributeName(a.type)}=${a.address}` : cpAttributeName(a.type);
    case 'ipv6-prefix':
      return a.value
        ? `${cpAttributeName(a.type)}=${a.value.address}/${a.value.prefixLength}`
        : cpAttributeName(a.type);
    case 'unknown':
      return `${cpAttributeName(a.type)}(${a.data.length} bytes)`;
  }
}

/**
 * The prefix length when `start`..`end` is exactly one prefix (`start` ends in zero bits, `end` in one bits, the
 * rest equal), else undefined.
 */
function prefixLengthOf(start: Uint8Array, end: Uint8Array): number | undefined {
  const bits = start.length * 8;
  let length = 0;
  while (length < bits && bitAt(start, length) === bitAt(end, length)) length++;
  for (let i = length; i < bits; i++) if (bitAt(start, i) !== 0 || bitAt(end, i) !== 1) return undefined;
  return length;
}

function bitAt(bytes: Uint8Array, i: number): number {
  return (bytes[i >> 3]! >> (7 - (i & 7))) & 1;
}

/**
 * `2001:db8::5 MH 5-6`, `::/0`, `2001:db8:1::/64`, `10.0.0.1-10.0.0.9 proto 17 ports 67-68`. For the Mobility
 * Header the port fields carry the MH type in their high byte (RFC 4877 §7.3, RFC 7296 §3.13.1).
 */
export function selectorText(s: TrafficSelector): string {
  if (s.kind === 'unknown') return `TS type ${s.type}`;
  const length = prefixLengthOf(s.startAddress.bytes, s.endAddress.bytes);
  const full = s.startAddress.bytes.length * 8;
  const range =
    length === full
      ? String(s.startAddress)
      : length !== undefined
        ? `${s.startAddress}/${length}`
        : `${s.startAddress}-${s.endAddress}`;
  if (s.ipProtocol === 0) return range;
  const anyPort = s.startPort === 0 && s.endPort === 65535;
  if (s.ipProtocol === IpProtocol.MH) {
    const first = s.startPort >> 8;
    const last = s.endPort >> 8;
    return `${range} MH${anyPort ? '' : ` ${first === last ? first : `${first}-${last}`}`}`;
  }
  return `${range} proto ${s.ipProtocol}${anyPort ? '' : ` ports ${s.startPort}-${s.endPort}`}`;
}

/** ID payload data by ID Type (RFC 7296 §3.5, read by the wire layer): addresses and names as text, else hex. */
function identityText(idType: number, data: Uint8Array): string {
  try {
    const id = readIdentity({ idType, data });
    if (id.kind === 'ipv4' || id.kind === 'ipv6') return String(id.address);
    if (id.kind === 'fqdn') return id.name;
    if (id.kind === 'rfc822') return id.address;
  } catch (e) {
    if (!isWireError(e)) throw e; // a malformed identity is shown as its bytes
  }
  return toHex(data);
}

/** `AES_GCM_16-256 PRF_HMAC_SHA2_256 CURVE25519`: each transform, with its key length (RFC 7296 §3.3.5). */
function transformsText(p: Proposal): string {
  return p.transforms
    .map((t) => {
      const name = transformName(t.type, t.id);
      const bits = t.attributes.find((a) => a.kind === 'key-length');
      return t.type === TransformType.ENCR && bits?.kind === 'key-length' ? `${name}-${bits.bits}` : name;
    })
    .join(' ');
}

/** A chosen (single) proposal in full; an offer of several as a count, the details list them. */
function saText(proposals: readonly Proposal[]): string {
  const first = proposals[0];
  if (!first) return 'SA()';
  if (proposals.length > 1) return `SA(${protocolName(first.protocolId)}, ${proposals.length} proposals)`;
  return `SA(${protocolName(first.protocolId)} ${transformsText(first)})`;
}

/** `Request/AKA-Challenge id=2` and friends (RFC 3748 §4, RFC 4187 §11). */
export function eapText(p: EapPacket): string {
  if (p.kind === 'success') return `Success id=${p.identifier}`;
  if (p.kind === 'failure') return `Failure id=${p.identifier}`;
  const code = p.kind === 'request' ? 'Request' : 'Response';
  const b = p.body;
  const what =
    b.kind === 'aka' ? akaSubtypeName(b.subtype) : eapTypeName(b.kind === 'unknown' ? b.type : typeOf(b.kind));
  return `${code}/${what} id=${p.identifier}`;
}

function typeOf(kind: 'identity' | 'notification' | 'nak'): number {
  return kind === 'identity' ? 1 : kind === 'notification' ? 2 : 3;
}

function eapPayloadText(data: Uint8Array): string {
  try {
    return `EAP(${eapText(decodeEap(data))})`;
  } catch (e) {
    if (isWireError(e)) return `EAP(malformed, ${data.length} bytes)`;
    throw e;
  }
}

/**
 * A payload in the RFC's short notation with its key fields (RFC 7296 §1.2). `fromExchangeInitiator`: the message
 * is a request, so its nonce is Ni ("initiator" is the endpoint initiating this exchange, §1.3), else Nr.
 */
export function payloadText(p: IkePayload, fromExchangeInitiator: boolean): string {
  switch (p.kind) {
    case 'sa':
      return saText(p.proposals);
    case 'ke':
      return `KE(${transformName(TransformType.DH, p.dhGroup)})`;
    case 'nonce':
      return fromExchangeInitiator ? 'Ni' : 'Nr';
    case 'idi':
    case 'idr':
      return `${p.kind === 'idi' ? 'IDi' : 'IDr'}(${identityText(p.idType, p.data)})`;
    case 'cert':
      return 'CERT';
    case 'certreq':
      return 'CERTREQ';
    case 'auth':
      return `AUTH(${authMethodName(p.method)})`;
    case 'notify':
      return `N(${notifyName(p.notifyType)})`;
    case 'delete':
      return p.protocolId === ProtocolId.IKE ? 'D(IKE)' : `D(${p.spis.map((s) => toHex(s)).join(',')})`;
    case 'vendor-id':
      return 'V';
    case 'tsi':
    case 'tsr':
      return `${p.kind === 'tsi' ? 'TSi' : 'TSr'}(${p.selectors.map(selectorText).join(', ')})`;
    case 'cp':
      return `CP(${[cfgTypeName(p.cfgType), ...p.attributes.map(cpAttributeText)].join(' ')})`;
    case 'eap':
      return eapPayloadText(p.data);
    case 'sk':
      return `SK(${p.data.length} bytes)`;
    case 'skf':
      return `SKF(${p.fragmentNumber}/${p.totalFragments})`;
    case 'unknown':
      return `payload${p.type}`;
  }
}

/** The detail line of a payload whose summary leaves something out, or undefined. */
export function payloadDetail(p: IkePayload): string | undefined {
  switch (p.kind) {
    case 'sa':
      return `SA: ${p.proposals.map((x) => `#${x.number} ${protocolName(x.protocolId)} ${transformsText(x)}`).join(' | ')}`;
    case 'ke':
      return `KE: group ${p.dhGroup}, ${p.data.length} bytes`;
    case 'idi':
    case 'idr':
      return `${p.kind === 'idi' ? 'IDi' : 'IDr'}: type ${p.idType} ${identityText(p.idType, p.data)}`;
    case 'auth':
      return `AUTH: method ${p.method}, ${p.data.length} bytes`;
    case 'tsi':
    case 'tsr':
      return `${p.kind === 'tsi' ? 'TSi' : 'TSr'}: ${p.selectors.map(selectorText).join('; ')}`;
    case 'notify':
      return `N(${notifyName(p.notifyType)}): ${p.data.length} bytes${p.spi.length ? ` spi=${toHex(p.spi)}` : ''}`;
    default:
      return undefined;
  }
}
