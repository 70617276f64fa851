/**
 * What a forwarder counts: packets and bytes into and out of the tunnel (inner packets, as the device sees them),
 * ICMP errors sent, datagrams fragmented, and every drop by reason. Plain numbers on the hot path; the HA's metrics
 * read them at scrape time (src/obs/metrics.ts).
 */
export const DATA_PLANE_DROP_REASONS = [
  /** A device packet that is no whole IPv4 or IPv6 header. */
  'not-ip',
  /** HA: no binding for the destination (RFC 6275 §10.4.1 has nothing to tunnel it to). */
  'no-binding',
  /** Multicast is tunnelled only with MLD support (RFC 6275 §10.4.2), which this HA does not have. */
  'multicast',
  /** RFC 6275 §10.4.2: never tunnelled (answered with Destination Unreachable code 3 where allowed). */
  'link-local',
  /** Larger than the tunnel carries: answered with Packet Too Big / Fragmentation Needed where allowed. */
  'oversize',
  /** UE: no binding yet (or any more) to reverse-tunnel through. */
  'not-registered',
  /** UE: the device handed over a packet from an address that is not a home address. */
  'source-not-home-address',
  /** UE: a packet out of the tunnel for an address that is not one of its home addresses. */
  'not-for-home-address',
  /** No socket for the framing (raw sockets need root). */
  'no-socket',
  'send-failed',
  /** The device refused the packet (kernel queue full). */
  'device-full',
  /** Out of the tunnel but not one whole IP packet (its length fields disagree with its size). */
  'malformed-inner',
  /**
   * The ESP data SA rule (RFC 5555 §5.2.2) covers the packet but no usable SA was there to seal it, or it came out of
   * the plain tunnel from a UE that holds a data SA for it (RFC 4301 §5.1, §5.2: PROTECT traffic is never sent or
   * taken in the clear).
   */
  'no-data-sa',
  /** The ESP data SA refused to seal: sequence counter exhausted or hard lifetime (RFC 4303 §3.3.3, RFC 4301 §4.4.2.1). */
  'esp-refused',
] as const satisfies readonly string[];

export type DataPlaneDropReason = (typeof DATA_PLANE_DROP_REASONS)[number];

export interface PacketCount {
  packets: number;
  bytes: number;
}

export interface DataPlaneCounters {
  /** Inner packets framed into the tunnel (HA: toward UEs; UE: toward the HA). */
  readonly intoTunnel: PacketCount;
  /** Inner packets out of the tunnel written to the device. */
  readonly outOfTunnel: PacketCount;
  /** ICMP errors written back to the device. */
  icmpErrors: number;
  /** Inner IPv4 datagrams split to fit (RFC 791 §3.2). */
  fragmented: number;
  readonly drops: Record<DataPlaneDropReason, number>;
}

export function newDataPlaneCounters(): DataPlaneCounters {
  const drops = {} as Record<DataPlaneDropReason, number>;
  for (const r of DATA_PLANE_DROP_REASONS) drops[r] = 0;
  return {
    intoTunnel: { packets: 0, bytes: 0 },
    outOfTunnel: { packets: 0, bytes: 0 },
    icmpErrors: 0,
    fragmented: 0,
    drops,
  };
}
