import { Reader } from '../../util/reader.ts';

/** Link types we can strip to reach IP (tcpdump.org LINKTYPE_* values). */
export const LinkType = {
  NULL: 0, // BSD loopback: 4-byte address family in host byte order
  ETHERNET: 1,
  RAW: 101,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const ETHERTYPE_EAPOL = 0x888e;

export type LinkPayload =
  | { readonly kind: 'ip'; readonly header: Record<string, unknown>; readonly headerLength: number }
  | { readonly kind: 'eapol'; readonly header: Record<string, unknown>; readonly headerLength: number }
  | { readonly kind: 'other'; readonly header: Record<string, unknown>; readonly headerLength: number };

/** Strips the link-layer header of a captured frame; says whether IP (or EAPOL) follows. */
export function parseLinkHeader(frame: Uint8Array, linkType: number): LinkPayload {
  const r = Reader.of(frame, 'pcap');
  switch (linkType) {
    case LinkType.RAW:
    case LinkType.IPV4:
    case LinkType.IPV6:
      return { kind: 'ip', header: {}, headerLength: 0 };
    case LinkType.NULL: {
      // The family is in the capturing host's byte order: accept either. 2 = AF_INET; 10, 24, 28, 30 = AF_INET6
      // on Linux, the BSDs and macOS.
      const be = r.u32('address family');
      const le = (((be & 0xff) << 24) | ((be & 0xff00) << 8) | ((be >>> 8) & 0xff00) | (be >>> 24)) >>> 0;
      const family = be < 0x10000 ? be : le;
      const isIp = [2, 10, 24, 28, 30].includes(family);
      return { kind: isIp ? 'ip' : 'other', header: { addressFamily: family }, headerLength: 4 };
    }
    case LinkType.ETHERNET: {
      const destination = macText(r.bytes(6, 'destination MAC'));
      const source = macText(r.bytes(6, 'source MAC'));
      let etherType = r.u16('ethertype');
      const vlans: number[] = [];
      while (etherType === ETHERTYPE_VLAN || etherType === ETHERTYPE_QINQ) {
        vlans.push(r.u16('VLAN tag') & 0x0fff);
        etherType = r.u16('ethertype');
      }
      return classify(etherType, { destination, source, etherType, ...(vlans.length ? { vlans } : {}) }, r.offset);
    }
    case LinkType.LINUX_SLL: {
      const packetType = r.u16('packet type');
      r.skipBytes(4, 'ARPHRD type + address length');
      r.skipBytes(8, 'link-layer address');
      const protocol = r.u16('protocol');
      return classify(protocol, { packetType, protocol }, r.offset);
    }
    case LinkType.LINUX_SLL2: {
      const protocol = r.u16('protocol');
      r.skipBytes(2, 'reserved');
      const interfaceIndex = r.u32('interface index');
      r.skipBytes(12, 'ARPHRD, packet type, address');
      return classify(protocol, { protocol, interfaceIndex }, r.offset);
    }
    default:
      return r.fail('UNSUPPORTED', `link type ${linkType}`, 0);
  }
}

function classify(etherType: number, header: Record<string, unknown>, headerLength: number): LinkPayload {
  if (etherType === ETHERTYPE_IPV4 || etherType === ETHERTYPE_IPV6) return { kind: 'ip', header, headerLength };
  if (etherType === ETHERTYPE_EAPOL) return { kind: 'eapol', header, headerLength };
  return { kind: 'other', header, headerLength };
}

function macText(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
}
