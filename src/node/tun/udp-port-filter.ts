/**
 * The forwarding path's cheap look at an inner packet before the full decode the DHCP service needs: only packets
 * that may be UDP to a given port (DHCP servers 547 / 67, clients 546 / 68: RFC 8415 §7.2, RFC 2131 §4.1) take the
 * slow path, all other user traffic skips it. IPv6 extension headers are walked (RFC 8200 §4, ipv6-chain.ts); a
 * chain that runs past the packet, a fragment and a header too short to tell take the slow path, which decides.
 * The caller knows the fixed header is whole.
 */
import { isWalkedExtensionHeader, walkIpv6Chain } from '../../wire/ip/ipv6-chain.ts';

const UDP = 17;

export function mayBeUdpTo(inner: Uint8Array, ipv6Port: number, ipv4Port: number): boolean {
  if (inner[0]! >> 4 === 6) {
    let protocol = inner[6]!;
    let at = 40;
    // Most traffic has its upper layer straight after the fixed header: walk only when it does not.
    if (isWalkedExtensionHeader(protocol)) {
      const chain = walkIpv6Chain(inner);
      if (chain === undefined || chain.fragment !== 'none') return true;
      protocol = chain.protocol;
      at = chain.offset;
    }
    return protocol === UDP && (at + 4 > inner.length || ((inner[at + 2]! << 8) | inner[at + 3]!) === ipv6Port);
  }
  if (inner[9] !== UDP) return false;
  const at = (inner[0]! & 0x0f) * 4 + 2;
  return at + 2 > inner.length || ((inner[at]! << 8) | inner[at + 1]!) === ipv4Port;
}
