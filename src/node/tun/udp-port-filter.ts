/**
 * The forwarding path's cheap look at an inner packet before the full decode the DHCP service needs: only packets
 * that may be UDP to a given port (DHCP servers 547 / 67, clients 546 / 68: RFC 8415 §7.2, RFC 2131 §4.1) take the
 * slow path, all other user traffic skips it. IPv6 packets with extension headers (RFC 8200 §4) take it too, as do
 * headers too short to tell. The caller knows the fixed header is whole.
 */
const UDP = 17;

export function mayBeUdpTo(inner: Uint8Array, ipv6Port: number, ipv4Port: number): boolean {
  if (inner[0]! >> 4 === 6) {
    const next = inner[6]!;
    if (next === 0 || next === 43 || next === 44 || next === 60) return true; // hop-by-hop, routing, fragment, dest
    return next === UDP && (inner.length < 44 || ((inner[42]! << 8) | inner[43]!) === ipv6Port);
  }
  if (inner[9] !== UDP) return false;
  const at = (inner[0]! & 0x0f) * 4 + 2;
  return at + 2 > inner.length || ((inner[at]! << 8) | inner[at + 1]!) === ipv4Port;
}
