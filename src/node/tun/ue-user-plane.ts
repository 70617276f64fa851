/**
 * The UE's user plane as one piece for src/node/ue/ue-tunnel.ts: the TUN device with its forwarder (ue-tun.ts) and the
 * data SA of RFC 5555 §5.2.2 (ue-data-sa.ts), wired to each other and to the tunnel's sockets (port Z, which changes
 * with the care-of address, and the raw sockets), and driven by the mobile node core's events:
 * - a registration opens the device (first time) or moves its IPv4 HoA, sets the reverse tunnel's route, and, from an
 *   IPv4 care-of address, asks for the data SA (`ike.protectData`);
 * - a move takes the new socket and pins the HA's addresses again through the new access interface;
 * - ESP over IPv4 goes to the data SA, user traffic from the HA's end of the tunnel to the device.
 * A TUN step that fails is reported (`onTunError`) and the tunnel runs on without it.
 */

import type { IkeEndpoint } from '../../ike/endpoint.ts';
import type { MobileNodeEvent } from '../../mip/events.ts';
import { type DatagramTransport, type RawIpTransport, RawProtocol } from '../../net/transport.ts';
import type { IpAddress } from '../../util/ip-address.ts';
import { type IkeLinkParts, ikeLinkControl } from './ike-link-control.ts';
import { TunUnavailableError } from './tun-open.ts';
import { ETHERNET_MTU } from './tunnel-mtu.ts';
import { RawTunnelOutput } from './tunnel-output.ts';
import { UeDataSa, type UeDataSaDeps } from './ue-data-sa.ts';
import { UeTun, type UeTunOptions } from './ue-tun.ts';

export interface UeUserPlaneOptions {
  /** The TUN device (`tun.enabled`). */
  readonly tun: Omit<UeTunOptions, 'output' | 'now' | 'dataSas'> | undefined;
  /** The data SA (`ike.protectData`); its raw ESP socket is taken from `raw`. */
  readonly dataSa: Omit<UeDataSaDeps, 'rawEsp' | 'toDevice' | 'mtus'> | undefined;
  /** Port Z on the current care-of address. */
  readonly socket: DatagramTransport;
  /** The raw IP sockets the UE could open (protocols 4, 41 and 50 over IPv4; none without privilege). */
  readonly raw: readonly RawIpTransport[];
  readonly now: () => number;
  /** Why a TUN step failed (the device could not open or be changed, a pin could not be made). */
  readonly onTunError: (reason: string) => void;
}

export class UeUserPlane {
  readonly tun: UeTun | undefined;
  readonly dataSa: UeDataSa | undefined;
  private readonly output: RawTunnelOutput;

  constructor(private readonly o: UeUserPlaneOptions) {
    this.output = new RawTunnelOutput(o.socket, o.raw);
    this.dataSa = o.dataSa
      ? new UeDataSa({
          ...o.dataSa,
          rawEsp: o.raw.find((r) => r.family === 4 && r.protocol === RawProtocol.ESP),
          mtus: { linkMtu: ETHERNET_MTU, deviceMtu: o.tun?.config.mtu ?? ETHERNET_MTU },
          toDevice: (inner) => this.tun?.fromHomeAgent(inner) ?? false,
        })
      : undefined;
    this.tun = o.tun
      ? new UeTun({ ...o.tun, output: this.output, now: o.now, ...(this.dataSa ? { dataSas: this.dataSa } : {}) })
      : undefined;
  }

  /** Follows the core: the device and its route, and the data SA from IPv4 care-of addresses. */
  apply(e: MobileNodeEvent): void {
    this.tunStep(() => this.tun?.apply(e));
    if (e.kind === 'registered') this.dataSa?.registered(e.careOf, e.ipv4HomeAddress);
  }

  /** A move: tunnelled packets leave from `socket` (bound to `careOf`), the HA's pins go through its interface. */
  changeCareOf(socket: DatagramTransport, careOf: IpAddress): void {
    this.output.udp = socket;
    this.tunStep(() => this.tun?.repinHomeAgent(careOf));
  }

  /** The IKE SA the data SA is negotiated on: the attach's, then each move's new one (RFC 5555 §5.1). */
  useIkeLink<E extends IkeEndpoint>(link: IkeLinkParts<E>): void {
    this.dataSa?.useIkeLink(ikeLinkControl(link));
  }

  /** A whole IPv4 packet from a raw socket: true when it was ESP, which is only ever the data SA's (RFC 5555 §5.2.2). */
  fromRawIpv4(packet: Uint8Array): boolean {
    return this.dataSa?.fromRawIpv4(packet) ?? false;
  }

  /** User traffic out of the plain tunnel: true when the device took it in hand. */
  fromHomeAgent(inner: Uint8Array): boolean {
    return this.tun?.fromHomeAgent(inner) ?? false;
  }

  /** The data SA forgets its SAs; the device closes, taking its addresses and routes with it. */
  close(): void {
    this.dataSa?.close();
    this.tun?.close();
  }

  private tunStep(step: () => void): void {
    try {
      step();
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      this.o.onTunError(err instanceof TunUnavailableError ? err.reason : err.message);
    }
  }
}
