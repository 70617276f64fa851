/**
 * Test support for flood tests (not runtime code): many initiators, each on its own address and port, against one
 * responder in virtual time. Datagrams are routed by the UDP 4-tuple; a filter lets a test play an attacker that
 * echoes cookies but never sends IKE_AUTH, or one that starts EAP and never answers the challenge.
 */
import type { IpAddress } from '../util/ip-address.ts';
import { decodeIkeHeader } from '../wire/ike/header.ts';
import type { IkeEvent, IkeTransmit } from './events.ts';
import { IkeInitiator } from './initiator.ts';
import type { IkeResponder } from './responder.ts';
import { HA_ADDR, ueConfig } from './test-support.ts';

/** What a sent request is, for the filter. */
export interface Outgoing {
  readonly exchangeType: number;
  readonly messageId: number;
  readonly response: boolean;
}

export interface Peer {
  readonly ue: IkeInitiator;
  readonly address: IpAddress;
  readonly port: number;
  /** Whether to deliver this datagram of the peer's to the responder. */
  readonly deliver: (m: Outgoing) => boolean;
  readonly events: IkeEvent[];
  /** Set by `mute`: nothing more of this peer's reaches the responder (an attacker that has moved on). */
  muted: boolean;
}

export class FloodNet {
  now: number;
  readonly haEvents: IkeEvent[] = [];
  private readonly peers = new Map<string, Peer>();

  constructor(
    readonly ha: IkeResponder,
    now: number,
  ) {
    this.now = now;
  }

  /** A new initiator from `address`:`port` (its own random seed) that connects at once. */
  connect(
    address: IpAddress,
    port: number,
    deliver: (m: Outgoing) => boolean = () => true,
    overrides: Parameters<typeof ueConfig>[0] = {},
  ): Peer {
    const ue = new IkeInitiator(
      ueConfig({
        path: { localAddr: address, localPort: port, remoteAddr: HA_ADDR, remotePort: 500 },
        ...overrides,
      }),
    );
    const peer: Peer = { ue, address, port, deliver, events: [], muted: false };
    this.peers.set(`${address}|${port}`, peer);
    ue.connect(this.now);
    return peer;
  }

  /** Delivers until nothing moves; bounded so a loop fails loudly. */
  flush(limit = 1_000_000): void {
    for (let i = 0; i < limit; i++) if (!this.pump()) return;
    throw new Error('flood net did not settle');
  }

  /** Moves virtual time to `to`, firing every timer, and flushes. */
  advance(to: number): void {
    this.now = Math.max(this.now, to);
    this.ha.handleTimeout(this.now);
    for (const p of this.peers.values()) p.ue.handleTimeout(this.now);
    this.flush();
  }

  /** Stops delivering what the peers so far send (their retransmissions would refill freed half-open slots). */
  muteAll(): void {
    for (const p of this.peers.values()) p.muted = true;
  }

  eventsOf(kind: IkeEvent['kind']): IkeEvent[] {
    return this.haEvents.filter((e) => e.kind === kind);
  }

  private pump(): boolean {
    let moved = false;
    for (const p of this.peers.values()) {
      for (let e = p.ue.pollEvent(); e; e = p.ue.pollEvent()) p.events.push(e);
      for (let t = p.ue.pollTransmit(); t; t = p.ue.pollTransmit()) {
        moved = true;
        const h = decodeIkeHeader(t.bytes).header;
        if (p.muted || !p.deliver({ exchangeType: h.exchangeType, messageId: h.messageId, response: h.response }))
          continue;
        this.ha.handleDatagram(this.now, t.bytes, {
          localAddr: t.remoteAddr,
          localPort: t.remotePort,
          remoteAddr: t.localAddr,
          remotePort: t.localPort,
        });
      }
    }
    for (let e = this.ha.pollEvent(); e; e = this.ha.pollEvent()) this.haEvents.push(e);
    for (let t = this.ha.pollTransmit(); t; t = this.ha.pollTransmit()) {
      moved = true;
      this.toPeer(t);
    }
    return moved;
  }

  private toPeer(t: IkeTransmit): void {
    const p = this.peers.get(`${t.remoteAddr}|${t.remotePort}`);
    p?.ue.handleDatagram(this.now, t.bytes, {
      localAddr: t.remoteAddr,
      localPort: t.remotePort,
      remoteAddr: t.localAddr,
      remotePort: t.localPort,
    });
  }
}
