/**
 * The HA's side of DHCP over the DSMIPv6 tunnel (TS 24.303 §5.1.1, §5.1.2.4 last paragraphs): a UE's DHCPv6 or
 * DHCPv4 message that came out of its tunnel is answered by the embedded stateless server or relayed to an external
 * server, and the answer goes back toward the UE's home address, which the node tunnels to the binding's CoA.
 * Sans-I/O: datagrams in, typed transmits and events out; bindings are named by the node's `bindingId`.
 */
import { isWireError } from '../util/errors.ts';
import { Fifo } from '../util/fifo.ts';
import type { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { BootpOp, DHCPV4_CLIENT_PORT, DHCPV4_SERVER_PORT } from '../wire/dhcpv4/constants.ts';
import { type Dhcpv4Message, decodeDhcpv4Message } from '../wire/dhcpv4/message.ts';
import { DHCPV6_CLIENT_PORT, DHCPV6_SERVER_PORT } from '../wire/dhcpv6/constants.ts';
import type { Dhcpv6ClientServerMessage } from '../wire/dhcpv6/message.ts';
import type { Dhcpv4Datagram, Dhcpv6Datagram } from './datagram.ts';
import { type Dhcpv4RelayConfig, relayToClient, relayToServer } from './v4-relay.ts';
import { answerInform, type EmbeddedDhcpv4ServerConfig } from './v4-server.ts';
import { type Dhcpv6RelayConfig, relayForward, relayReply } from './v6-relay.ts';
import { answerInformationRequest, type EmbeddedDhcpv6ServerConfig } from './v6-server.ts';

export type HaDhcpv6Mode =
  /** `serverAddress`: the source of the embedded server's Replies (an HA address on the home link). */
  | { readonly kind: 'embedded'; readonly server: EmbeddedDhcpv6ServerConfig; readonly serverAddress: Ipv6Address }
  | { readonly kind: 'relay'; readonly relay: Dhcpv6RelayConfig };

export type HaDhcpv4Mode =
  | { readonly kind: 'embedded'; readonly server: EmbeddedDhcpv4ServerConfig }
  | { readonly kind: 'relay'; readonly relay: Dhcpv4RelayConfig };

export interface HaDhcpServiceConfig {
  /** Undefined: DHCPv6 from UEs is dropped (`disabled`). */
  readonly v6: HaDhcpv6Mode | undefined;
  readonly v4: HaDhcpv4Mode | undefined;
}

export type HaDhcpTransmit =
  | {
      readonly toward: 'mobile-node';
      readonly family: 'ipv6';
      /** The binding to tunnel to; for a relayed reply, the one named by the echoed Interface-Id. */
      readonly bindingId: string | undefined;
      readonly datagram: Dhcpv6Datagram;
    }
  | {
      readonly toward: 'mobile-node';
      readonly family: 'ipv4';
      readonly bindingId: string | undefined;
      readonly datagram: Dhcpv4Datagram;
    }
  | { readonly toward: 'server'; readonly family: 'ipv6'; readonly datagram: Dhcpv6Datagram }
  | { readonly toward: 'server'; readonly family: 'ipv4'; readonly datagram: Dhcpv4Datagram };

export type HaDhcpEvent =
  | {
      readonly kind: 'answered';
      readonly family: 'ipv6';
      readonly bindingId: string;
      readonly reply: Dhcpv6ClientServerMessage;
    }
  | { readonly kind: 'answered'; readonly family: 'ipv4'; readonly bindingId: string; readonly reply: Dhcpv4Message }
  | { readonly kind: 'relayed-to-server'; readonly family: 'ipv6' | 'ipv4'; readonly bindingId: string }
  | {
      readonly kind: 'relayed-to-mobile-node';
      readonly family: 'ipv6' | 'ipv4';
      readonly bindingId: string | undefined;
    }
  | {
      readonly kind: 'dropped';
      readonly family: 'ipv6' | 'ipv4';
      readonly from: 'mobile-node' | 'server';
      readonly reason: string;
    };

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** The Interface-Id / Agent Circuit ID bytes that name a binding: its id in UTF-8. */
export function bindingIdBytes(bindingId: string): Uint8Array {
  return utf8.encode(bindingId);
}

export function bindingIdFromBytes(bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined) return undefined;
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return undefined;
  }
}

function isBootReply(payload: Uint8Array): boolean {
  try {
    return decodeDhcpv4Message(payload).op === BootpOp.BOOTREPLY;
  } catch (e) {
    if (!isWireError(e)) throw e;
    return false;
  }
}

export class HaDhcpService {
  private readonly transmits = new Fifo<HaDhcpTransmit>();
  private readonly events = new Fifo<HaDhcpEvent>();

  constructor(readonly config: HaDhcpServiceConfig) {}

