// The network of the real-path TUN benchmark (tun-netns.ts), shared by the parent and the HA process
// (tun-netns-ha.ts). Two network namespaces joined by a veth pair; an interface in the HA's whose queue drops
// everything stands for the rest of the world:
//
//   load generator ns                         HA ns (HA process pinned to one core)
//   192.0.2.100, 2001:db8:5::9  ══ veth ══   192.0.2.1, 2001:db8:5::1         sink: 198.51.100.0/24 (CoAs),
//     uplink:   UDP → 192.0.2.1:4191 (:4500 ESP)  → TUN → kernel → sink         2001:db8:6::/64 (correspondents)
//     downlink: UDP → HoA (routed via the HA)     → TUN → HA → UDP to a CoA → sink

import { Ipv4Address, Ipv6Address } from '../../src/util/ip-address.ts';
import { buildUdp6 } from '../../src/wire/ip/build.ts';
import type { Bench } from '../harness.ts';

export const benches: Bench[] = [];

export const HA4 = '192.0.2.1';
export const HA6 = '2001:db8:1::1';
export const HA_VETH6 = '2001:db8:5::1';
export const LOADGEN4 = '192.0.2.100';
export const LOADGEN6 = '2001:db8:5::9';
/** The uplink's correspondent, routed to the sink interface in the HA's namespace. */
export const CN6 = '2001:db8:6::6';
/** Care-of address of the downlink bindings, on the sink interface's subnet. */
export const DOWNLINK_COA = '198.51.100.7';
export const UPLINK_PORT = 40000;
export const BINDINGS = 1024;
/**
 * Home address index of the one UE with an ESP data SA (both directions), bound besides the BINDINGS others: the
 * plain runs never use it, so the HA's rule against plaintext from a UE holding a data SA (RFC 4301 §5.2) and the
 * SA's downlink sealing (RFC 4301 §5.1) stay out of them.
 */
export const ESP_HOME_INDEX = BINDINGS;
export const HOME_POOL = '2001:db8:100::/40';

/** The ESP data SAs (RFC 5555 §5.2.2): AES-256-GCM keys with their salt (RFC 4106 §8.1), SPIs the HA chose. */
export const ESP = {
  uplink: { spiIn: 0x5101, spiOut: 0x5102, ikeSaId: 1, key: 'a1'.repeat(36) },
  downlink: { spiIn: 0x5201, spiOut: 0x5202, ikeSaId: 2, key: 'b2'.repeat(36) },
} as const;

/** Home address `i` of a direction: uplink 2001:db8:100:1::/64 …, downlink 2001:db8:100:8000::/64 …. */
export function homeAddress(direction: 'uplink' | 'downlink', i: number): Ipv6Address {
  const b = Ipv6Address.parse('2001:db8:100::').bytes.slice();
  const n = (direction === 'uplink' ? 0x0001 : 0x8000) + i;
  b[6] = n >> 8;
  b[7] = n & 0xff;
  b[15] = 1;
  return Ipv6Address.fromBytes(b);
}

/** An IPv6 UDP packet of exactly `size` bytes (RFC 8200 §3 + RFC 768). */
export function innerPacket(src: Ipv6Address, dst: Ipv6Address, size: number): Uint8Array {
  return buildUdp6({ src, dst, sourcePort: 5001, destinationPort: 9, payload: new Uint8Array(size - 48) });
}

interface RingRecord {
  readonly to: Ipv4Address | Ipv6Address;
  readonly port: number;
  readonly payload: Uint8Array;
}

/** The load generator's ring file (tun-loadgen.c): family, port, address, length, payload. */
export function ringFile(records: readonly RingRecord[]): Uint8Array {
  const size = records.reduce((n, r) => n + 22 + r.payload.length, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const r of records) {
    const v6 = r.to.bytes.length === 16;
    out[at] = v6 ? 6 : 4;
    out[at + 2] = r.port >> 8;
    out[at + 3] = r.port & 0xff;
    out.set(r.to.bytes, at + 4);
    out[at + 20] = r.payload.length >> 8;
    out[at + 21] = r.payload.length & 0xff;
    out.set(r.payload, at + 22);
    at += 22 + r.payload.length;
  }
  return out;
}

/** Uplink: reverse-tunnelled packets from the uplink HoAs (RFC 5555 §4.1 UDP encapsulation) to the HA's 4191. */
export function uplinkRing(size: number, esp: boolean): Uint8Array {
  const cn = Ipv6Address.parse(CN6);
  // The ESP data SA is one UE's: TSi is its home address.
  const homes = esp ? [ESP_HOME_INDEX] : Array.from({ length: BINDINGS }, (_, i) => i);
  return ringFile(
    homes.map((i) => ({
      to: Ipv4Address.parse(HA4),
      port: esp ? 4500 : 4191,
      payload: innerPacket(homeAddress('uplink', i), cn, size),
    })),
  );
}

/** Downlink: UDP from a correspondent to the downlink HoAs; the kernel builds the inner packets. */
export function downlinkRing(size: number, esp: boolean): Uint8Array {
  const homes = esp ? [ESP_HOME_INDEX] : Array.from({ length: BINDINGS }, (_, i) => i);
  return ringFile(
    homes.map((i) => ({
      to: homeAddress('downlink', i),
      port: 9,
      payload: new Uint8Array(size - 48),
    })),
  );
}
