/**
 * The seam between a forwarder and the ESP data SA of RFC 5555 §5.2.2: traffic whose addresses the SA's outbound
 * selectors cover (RFC 4301 §5.1: the SPD-S entry "use SA ESP tunnel mode") leaves ESP-sealed, in the SA's own outer
 * header, instead of in the plain DSMIPv6 tunnel. Everything else (no data SA, or the HA's own address, which the
 * rule excludes) keeps the tunnel the binding gives.
 */
import type { DataPlaneDropReason } from './data-plane-counters.ts';

export interface ProtectedTunnel {
  /** The largest inner packet one outer packet carries over the path (the SA's tunnel MTU, RFC 4301 §8.2). */
  readonly maxInner: number;
  /** Seals `inner` (a whole IPv4 or IPv6 packet that fits) and sends it; the drop reason when it was not sent. */
  send(inner: Uint8Array): DataPlaneDropReason | undefined;
}

export interface DataSaSelector {
  /** The data SA whose outbound selectors cover `packet` (a whole IP packet from the device), else undefined. */
  select(packet: Uint8Array): ProtectedTunnel | undefined;
}
