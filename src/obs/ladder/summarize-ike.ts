/**
 * Summaries of IKEv2 messages (exchange, request/response, message ID, payloads in RFC 7296 notation), ESP
 * packets and EAP packets, e.g.
 *   IKE_SA_INIT request #0 SA KE Ni N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP)
 *   IKE_AUTH response #1 SK{IDr CERT AUTH EAP(Request/AKA-Challenge)}
 * An SK payload stays opaque unless the caller hands in the decrypted inner payloads.
 */
import { isWireError } from '../../util/errors.ts';
import { toHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { decodeEap, type EapPacket } from '../../wire/eap/eap.ts';
import type { CpAttribute } from '../../wire/ike/config.ts';
import { IdType, ProtocolId } from '../../wire/ike/constants.ts';
import type { IkeMessage } from '../../wire/ike/message.ts';
import type { IkePayload } from '../../wire/ike/payload.ts';
import type { TrafficSelector } from '../../wire/ike/traffic-selector.ts';
import { akaSubtypeName, cfgTypeName, cpAttributeName, eapTypeName, exchangeName, notifyName } from './names.ts';
import type { MessageSummary } from './summarize-mh.ts';

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

function selectorText(s: TrafficSelector): string {
  if (s.kind === 'unknown') return `TS type ${s.type}`;
  const start = String(s.startAddress);
  const end = String(s.endAddress);
  const range = start === end ? start : `${start}-${end}`;
  const proto = s.ipProtocol === 0 ? '' : ` proto ${s.ipProtocol}`;
  const ports = s.startPort === 0 && s.endPort === 65535 ? '' : ` ports ${s.startPort}-${s.endPort}`;
  return `${range}${proto}${ports}`;
}

/** ID payload data by ID Type (RFC 7296 §3.5): addresses as text, names as text, anything else as hex. */
function identityText(idType: number, data: Uint8Array): string {
  if (idType === IdType.IPV4_ADDR && data.length === 4) return String(Ipv4Address.fromBytes(data));
  if (idType === IdType.IPV6_ADDR && data.length === 16) return String(Ipv6Address.fromBytes(data));
  if (idType === IdType.FQDN || idType === IdType.RFC822_ADDR) return UTF8.decode(data);
  return toHex(data);
}

const UTF8 = new TextDecoder();

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

/** A payload in the RFC's short notation; `initiator` picks Ni/Nr for the nonce (RFC 7296 §1.2). */
function payloadText(p: IkePayload, initiator: boolean): string {
  switch (p.kind) {
    case 'sa':
      return 'SA';
    case 'ke':
      return 'KE';
    case 'nonce':
      return initiator ? 'Ni' : 'Nr';
    case 'idi':
      return 'IDi';
    case 'idr':
      return 'IDr';
    case 'cert':
      return 'CERT';
    case 'certreq':
      return 'CERTREQ';
    case 'auth':
      return 'AUTH';
    case 'notify':
      return `N(${notifyName(p.notifyType)})`;
    case 'delete':
      return p.protocolId === ProtocolId.IKE ? 'D(IKE)' : `D(${p.spis.map((s) => toHex(s)).join(',')})`;
    case 'vendor-id':
      return 'V';
    case 'tsi':
      return 'TSi';
    case 'tsr':
      return 'TSr';
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

function payloadDetail(p: IkePayload): string | undefined {
  switch (p.kind) {
    case 'sa':
      return `SA: ${p.proposals.length} proposal(s): ${p.proposals.map((x) => x.transforms.map((t) => `${t.type}:${t.id}`).join(',')).join(' | ')}`;
    case 'ke':
      return `KE: group ${p.dhGroup}, ${p.data.length} bytes`;
    case 'idi':
    case 'idr':
      return `${p.kind === 'idi' ? 'IDi' : 'IDr'}: type ${p.idType} ${identityText(p.idType, p.data)}`;
    case 'tsi':
    case 'tsr':
      return `${p.kind === 'tsi' ? 'TSi' : 'TSr'}: ${p.selectors.map(selectorText).join('; ')}`;
    case 'notify':
      return `N(${notifyName(p.notifyType)}): ${p.data.length} bytes${p.spi.length ? ` spi=${toHex(p.spi)}` : ''}`;
    default:
      return undefined;
  }
}

/**
 * `inner`: the payloads of the SK payload after decryption, when the caller has them (the engine does); they are
 * shown inside `SK{...}` in place of the ciphertext size.
 */
export function summarizeIke(m: IkeMessage, inner?: readonly IkePayload[]): MessageSummary {
  const h = m.header;
  const initiator = h.initiator;
  const parts = m.payloads.map((p) =>
    (p.kind === 'sk' || p.kind === 'skf') && inner
      ? `SK{${inner.map((x) => payloadText(x, initiator)).join(' ')}}`
      : payloadText(p, initiator),
  );
  const head = `${exchangeName(h.exchangeType)} ${h.response ? 'response' : 'request'} #${h.messageId}`;
  const all = [...m.payloads, ...(inner ?? [])];
  const details = [
    `SPIi=${toHex(h.initiatorSpi)} SPIr=${toHex(h.responderSpi)}${h.initiator ? ' I' : ''}${h.response ? ' R' : ''}`,
    ...all.map(payloadDetail).filter((d): d is string => d !== undefined),
  ];
  return { protocol: 'IKE', summary: [head, ...parts].join(' '), details };
}

export function summarizeEsp(p: {
  readonly spi: number;
  readonly sequence: number;
  readonly payload: Uint8Array;
}): MessageSummary {
  return {
    protocol: 'ESP',
    summary: `ESP spi=0x${p.spi.toString(16).padStart(8, '0')} seq=${p.sequence} (${p.payload.length} bytes encrypted)`,
    details: [],
  };
}

export function summarizeEap(p: EapPacket): MessageSummary {
  const details =
    (p.kind === 'request' || p.kind === 'response') && p.body.kind === 'aka'
      ? [`attributes: ${p.body.attributes.map((a) => a.kind).join(', ')}`]
      : [];
  return { protocol: 'EAP', summary: `EAP ${eapText(p)}`, details };
}
