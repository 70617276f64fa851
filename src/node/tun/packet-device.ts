/**
 * The seam between a forwarder and the device that hands it whole IP packets: a TUN device (IFF_TUN | IFF_NO_PI,
 * src/node/net/tun-device.ts) in the runnable nodes, an in-memory fake in tests. Shaped like the native addon's
 * `PacketHandle`, so a `TunDevice` is a `PacketDevice` as it is.
 */
export interface PacketDevice {
  /** Hands one whole IPv4 or IPv6 packet to the kernel; false when it was not taken (queue full, closed). */
  write(packet: Uint8Array): boolean;
  /** Replaces the handler; packets read from the device arrive in batches. */
  onPackets(handler: (packets: readonly Uint8Array[]) => void): void;
  /** Idempotent. */
  close(): void;
}
