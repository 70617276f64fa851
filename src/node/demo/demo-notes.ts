/**
 * The notes under the demo's summary that say how the attach went on the wire, from what was seen: raw sockets in a
 * private namespace, the seed's BA in plain IPv4 protocol 41 without NAT (TS 24.303 §5.1.3.2), the HAO/RH2 framing of
 * IPv6 access (RFC 6275 §6.3–§6.4, RFC 4877 §4.3), and the tunnels the DHCP exchanges went through.
 */
import type { AttachResult } from '../ue/ue-types.ts';
import { Framing } from './demo-framing.ts';
import type { DemoLab } from './demo-lab.ts';

const TUNNELS: readonly Framing[] = [
  Framing.IPV6_IN_IPV4,
  Framing.IPV4_IN_IPV4,
  Framing.IPV6_IN_IPV6,
  Framing.IPV4_IN_IPV6,
];

export function demoNotes(lab: DemoLab, attach: AttachResult, framings: ReadonlySet<Framing>): string[] {
  const notes: string[] = [];
  if (lab.network === 'namespace') {
    notes.push('raw IP sockets, in a private network namespace (unshare --net) whose lo carries the lab addresses');
  }
  if (framings.has(Framing.BA_PROTOCOL_41) && !attach.forceUdpReason) {
    notes.push(
      'F = 0 and no NAT: the BA came in plain IPv4, protocol 41, without a NAT Detection option (TS 24.303 §5.1.3.2)',
    );
  }
  if (framings.has(Framing.BU_HAO) || framings.has(Framing.BA_RH2)) {
    const seen = [Framing.BU_HAO, Framing.BA_RH2].filter((f) => framings.has(f)).join(', ');
    notes.push(`IPv6 access: ${seen}, around ESP (RFC 6275 §6.3–§6.4, RFC 4877 §4.3)`);
  }
  const tunnels = TUNNELS.filter((f) => framings.has(f));
  if (tunnels.length > 0) {
    const rfc = lab.access === 'ipv6' ? 'RFC 6275 §10.4, RFC 5555 §4.4.1' : 'RFC 5555 §4.4.3';
    notes.push(`DHCP through the ${tunnels.join(' / ')} tunnel (${rfc})`);
  }
  return notes;
}
