/**
 * A `HomeAgent`'s inputs besides its config file, and what a running one tells its listeners: every datagram its sockets carry (the message trace hook), the
 * IKE engine's events (key material stays in the key log), Binding Updates and Acknowledgements in the clear as the
 * core saw them, binding and DHCP events, and every drop with its layer and reason.
 */

import type { HaDhcpEvent } from '../../dhcp/ha-service.ts';
import type { SubscriberStore } from '../../eap/index.ts';
import type { IkeEvent, KeyLogEvent } from '../../ike/events.ts';
import type { HomeAgentEvent } from '../../mip/events.ts';
import type { BindingUpdateContext, MhTransport } from '../../mip/types.ts';
import type { PacketCapture } from '../../obs/capture-writer.ts';
import type { KeyLogWriter } from '../../obs/keylog.ts';
import type { Logger } from '../../obs/log.ts';
import type { IpAddress, Ipv6Address } from '../../util/ip-address.ts';
import type { BindingAcknowledgement, BindingUpdate } from '../../wire/mh/messages.ts';
import type { EapBackend } from '../aaa/eap-backend.ts';
import type { AddressAliases } from '../net/address-aliases.ts';
import type { DatagramTraceEvent } from '../net/datagram-trace.ts';
import type { RawSocketSupport } from '../net/raw-sockets.ts';
import type { RawPacketTrace } from '../net/raw-transport.ts';
import type { TunOpener } from '../tun/tun-open.ts';

/** Everything a running HomeAgent reports to `on()` listeners, told apart by `kind`. */
export type HomeAgentNodeEvent =
  | { readonly kind: 'datagram'; readonly trace: DatagramTraceEvent }
  /** A whole IP packet through a raw socket (protocol 41/4/50 with its IP header). */
  | { readonly kind: 'raw-packet'; readonly trace: RawPacketTrace }
  | { readonly kind: 'ike'; readonly event: Exclude<IkeEvent, KeyLogEvent> }
  /** A BU/BA Child SA went into the SAD (RFC 4877 §4.3): BUs for `homeAddress` are accepted from now on. */
  | {
      readonly kind: 'mobility-sa-installed';
      readonly ikeSaId: number;
      readonly homeAddress: Ipv6Address;
      readonly spiIn: number;
      readonly spiOut: number;
    }
  /** A BU as the core received it (after ESP); `dropped`: no BA is sent for it. */
  | {
      readonly kind: 'binding-update';
      readonly message: BindingUpdate;
      readonly context: BindingUpdateContext;
      readonly dropped: boolean;
      readonly atMs: number;
    }
  /** A BA as the core sent it (before ESP), with the framing it asked for. */
  | {
      readonly kind: 'binding-ack';
      readonly message: BindingAcknowledgement;
      readonly homeAddress: Ipv6Address;
      readonly transport: MhTransport;
      readonly atMs: number;
    }
  | { readonly kind: 'binding'; readonly event: HomeAgentEvent }
  | { readonly kind: 'dhcp'; readonly event: HaDhcpEvent }
  | { readonly kind: 'drop'; readonly layer: string; readonly reason: string };

/** Inputs of `HomeAgent.start` besides the config: logger, AAA store, key log, capture, ports, first listener. */
export interface HomeAgentDeps {
  /** Root logger; default one from `config.logging` on standard output. */
  readonly logger?: Logger;
  /** Lab addressing on loopback (src/node/net/address-aliases.ts). */
  readonly aliases?: AddressAliases;
  /** Instead of `config.aaa.subscriberFile`. */
  readonly subscriberStore?: SubscriberStore;
  /** The config file's folder: relative state paths (`aaa.sqnStateFile`) are taken from it; default the cwd. */
  readonly configDir?: string;
  /** The AAA client instead of the one `config.aaa.mode` names (mode radius/diameter; tests pass an in-process one). */
  readonly eapBackend?: EapBackend;
  /** Default: `config.capture.keylogDir`. */
  readonly keyLog?: KeyLogWriter;
  /** Default: `config.capture.pcap` (every datagram sent and received, as the kernel saw it). */
  readonly capture?: PacketCapture;
  /** Serve `/metrics` (and `/status`); default `config.metrics.enabled`. */
  readonly metricsServer?: boolean;
  /** Process metrics in the registry; default true. */
  readonly processMetrics?: boolean;
  readonly rawSupport?: RawSocketSupport;
  /** Opens the core-side TUN device (`tun.enabled`); default the native addon's. Tests pass a fake device. */
  readonly openTun?: TunOpener;
  readonly random?: (n: number) => Uint8Array;
  /** Only this address for IKE; default: every configured HA address (IPv4 and IPv6, same ports). */
  readonly ikeAddress?: IpAddress;
  /** IKE and NAT-T ports instead of `config.ports` (0: any free port, e.g. a demo without root). */
  readonly ikePorts?: { readonly ike: number; readonly natT: number };
  /** A first listener, there before any socket opens. */
  readonly onEvent?: (e: HomeAgentNodeEvent) => void;
}
