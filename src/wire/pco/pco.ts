/**
 * Protocol Configuration Options (3GPP TS 24.008 §10.5.6.3): how a 3GPP network hands a UE its DSMIPv6 Home Agent
 * address and Home Network Prefix at attach (one of the HA discovery methods of TS 24.303 §5.1.2.1.1).
 *
 * Value part (from octet 3): [1 ext | 000 spare | protocol(3)] then items of ID(2) | length(1) | contents.
 * The same container ID is a request when sent by the UE (empty contents) and carries the value when sent by the
 * network; the decoder does not need to know the direction: empty contents decode as a request.
 */
import { WireError } from '../../util/errors.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { encodeWith, type Writer } from '../../util/writer.ts';
import {
  PCO_CONFIGURATION_PROTOCOL_MASK,
  PCO_IEI,
  PCO_MAX_VALUE_LENGTH,
  PCO_OCTET3_STANDARD_HIGH_BITS,
  PcoId,
} from './constants.ts';

export interface Ipv6Prefix {
  readonly prefix: Ipv6Address;
  readonly prefixLength: number;
}

/** One protocol or container; `undefined` values are the UE's requests (zero-length contents). */
export type PcoItem =
  | { readonly kind: 'dsmipv6-home-agent-address'; readonly address?: Ipv6Address } // 0x0007
  | { readonly kind: 'dsmipv6-home-network-prefix'; readonly homeNetworkPrefix?: Ipv6Prefix } // 0x0008
  | { readonly kind: 'dsmipv6-ipv4-home-agent-address'; readonly address?: Ipv4Address } // 0x0009
  | { readonly kind: 'dns-server-ipv6-address'; readonly address?: Ipv6Address } // 0x0003
  | { readonly kind: 'dns-server-ipv4-address'; readonly address?: Ipv4Address } // 0x000D
  /** Any other container or PPP protocol (IPCP, PAP, CHAP, ...): ID and contents, re-encoded byte for byte. */
  | { readonly kind: 'unknown'; readonly type: number; readonly data: Uint8Array };

export interface Pco {
  /** Octet 3 bits 3–1; 0 = PPP for use with IP PDP/PDN type (`PcoConfigurationProtocol`). */
  readonly configurationProtocol: number;
  /** Octet 3 bits 8–4 as received, only when they differ from ext = 1, spare = 0 (kept for byte-exact round trip). */
  readonly octet3HighBits?: number;
  readonly items: readonly PcoItem[];
}

const ID_OF_KIND = {
  'dsmipv6-home-agent-address': PcoId.DSMIPV6_HOME_AGENT_ADDRESS,
  'dsmipv6-home-network-prefix': PcoId.DSMIPV6_HOME_NETWORK_PREFIX,
  'dsmipv6-ipv4-home-agent-address': PcoId.DSMIPV6_IPV4_HOME_AGENT_ADDRESS,
  'dns-server-ipv6-address': PcoId.DNS_SERVER_IPV6_ADDRESS,
  'dns-server-ipv4-address': PcoId.DNS_SERVER_IPV4_ADDRESS,
} as const;

/** Container/protocol ID of `item`. */
export function pcoItemId(item: PcoItem): number {
  return item.kind === 'unknown' ? item.type : ID_OF_KIND[item.kind];
}

function fail(r: Reader, code: 'BAD_LENGTH' | 'BAD_VALUE', at: number, detail: string): never {
  throw new WireError(code, r.layer, at, detail);
}

