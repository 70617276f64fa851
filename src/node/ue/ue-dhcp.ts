/**
 * The UE's DHCP clients for the tunnel (TS 24.303 §5.1.2.4 last paragraph): an Information-request from the IPv6
 * HoA asking for vendor options (17), DNS (23) and the configured codes (RFC 8415 §18.2.6), and a DHCPINFORM from
 * the IPv4 HoA asking for 43, 125, 6 and the configured codes (RFC 2131 §4.4.3). A tunnel has no link-layer
 * address, so the client identity is derived from the subscriber: stable across attaches. It is keyed with the USIM
 * key K, because without `ike.protectData` the tunnel crosses the visited network in the clear: a plain hash of the
 * IMSI would give the IMSI away to anyone trying the ~10^10 IMSIs of a known MCC and MNC.
 */
import { createHmac } from 'node:crypto';
import type { UeConfig } from '../../config/load.ts';
import { InformClient } from '../../dhcp/inform-client.ts';
import { InformationRequestClient } from '../../dhcp/information-request.ts';
import { tunnelInformationRequestConfig } from '../../dhcp/tunnel-clients.ts';
import type { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import type { Duid } from '../../wire/dhcpv6/duid.ts';
import type { UeTunnel } from './ue-tunnel.ts';

/** RFC 5612: the Private Enterprise Number reserved for documentation, for a DUID-EN of our own making. */
const DUID_ENTERPRISE = 32473;
/** ARP hardware type 1 (Ethernet) with a locally administered address (IEEE 802 U/L bit). */
const HARDWARE_TYPE_ETHERNET = 1;

export interface TunnelDhcpInputs {
  readonly homeAddress: Ipv6Address;
  readonly ipv4HomeAddress: Ipv4Address | undefined;
  readonly random: (n: number) => Uint8Array;
  /** RFC 8415 §18.2.6 INF_MAX_DELAY before the first Information-request; default the RFC's. */
  readonly firstDelayMaxMs: number | undefined;
}

/**
 * DUID-EN over HMAC-SHA-256(K, IMSI), and a locally administered unicast MAC for chaddr (RFC 2131 §2): only the
 * holder of K can tell which IMSI it stands for.
 */
export function tunnelClientIdentity(subscriber: { readonly imsi: string; readonly k: Uint8Array }): {
  readonly duid: Duid;
  readonly mac: Uint8Array;
} {
  const digest = createHmac('sha256', subscriber.k).update(`dsmip-ue tunnel DHCP client:${subscriber.imsi}`).digest();
  const mac = new Uint8Array(digest.subarray(16, 22));
  mac[0] = (mac[0]! & 0xfc) | 0x02;
  return {
    duid: { kind: 'en', enterpriseNumber: DUID_ENTERPRISE, identifier: new Uint8Array(digest.subarray(0, 16)) },
    mac,
  };
}

export function tunnelDhcpClients(
  config: UeConfig,
  i: TunnelDhcpInputs,
): { readonly v6: InformationRequestClient | undefined; readonly v4: InformClient | undefined } {
  const d = config.dhcp;
  const id = tunnelClientIdentity(config.identity);
  const v6 = d.v6.enabled
    ? new InformationRequestClient({
        ...tunnelInformationRequestConfig({
          homeAddress: i.homeAddress,
          clientDuid: id.duid,
          requestedOptions: d.v6.extraOptions,
          random: i.random,
        }),
        ...(i.firstDelayMaxMs !== undefined ? { firstTransmissionDelayMaxMs: i.firstDelayMaxMs } : {}),
      })
    : undefined;
  const v4 =
    d.v4.enabled && i.ipv4HomeAddress
      ? new InformClient({
          clientAddress: i.ipv4HomeAddress,
          hardwareType: HARDWARE_TYPE_ETHERNET,
          clientHardwareAddress: id.mac,
          requestedOptions: d.v4.extraOptions,
          random: i.random,
        })
      : undefined;
  return { v6, v4 };
}

/** Starts the clients the config enables on `tunnel` (TS 24.303 §5.1.2.4 last paragraph); says which run. */
export function startTunnelDhcp(
  config: UeConfig,
  tunnel: Pick<UeTunnel, 'startDhcp'>,
  i: TunnelDhcpInputs,
): { readonly v6: boolean; readonly v4: boolean } {
  const c = tunnelDhcpClients(config, i);
  tunnel.startDhcp({ v6: i.homeAddress, v4: i.ipv4HomeAddress }, c.v6, c.v4);
  return { v6: c.v6 !== undefined, v4: c.v4 !== undefined };
}
