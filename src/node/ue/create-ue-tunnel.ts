/**
 * The tunnel of one attach (ue-tunnel.ts) as the config and the IKEv2 outcome make it: the mobile node core for the
 * HoA (BUs and BAs reported in the clear, K = 0 and F per ue-config.ts), the signalling pipeline on the BU/BA SA's
 * SAD, and the TUN device and the data SA when the config enables them.
 */
import type { UeConfig } from '../../config/load.ts';
import type { EspSad } from '../../ipsec/sad.ts';
import type { Ipv6Prefix } from '../../mip/types.ts';
import type { DatagramTransport, RawIpTransport } from '../../net/transport.ts';
import type { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import type { MobilitySaRegistry } from '../mobility/sa-registry.ts';
import { UeSignalling } from '../mobility/ue-signalling.ts';
import { monotonicNowMs } from '../net/clock.ts';
import type { UeDataSaEvent } from '../tun/ue-data-sa.ts';
import { ObservedMobileNodeCore } from './observed-core.ts';
import { mobileNodeConfigOf } from './ue-config.ts';
import type { UeNodeEvent } from './ue-events.ts';
import { UeTunnel } from './ue-tunnel.ts';

export interface UeTunnelInputs {
  readonly config: UeConfig;
  /** `ipv4` may be absent on IPv6 access (ue-access.ts). */
  readonly homeAgent: { readonly ipv6: Ipv6Address; readonly ipv4: Ipv4Address | undefined };
  readonly homePrefix: Ipv6Prefix;
  readonly homeAddress: Ipv6Address;
  /** F = 1 in the BUs (RFC 5555 §3.1.3). */
  readonly forceUdp: boolean;
  /** The SAD and registry the BU/BA SA was installed in. */
  readonly sad: EspSad;
  readonly registry: MobilitySaRegistry;
  readonly random: (n: number) => Uint8Array;
  readonly emit: (e: UeNodeEvent) => void;
  readonly raw?: readonly RawIpTransport[];
}

/** The mobile node core for a HoA (BUs and BAs reported in the clear) behind the signalling pipeline, on `socket`. */
export function createUeTunnel(socket: DatagramTransport, i: UeTunnelInputs): UeTunnel {
  const seq = i.random(2);
  const core = new ObservedMobileNodeCore(
    mobileNodeConfigOf(i.config, {
      homeAgent: i.homeAgent,
      homePrefix: i.homePrefix,
      homeAddress: i.homeAddress,
      forceUdp: i.forceUdp,
      udpSourcePort: socket.localPort,
      initialSequence: (seq[0]! << 8) | seq[1]!, // RFC 6275 §11.7.1 leaves the first number to the MN
    }),
    {
      onSend: (t) => {
        if (t.message.kind !== 'binding-update') return;
        i.emit({ kind: 'binding-update', message: t.message, transport: t.transport, atMs: monotonicNowMs() });
      },
      onBindingAck: (message) => {
        const nat = message.options.find((o) => o.kind === 'nat-detection');
        if (nat) tunnel.natDetection = nat;
        i.emit({ kind: 'binding-ack', message, atMs: monotonicNowMs() });
      },
    },
  );
  const pipeline = new UeSignalling({ core, sad: i.sad, registry: i.registry });
  const tunnel: UeTunnel = new UeTunnel(socket, {
    pipeline: pipeline as UeSignalling & { readonly core: ObservedMobileNodeCore },
    homeAgentIpv4: i.homeAgent.ipv4,
    homeAgentIpv6: i.homeAgent.ipv6,
    ...(i.raw ? { raw: i.raw } : {}),
    emit: i.emit,
    now: monotonicNowMs,
    ...(i.config.tun.enabled
      ? { tun: { config: i.config.tun, homeAddress: i.homeAddress, homeAgent: i.homeAgent } }
      : {}),
    ...(i.config.ike.protectData
      ? {
          dataSa: {
            homeAddress: i.homeAddress,
            homeAgent: i.homeAgent,
            random: i.random,
            onEvent: (e: UeDataSaEvent) => {
              if (e.kind === 'refused' || e.kind === 'unavailable')
                i.emit({ kind: 'drop', layer: 'data-sa', reason: e.reason });
            },
          },
        }
      : {}),
  });
  return tunnel;
}