function parsePcoItem(r: Reader): PcoItem {
  const start = r.absoluteOffset;
  const id = r.u16('protocol/container ID');
  const length = r.u8('contents length');
  const c = r.sub(length, 'contents');
  const expect = (want: number) => {
    if (length !== want)
      fail(r, 'BAD_LENGTH', start + 2, `container 0x${id.toString(16)}: ${length} octets, want ${want}`);
  };
  switch (id) {
    case PcoId.DSMIPV6_HOME_AGENT_ADDRESS:
    case PcoId.DNS_SERVER_IPV6_ADDRESS: {
      const kind = id === PcoId.DNS_SERVER_IPV6_ADDRESS ? 'dns-server-ipv6-address' : 'dsmipv6-home-agent-address';
      if (length === 0) return { kind };
      expect(16);
      return { kind, address: Ipv6Address.fromBytes(c.bytes(16, 'IPv6 address')) };
    }
    case PcoId.DSMIPV6_IPV4_HOME_AGENT_ADDRESS:
    case PcoId.DNS_SERVER_IPV4_ADDRESS: {
      const kind = id === PcoId.DNS_SERVER_IPV4_ADDRESS ? 'dns-server-ipv4-address' : 'dsmipv6-ipv4-home-agent-address';
      if (length === 0) return { kind };
      expect(4);
      return { kind, address: Ipv4Address.fromBytes(c.bytes(4, 'IPv4 address')) };
    }
    case PcoId.DSMIPV6_HOME_NETWORK_PREFIX: {
      if (length === 0) return { kind: 'dsmipv6-home-network-prefix' };
      // TS 24.008 §10.5.6.3: "an IPv6 address ... followed by 8 bits which specifies the prefix length".
      expect(17);
      const prefix = Ipv6Address.fromBytes(c.bytes(16, 'prefix'));
      const prefixLength = c.u8('prefix length');
      if (prefixLength > 128) fail(r, 'BAD_VALUE', start + 3 + 16, `prefix length ${prefixLength} > 128`);
      return { kind: 'dsmipv6-home-network-prefix', homeNetworkPrefix: { prefix, prefixLength } };
    }
    default:
      return { kind: 'unknown', type: id, data: c.bytesCopy(length, 'contents') };
  }
}

/** Parses the PCO value (octet 3 onwards) up to the end of `r`. */
export function parsePco(r: Reader): Pco {
  const octet3 = r.u8('octet 3');
  const high = octet3 & ~PCO_CONFIGURATION_PROTOCOL_MASK;
  const items: PcoItem[] = [];
  // Each item consumes at least 3 octets, so the loop ends.
  while (!r.atEnd()) items.push(parsePcoItem(r));
  const configurationProtocol = octet3 & PCO_CONFIGURATION_PROTOCOL_MASK;
  return high === PCO_OCTET3_STANDARD_HIGH_BITS
    ? { configurationProtocol, items }
    : { configurationProtocol, octet3HighBits: high, items };
}

export function pcoLength(v: Pco): number {
  let n = 1;
  for (const item of v.items) n += 3 + pcoItemContentsLength(item);
  return n;
}

function pcoItemContentsLength(item: PcoItem): number {
  switch (item.kind) {
    case 'dsmipv6-home-agent-address':
    case 'dns-server-ipv6-address':
      return item.address ? 16 : 0;
    case 'dsmipv6-ipv4-home-agent-address':
    case 'dns-server-ipv4-address':
      return item.address ? 4 : 0;
    case 'dsmipv6-home-network-prefix':
      return item.homeNetworkPrefix ? 17 : 0;
    case 'unknown':
      return item.data.length;
  }
}

export function emitPco(v: Pco, w: Writer): void {
  const high = v.octet3HighBits ?? PCO_OCTET3_STANDARD_HIGH_BITS;
  if ((high & PCO_CONFIGURATION_PROTOCOL_MASK) !== 0 || high > 0xff || high < 0)
    throw new RangeError(`octet 3 bits ${high}`);
  if (v.configurationProtocol < 0 || v.configurationProtocol > PCO_CONFIGURATION_PROTOCOL_MASK) {
    throw new RangeError(`configuration protocol ${v.configurationProtocol} does not fit 3 bits`);
  }
  w.u8(high | v.configurationProtocol);
  for (const item of v.items) {
    const id = pcoItemId(item);
    const len = pcoItemContentsLength(item);
    if (!Number.isInteger(id) || id < 0 || id > 0xffff) throw new RangeError(`PCO ID ${id}`);
    if (len > 0xff) throw new RangeError(`PCO item 0x${id.toString(16)} contents of ${len} octets`);
    w.u16(id).u8(len);
    switch (item.kind) {
      case 'dsmipv6-home-agent-address':
      case 'dns-server-ipv6-address':
      case 'dsmipv6-ipv4-home-agent-address':
      case 'dns-server-ipv4-address':
        if (item.address) w.bytes(item.address.bytes);
        break;
      case 'dsmipv6-home-network-prefix': {
        const p = item.homeNetworkPrefix;
        if (!p) break;
        if (!Number.isInteger(p.prefixLength) || p.prefixLength < 0 || p.prefixLength > 128) {
          throw new RangeError(`prefix length ${p.prefixLength}`);
        }
        w.bytes(p.prefix.bytes).u8(p.prefixLength);
        break;
      }
      case 'unknown':
        w.bytes(item.data);
        break;
    }
  }
}

