/**
 * The seam between a forwarder and the ESP data SA of RFC 5555 §5.2.2: traffic whose addresses the SA's outbound
 * selectors cover (RFC 4301 §5.1: the SPD-S entry "use SA ESP tunnel mode") leaves ESP-sealed, in the SA's own outer
 * header, instead of in the plain DSMIPv6 tunnel. Traffic the rule covers while no usable SA is there is discarded
 * (RFC 4301 §5.1: PROTECT with no SA; §5.2: plaintext that should have been protected). Everything else (no data SA
 * asked for, or the HA's own address, which the rule excludes) keeps the tunnel the binding gives.
 */
import type { DataPlaneDropReason } from './data-plane-counters.ts';

export interface ProtectedTunnel {
  /** The largest inner packet one outer packet carries over the path (the SA's tunnel MTU, RFC 4301 §8.2). */
  readonly maxInner: number;
  /** Seals `inner` (a whole IPv4 or IPv6 packet that fits) and sends it; the drop reason when it was not sent. */
  send(inner: Uint8Array): DataPlaneDropReason | undefined;
}

/** `select`'s answer for a packet the data SA rule covers while no usable SA takes it: discard. */
export const NO_DATA_SA = 'no-data-sa';

export interface DataSaSelector {
  /**
   * The data SA whose outbound selectors cover `packet` (a whole IP packet from the device); `NO_DATA_SA` when the
   * rule covers it but no SA can take it now; undefined when the plain tunnel carries it.
   */
  select(packet: Uint8Array): ProtectedTunnel | typeof NO_DATA_SA | undefined;
}

/** The HA's side also polices plaintext: what came out of the plain tunnel but should have come through a data SA. */
export interface HaDataSaPolicy extends DataSaSelector {
  /** Whether `inner` (out of the plain tunnel) lies inside the inbound selectors of a data SA its source holds. */
  coversPlaintext(inner: Uint8Array): boolean;
}
