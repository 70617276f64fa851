/**
 * The two discovery sources whose results win over DNS and DHCPv6 (TS 24.303 §5.1.2.1.1): the PCO information
 * element of the E-UTRAN attach or PDN connectivity procedure (§5.1.2.1.3, TS 24.008 §10.5.6.3 containers 0x0007
 * IPv6 HA, 0x0008 home network prefix, 0x0009 IPv4 HA) and the HOME_AGENT_ADDRESS attribute (19) of the IKEv2
 * configuration payload from the ePDG (§5.1.2.1.4, TS 24.302: 16 octets IPv6, or 20 octets IPv6 + IPv4).
 * Both arrive from elsewhere (configuration or API) as bytes or hex.
 */
import { fromHex } from '../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { Reader } from '../util/reader.ts';
import { CpValueLength } from '../wire/ike/constants.ts';
import { decodePcoIe, dsmipv6InfoFromPco } from '../wire/pco/pco.ts';
import { candidate, type HomeAgentCandidate } from './candidates.ts';

function bytesOf(input: Uint8Array | string): Uint8Array {
  return typeof input === 'string' ? fromHex(input) : input;
}

/**
 * The HA a network named in a PCO IE (IEI 0x27, length, contents), or undefined when the PCO carries no HA
 * address. Malformed input throws WireError (layer 'pco', or 'hex' for bad text): it is configuration or API
 * input, so the caller reports it.
 */
export function homeAgentFromPco(ie: Uint8Array | string): HomeAgentCandidate | undefined {
  const info = dsmipv6InfoFromPco(decodePcoIe(bytesOf(ie)));
  if (info.homeAgentAddress === undefined && info.homeAgentIpv4Address === undefined) return undefined;
  return candidate({
    method: 'pco',
    ipv6: info.homeAgentAddress,
    ipv4: info.homeAgentIpv4Address,
    homeNetworkPrefix: info.homeNetworkPrefix
      ? { prefix: info.homeNetworkPrefix.prefix, prefixLength: info.homeNetworkPrefix.prefixLength }
      : undefined,
  });
}

/**
 * The HA in the value of a HOME_AGENT_ADDRESS attribute (type 19) from the ePDG: 16 octets (IPv6) or 20 (IPv6 then
 * IPv4, TS 24.302). Another length is a WireError BAD_LENGTH (layer 'ike').
 */
export function homeAgentFromEpdgAttribute(value: Uint8Array | string): HomeAgentCandidate {
  const bytes = bytesOf(value);
  const r = Reader.of(bytes, 'ike');
  if (bytes.length !== CpValueLength.HOME_AGENT_IPV6 && bytes.length !== CpValueLength.HOME_AGENT_DUAL)
    r.fail('BAD_LENGTH', `HOME_AGENT_ADDRESS value of ${bytes.length} octets (TS 24.302: 16 or 20)`);
  const ipv6 = Ipv6Address.fromBytes(r.bytes(16, 'IPv6 home agent address'));
  const ipv4 = r.atEnd() ? undefined : Ipv4Address.fromBytes(r.bytes(4, 'IPv4 home agent address'));
  return candidate({ method: 'epdg', ipv6, ipv4 });
}