/** Decodes the PCO value part (octet 3 onwards), as carried e.g. inside GTP or after the IE header was stripped. */
export function decodePco(bytes: Uint8Array): Pco {
  return parsePco(Reader.of(bytes, 'pco'));
}

export function encodePco(v: Pco): Uint8Array {
  return encodeWith(v, pcoLength, emitPco);
}

/** Parses the TLV form: IEI 0x27, length octet, value (TS 24.008 §10.5.6.3 figure 10.5.136). */
export function parsePcoIe(r: Reader): Pco {
  const start = r.absoluteOffset;
  const iei = r.u8('IEI');
  if (iei !== PCO_IEI) fail(r, 'BAD_VALUE', start, `IEI 0x${iei.toString(16)} is not the PCO IEI 0x27`);
  const length = r.u8('length');
  // The value always holds octet 3 (minimum IE length 3 octets).
  if (length === 0) fail(r, 'BAD_LENGTH', start + 1, 'PCO length 0 leaves no octet 3');
  return parsePco(r.sub(length, 'PCO value'));
}

/** Decodes IEI + length + value; bytes after the IE are TRAILING_DATA. */
export function decodePcoIe(bytes: Uint8Array): Pco {
  const r = Reader.of(bytes, 'pco');
  const v = parsePcoIe(r);
  r.expectEnd('PCO IE');
  return v;
}

export function pcoIeLength(v: Pco): number {
  return 2 + pcoLength(v);
}

export function emitPcoIe(v: Pco, w: Writer): void {
  const len = pcoLength(v);
  if (len > PCO_MAX_VALUE_LENGTH) throw new RangeError(`PCO value of ${len} octets exceeds ${PCO_MAX_VALUE_LENGTH}`);
  w.u8(PCO_IEI).u8(len);
  emitPco(v, w);
}

export function encodePcoIe(v: Pco): Uint8Array {
  return encodeWith(v, pcoIeLength, emitPcoIe);
}

export interface Dsmipv6PcoInfo {
  readonly homeAgentAddress?: Ipv6Address;
  readonly homeAgentIpv4Address?: Ipv4Address;
  readonly homeNetworkPrefix?: Ipv6Prefix;
}

/** The DSMIPv6 values a network sent in a PCO (first of each; requests without values are skipped). */
export function dsmipv6InfoFromPco(pco: Pco): Dsmipv6PcoInfo {
  let homeAgentAddress: Ipv6Address | undefined;
  let homeAgentIpv4Address: Ipv4Address | undefined;
  let homeNetworkPrefix: Ipv6Prefix | undefined;
  for (const item of pco.items) {
    if (item.kind === 'dsmipv6-home-agent-address') homeAgentAddress ??= item.address;
    else if (item.kind === 'dsmipv6-ipv4-home-agent-address') homeAgentIpv4Address ??= item.address;
    else if (item.kind === 'dsmipv6-home-network-prefix') homeNetworkPrefix ??= item.homeNetworkPrefix;
  }
  return {
    ...(homeAgentAddress && { homeAgentAddress }),
    ...(homeAgentIpv4Address && { homeAgentIpv4Address }),
    ...(homeNetworkPrefix && { homeNetworkPrefix }),
  };
}

/** A UE's request for all three DSMIPv6 values (HA discovery via PCO, TS 24.303 §5.1.2.1.1), configuration protocol PPP. */
export function dsmipv6PcoRequest(): Pco {
  return {
    configurationProtocol: 0,
    items: [
      { kind: 'dsmipv6-home-agent-address' },
      { kind: 'dsmipv6-home-network-prefix' },
      { kind: 'dsmipv6-ipv4-home-agent-address' },
    ],
  };
}