  /** A DHCPv6 datagram from the tunnel of `bindingId` (source = the UE's HoA). */
  handleFromMobileNodeV6(_now: number, bindingId: string, d: Dhcpv6Datagram): void {
    const mode = this.config.v6;
    if (mode === undefined) {
      this.dropped('ipv6', 'mobile-node', 'disabled');
      return;
    }
    if (mode.kind === 'embedded') {
      const r = answerInformationRequest(d.payload, mode.server);
      if (r.kind === 'drop') {
        this.dropped('ipv6', 'mobile-node', r.reason);
        return;
      }
      this.transmits.push({
        toward: 'mobile-node',
        family: 'ipv6',
        bindingId,
        datagram: {
          source: mode.serverAddress,
          destination: d.source,
          sourcePort: DHCPV6_SERVER_PORT,
          destinationPort: DHCPV6_CLIENT_PORT,
          payload: r.payload,
        },
      });
      this.events.push({ kind: 'answered', family: 'ipv6', bindingId, reply: r.reply });
      return;
    }
    const r = relayForward(d.payload, d.source, bindingIdBytes(bindingId), mode.relay);
    if (r.kind === 'drop') {
      this.dropped('ipv6', 'mobile-node', r.reason);
      return;
    }
    for (const datagram of r.transmits) this.transmits.push({ toward: 'server', family: 'ipv6', datagram });
    this.events.push({ kind: 'relayed-to-server', family: 'ipv6', bindingId });
  }

  /** A DHCPv4 datagram from the tunnel of `bindingId`, whose IPv4 HoA is `ipv4HomeAddress`. */
  handleFromMobileNodeV4(
    _now: number,
    bindingId: string,
    d: Dhcpv4Datagram,
    ipv4HomeAddress: Ipv4Address | undefined,
  ): void {
    const mode = this.config.v4;
    if (mode === undefined) {
      this.dropped('ipv4', 'mobile-node', 'disabled');
      return;
    }
    if (mode.kind === 'embedded') {
      const r = answerInform(d.payload, mode.server, ipv4HomeAddress);
      if (r.kind === 'drop') {
        this.dropped('ipv4', 'mobile-node', r.reason);
        return;
      }
      this.transmits.push({
        toward: 'mobile-node',
        family: 'ipv4',
        bindingId,
        datagram: {
          source: mode.server.serverIdentifier,
          destination: r.destination,
          sourcePort: DHCPV4_SERVER_PORT,
          destinationPort: r.destinationPort,
          payload: r.payload,
        },
      });
      this.events.push({ kind: 'answered', family: 'ipv4', bindingId, reply: r.ack });
      return;
    }
    const r = relayToServer(d.payload, bindingIdBytes(bindingId), mode.relay);
    if (r.kind === 'drop') {
      this.dropped('ipv4', 'mobile-node', r.reason);
      return;
    }
    for (const datagram of r.transmits) this.transmits.push({ toward: 'server', family: 'ipv4', datagram });
    this.events.push({ kind: 'relayed-to-server', family: 'ipv4', bindingId });
  }

  /** A datagram from the external DHCPv6 server (to the relay's port 547). */
  handleFromServerV6(_now: number, d: Dhcpv6Datagram): void {
    const mode = this.config.v6;
    if (mode?.kind !== 'relay') {
      this.dropped('ipv6', 'server', 'not-relaying');
      return;
    }
    const r = relayReply(d.payload);
    if (r.kind === 'drop') {
      this.dropped('ipv6', 'server', r.reason);
      return;
    }
    const bindingId = bindingIdFromBytes(r.interfaceId);
    this.transmits.push({
      toward: 'mobile-node',
      family: 'ipv6',
      bindingId,
      datagram: {
        source: mode.relay.linkAddress,
        destination: r.peerAddress,
        sourcePort: DHCPV6_SERVER_PORT,
        destinationPort: r.destinationPort,
        payload: r.payload,
      },
    });
    this.events.push({ kind: 'relayed-to-mobile-node', family: 'ipv6', bindingId });
  }

  /**
   * A datagram from the external DHCPv4 server: a BOOTREPLY to the relay (giaddr:67, RFC 2131 §4.1), or one sent
   * straight to the UE's IPv4 HoA on port 68 — RFC 2131 §4.3.5 answers DHCPINFORM "directly to the address given in
   * the 'ciaddr' field", which Kea 2.2 does even for a relayed DHCPINFORM. The HA receives those as traffic for the
   * HoA; they go into the tunnel unchanged.
   */
  handleFromServerV4(_now: number, d: Dhcpv4Datagram): void {
    const mode = this.config.v4;
    if (mode?.kind !== 'relay') {
      this.dropped('ipv4', 'server', 'not-relaying');
      return;
    }
    if (d.destinationPort === DHCPV4_CLIENT_PORT) {
      if (!isBootReply(d.payload)) {
        this.dropped('ipv4', 'server', 'not-reply');
        return;
      }
      this.transmits.push({ toward: 'mobile-node', family: 'ipv4', bindingId: undefined, datagram: d });
      this.events.push({ kind: 'relayed-to-mobile-node', family: 'ipv4', bindingId: undefined });
      return;
    }
    const r = relayToClient(d.payload, mode.relay);
    if (r.kind === 'drop') {
      this.dropped('ipv4', 'server', r.reason);
      return;
    }
    const bindingId = bindingIdFromBytes(r.circuitId);
    this.transmits.push({
      toward: 'mobile-node',
      family: 'ipv4',
      bindingId,
      datagram: {
        source: mode.relay.relayAddress,
        destination: r.destination,
        sourcePort: DHCPV4_SERVER_PORT,
        destinationPort: r.destinationPort,
        payload: r.payload,
      },
    });
    this.events.push({ kind: 'relayed-to-mobile-node', family: 'ipv4', bindingId });
  }

  pollTransmit(): HaDhcpTransmit | undefined {
    return this.transmits.shift();
  }

  pollEvent(): HaDhcpEvent | undefined {
    return this.events.shift();
  }

  private dropped(family: 'ipv6' | 'ipv4', from: 'mobile-node' | 'server', reason: string): void {
    this.events.push({ kind: 'dropped', family, from, reason });
  }
}
