/**
 * DHCPv6 Home Agent discovery on the access link (TS 24.303 §5.1.2.1.5, RFC 3736, RFC 6610): an Information-request
 * to All_DHCP_Relay_Agents_and_Servers (ff02::1:2) from the UE's link-local address, carrying the RFC 6610 request
 * for the seed's id-type (home-network-info.ts). Retransmission is RFC 8415 §15 with the INF_* parameters, bounded
 * by `maxDurationMs` (the exchange's MRD) so that the discovery policy can move on (constants.ts).
 */

import type { Dhcpv6Datagram } from '../dhcp/datagram.ts';
import { InformationRequestClient, type InformationRequestEvent } from '../dhcp/information-request.ts';
import type { RandomSource } from '../dhcp/random.ts';
import type { Ipv6Address } from '../util/ip-address.ts';
import type { Duid } from '../wire/dhcpv6/duid.ts';
import {
  type HomeNetworkInfoReading,
  type HomeNetworkInformation,
  type HomeNetworkRequest,
  homeNetworkRequestForIdType,
  homeNetworkRequestOptions,
  readHomeNetworkInformation,
  type SeedHomeNetworkIdType,
} from './home-network-info.ts';

export interface Dhcpv6DiscoveryConfig {
  readonly idType: SeedHomeNetworkIdType;
  /** Needed for id-type 1 (sent as the HNIDF). */
  readonly haApn?: string;
  readonly clientDuid: Duid | undefined;
  /** The source on the access link (RFC 8415 §17: a link-local address). */
  readonly linkLocalAddress: Ipv6Address;
  /** MRD of the exchange; 0 retransmits until answered (RFC 8415 §18.2.6). */
  readonly maxDurationMs: number;
  readonly firstTransmissionDelayMaxMs?: number;
  readonly random: RandomSource;
}

export type Dhcpv6DiscoveryOutcome =
  | {
      readonly kind: 'home-network-info';
      readonly info: HomeNetworkInformation;
      readonly discarded: HomeNetworkInfoReading['discarded'];
    }
  | { readonly kind: 'failed'; readonly reason: 'timeout' }
  | {
      readonly kind: 'failed';
      readonly reason: 'no-usable-container';
      readonly discarded: HomeNetworkInfoReading['discarded'];
    };

export class Dhcpv6HaDiscovery {
  readonly request: HomeNetworkRequest;
  private readonly client: InformationRequestClient;
  private result: Dhcpv6DiscoveryOutcome | undefined;
  /** What the underlying client reported (transmissions, drops), for logs. */
  readonly log: InformationRequestEvent[] = [];

  constructor(readonly config: Dhcpv6DiscoveryConfig) {
    this.request = homeNetworkRequestForIdType(config.idType, config.haApn);
    const { requestedOptions, extraOptions } = homeNetworkRequestOptions(this.request);
    this.client = new InformationRequestClient({
      clientDuid: config.clientDuid,
      requestedOptions,
      extraOptions,
      source: config.linkLocalAddress,
      firstTransmissionDelayMaxMs: config.firstTransmissionDelayMaxMs,
      retransmission: { mrdMs: config.maxDurationMs },
      refresh: false,
      random: config.random,
    });
  }

  get outcome(): Dhcpv6DiscoveryOutcome | undefined {
    return this.result;
  }

  start(now: number): void {
    this.result = undefined;
    this.client.start(now);
    this.collect();
  }

  stop(): void {
    this.client.stop();
  }

  handleDatagram(now: number, payload: Uint8Array): void {
    this.client.handleDatagram(now, payload);
    this.collect();
  }

  handleTimeout(now: number): void {
    this.client.handleTimeout(now);
    this.collect();
  }

  pollTransmit(): Dhcpv6Datagram | undefined {
    return this.client.pollTransmit();
  }

  pollTimeout(): number | undefined {
    return this.client.pollTimeout();
  }

  private collect(): void {
    for (let e = this.client.pollEvent(); e; e = this.client.pollEvent()) {
      this.log.push(e);
      if (e.kind === 'failed') this.result = { kind: 'failed', reason: 'timeout' };
      else if (e.kind === 'reply') {
        const { info, discarded } = readHomeNetworkInformation(e.reply.options, this.request);
        this.result = info
          ? { kind: 'home-network-info', info, discarded }
          : { kind: 'failed', reason: 'no-usable-container', discarded };
      }
    }
  }
}
