import { Ipv6Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { encodeWith, type Writer } from '../../util/writer.ts';
import { Dhcpv6OptionCode as C, DHCPV6_MAX_NESTING_DEPTH, isRelayMessageType } from './constants.ts';
import { domainNameLength, domainNameListLength, emitDomainName, emitDomainNameList } from './domain-name.ts';
import { duidLength, emitDuid, parseDuid } from './duid.ts';
import {
  emitHomeNetworkPrefix,
  emitVendorClass,
  emitVendorOpts,
  HNP_PREFIX_FIELD_LENGTH,
  parseDnsServers,
  parseDomainList,
  parseElapsedTime,
  parseHomeAgentAddress,
  parseHomeNetworkPrefix,
  parseOptionRequest,
  parseSeconds32,
  parseSingleFqdn,
  parseStatusCode,
  parseVendorClass,
  parseVendorOpts,
  statusMessageBytes,
  vendorClassLength,
  vendorOptsLength,
} from './leaf-options.ts';
import type { Dhcpv6Option } from './option-types.ts';

/** Client/server message (RFC 8415 §8): msg-type(1) | transaction-id(3) | options. */
export interface Dhcpv6ClientServerMessage {
  readonly kind: 'client-server';
  readonly msgType: number;
  /** 24-bit transaction ID. */
  readonly transactionId: number;
  readonly options: readonly Dhcpv6Option[];
}

/** Relay-forward / Relay-reply (RFC 8415 §9): msg-type | hop-count | link-address | peer-address | options. */
export interface Dhcpv6RelayMessage {
  readonly kind: 'relay';
  readonly msgType: 12 | 13;
  readonly hopCount: number;
  readonly linkAddress: Ipv6Address;
  readonly peerAddress: Ipv6Address;
  /** MUST include a Relay Message option (RFC 8415 §9.1); the codec does not enforce it. */
  readonly options: readonly Dhcpv6Option[];
}

export type Dhcpv6Message = Dhcpv6ClientServerMessage | Dhcpv6RelayMessage;

const RELAY_HEADER_LENGTH = 34;
const CLIENT_SERVER_HEADER_LENGTH = 4;
const OPTION_HEADER_LENGTH = 4;

function checkDepth(r: Reader, depth: number): void {
  if (depth > DHCPV6_MAX_NESTING_DEPTH) {
    r.fail('BAD_VALUE', `relay messages / containers nested deeper than ${DHCPV6_MAX_NESTING_DEPTH}`);
  }
}

/** Parses a message filling all of `r`; `depth` counts enclosing relay messages and containers. */
export function parseDhcpv6Message(r: Reader, depth = 0): Dhcpv6Message {
  checkDepth(r, depth);
  const msgType = r.u8('msg-type');
  if (isRelayMessageType(msgType)) {
    const hopCount = r.u8('hop-count');
    const linkAddress = Ipv6Address.fromBytes(r.bytes(16, 'link-address'));
    const peerAddress = Ipv6Address.fromBytes(r.bytes(16, 'peer-address'));
    const options = parseDhcpv6Options(r, depth);
    return { kind: 'relay', msgType: msgType as 12 | 13, hopCount, linkAddress, peerAddress, options };
  }
  const transactionId = r.u24('transaction-id');
  return { kind: 'client-server', msgType, transactionId, options: parseDhcpv6Options(r, depth) };
}

/** Options until the end of `r` (RFC 8415 §21.1); each option's body is read through a bounded child. */
export function parseDhcpv6Options(r: Reader, depth = 0): Dhcpv6Option[] {
  const options: Dhcpv6Option[] = [];
  while (!r.atEnd()) {
    const code = r.u16('option-code');
    const len = r.u16('option-len');
    const body = r.sub(len, 'option-data');
    options.push(parseOptionBody(code, body, depth));
    body.expectEnd('option-data');
  }
  return options;
}

function parseOptionBody(code: number, r: Reader, depth: number): Dhcpv6Option {
  switch (code) {
    case C.CLIENTID:
      return { kind: 'client-id', duid: parseDuid(r) };
    case C.SERVERID:
      return { kind: 'server-id', duid: parseDuid(r) };
    case C.ORO:
      return parseOptionRequest(r);
    case C.ELAPSED_TIME:
      return parseElapsedTime(r);
    case C.RELAY_MSG:
      return { kind: 'relay-message', message: parseDhcpv6Message(r, depth + 1) };
    case C.STATUS_CODE:
      return parseStatusCode(r);
    case C.VENDOR_CLASS:
      return parseVendorClass(r);
    case C.VENDOR_OPTS:
      return parseVendorOpts(r);
    case C.INTERFACE_ID:
      return { kind: 'interface-id', interfaceId: r.bytesCopy(r.remaining) };
    case C.DNS_SERVERS:
      return parseDnsServers(r);
    case C.DOMAIN_LIST:
      return parseDomainList(r);
    case C.INFORMATION_REFRESH_TIME:
      return { kind: 'information-refresh-time', refreshTimeSec: parseSeconds32(r, 'Information Refresh Time') };
    case C.INF_MAX_RT:
      return { kind: 'inf-max-rt', infMaxRtSec: parseSeconds32(r, 'INF_MAX_RT') };
    case C.MIP6_HNIDF:
      return { kind: 'home-network-id-fqdn', fqdn: parseSingleFqdn(r, 'HNIDF') };
    case C.MIP6_VDINF:
      checkDepth(r, depth + 1);
      return { kind: 'visited-home-network-info', options: parseDhcpv6Options(r, depth + 1) };
    case C.MIP6_IDINF:
      checkDepth(r, depth + 1);
      return { kind: 'identified-home-network-info', options: parseDhcpv6Options(r, depth + 1) };
    case C.MIP6_UDINF:
      checkDepth(r, depth + 1);
      return { kind: 'unrestricted-home-network-info', options: parseDhcpv6Options(r, depth + 1) };
    case C.MIP6_HNP:
      return parseHomeNetworkPrefix(r);
    case C.MIP6_HAA:
      return parseHomeAgentAddress(r);
    case C.MIP6_HAF:
      return { kind: 'home-agent-fqdn', fqdn: parseSingleFqdn(r, 'HAF') };
    default:
      return { kind: 'unknown', code, data: r.bytesCopy(r.remaining) };
  }
}

/** The option-code a value is written with. */
export function dhcpv6OptionCode(o: Dhcpv6Option): number {
  switch (o.kind) {
    case 'client-id':
      return C.CLIENTID;
    case 'server-id':
      return C.SERVERID;
    case 'option-request':
      return C.ORO;
    case 'elapsed-time':
      return C.ELAPSED_TIME;
    case 'relay-message':
      return C.RELAY_MSG;
    case 'status-code':
      return C.STATUS_CODE;
    case 'vendor-class':
      return C.VENDOR_CLASS;
    case 'vendor-opts':
      return C.VENDOR_OPTS;
    case 'interface-id':
      return C.INTERFACE_ID;
    case 'dns-servers':
      return C.DNS_SERVERS;
    case 'domain-list':
      return C.DOMAIN_LIST;
    case 'information-refresh-time':
      return C.INFORMATION_REFRESH_TIME;
    case 'inf-max-rt':
      return C.INF_MAX_RT;
    case 'home-network-id-fqdn':
      return C.MIP6_HNIDF;
    case 'visited-home-network-info':
      return C.MIP6_VDINF;
    case 'identified-home-network-info':
      return C.MIP6_IDINF;
    case 'unrestricted-home-network-info':
      return C.MIP6_UDINF;
    case 'home-network-prefix':
      return C.MIP6_HNP;
    case 'home-agent-address':
      return C.MIP6_HAA;
    case 'home-agent-fqdn':
      return C.MIP6_HAF;
    case 'unknown':
      return o.code;
  }
}

/** Length of the option-data alone (without the 4-octet option header). */
function optionBodyLength(o: Dhcpv6Option): number {
  switch (o.kind) {
    case 'client-id':
    case 'server-id':
      return duidLength(o.duid);
    case 'option-request':
      return 2 * o.codes.length;
    case 'elapsed-time':
      return 2;
    case 'relay-message':
      return dhcpv6MessageLength(o.message);
    case 'status-code':
      return 2 + statusMessageBytes(o.message).length;
    case 'vendor-class':
      return vendorClassLength(o);
    case 'vendor-opts':
      return vendorOptsLength(o);
    case 'interface-id':
      return o.interfaceId.length;
    case 'dns-servers':
      return 16 * o.servers.length;
    case 'domain-list':
      return domainNameListLength(o.domains);
    case 'information-refresh-time':
    case 'inf-max-rt':
      return 4;
    case 'home-network-id-fqdn':
    case 'home-agent-fqdn':
      return domainNameLength(o.fqdn);
    case 'visited-home-network-info':
    case 'identified-home-network-info':
    case 'unrestricted-home-network-info':
      return dhcpv6OptionsLength(o.options);
    case 'home-network-prefix':
      return 1 + HNP_PREFIX_FIELD_LENGTH;
    case 'home-agent-address':
      return 16;
    case 'unknown':
      return o.data.length;
  }
}

function checkUint(v: number, max: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${what} ${v} outside 0..${max}`);
  return v;
}

function emitOptionBody(o: Dhcpv6Option, w: Writer): void {
  switch (o.kind) {
    case 'client-id':
    case 'server-id':
      emitDuid(o.duid, w);
      return;
    case 'option-request':
      for (const c of o.codes) w.u16(checkUint(c, 0xffff, 'ORO code'));
      return;
    case 'elapsed-time':
      w.u16(checkUint(o.elapsedCentiSec, 0xffff, 'elapsed time'));
      return;
    case 'relay-message':
      emitDhcpv6Message(o.message, w);
      return;
    case 'status-code':
      w.u16(checkUint(o.statusCode, 0xffff, 'status code')).bytes(statusMessageBytes(o.message));
      return;
    case 'vendor-class':
      emitVendorClass(o, w);
      return;
    case 'vendor-opts':
      emitVendorOpts(o, w);
      return;
    case 'interface-id':
      w.bytes(o.interfaceId);
      return;
    case 'dns-servers':
      for (const s of o.servers) w.bytes(s.bytes);
      return;
    case 'domain-list':
      emitDomainNameList(o.domains, w);
      return;
    case 'information-refresh-time':
      w.u32(checkUint(o.refreshTimeSec, 0xffffffff, 'refresh time'));
      return;
    case 'inf-max-rt':
      w.u32(checkUint(o.infMaxRtSec, 0xffffffff, 'INF_MAX_RT'));
      return;
    case 'home-network-id-fqdn':
    case 'home-agent-fqdn':
      emitDomainName(o.fqdn, w);
      return;
    case 'visited-home-network-info':
    case 'identified-home-network-info':
    case 'unrestricted-home-network-info':
      emitDhcpv6Options(o.options, w);
      return;
    case 'home-network-prefix':
      emitHomeNetworkPrefix(o, w);
      return;
    case 'home-agent-address':
      w.bytes(o.address.bytes);
      return;
    case 'unknown':
      w.bytes(o.data);
      return;
  }
}

export function dhcpv6OptionLength(o: Dhcpv6Option): number {
  return OPTION_HEADER_LENGTH + optionBodyLength(o);
}

export function emitDhcpv6Option(o: Dhcpv6Option, w: Writer): void {
  const len = optionBodyLength(o);
  if (len > 0xffff) throw new RangeError(`DHCPv6 option ${o.kind} body of ${len} octets exceeds option-len`);
  w.u16(checkUint(dhcpv6OptionCode(o), 0xffff, 'option-code')).u16(len);
  const start = w.offset;
  emitOptionBody(o, w);
  if (w.offset - start !== len) throw new RangeError(`DHCPv6 option ${o.kind}: wrote ${w.offset - start} of ${len}`);
}

export function dhcpv6OptionsLength(options: readonly Dhcpv6Option[]): number {
  let n = 0;
  for (const o of options) n += dhcpv6OptionLength(o);
  return n;
}

export function emitDhcpv6Options(options: readonly Dhcpv6Option[], w: Writer): void {
  for (const o of options) emitDhcpv6Option(o, w);
}

export function dhcpv6MessageLength(m: Dhcpv6Message): number {
  const header = m.kind === 'relay' ? RELAY_HEADER_LENGTH : CLIENT_SERVER_HEADER_LENGTH;
  return header + dhcpv6OptionsLength(m.options);
}

export function emitDhcpv6Message(m: Dhcpv6Message, w: Writer): void {
  if (m.kind === 'relay') {
    if (!isRelayMessageType(m.msgType)) throw new RangeError(`relay message with msg-type ${m.msgType}`);
    w.u8(m.msgType).u8(checkUint(m.hopCount, 0xff, 'hop-count'));
    w.bytes(m.linkAddress.bytes).bytes(m.peerAddress.bytes);
  } else {
    checkUint(m.msgType, 0xff, 'msg-type');
    if (isRelayMessageType(m.msgType)) throw new RangeError(`msg-type ${m.msgType} needs the relay header`);
    w.u8(m.msgType).u24(checkUint(m.transactionId, 0xffffff, 'transaction-id'));
  }
  emitDhcpv6Options(m.options, w);
}

/** Decodes a whole UDP payload as one DHCPv6 message. Throws only WireError. */
export function decodeDhcpv6Message(bytes: Uint8Array): Dhcpv6Message {
  return parseDhcpv6Message(Reader.of(bytes, 'dhcpv6'));
}

export function encodeDhcpv6Message(m: Dhcpv6Message): Uint8Array {
  return encodeWith(m, dhcpv6MessageLength, emitDhcpv6Message);
}
