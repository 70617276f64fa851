/**
 * A simulated link between one UE (IkeInitiator) and one HA (IkeResponder) with virtual time (test support, not
 * runtime code). Datagrams queue up and are delivered one at a time, so a test can comment each step with its
 * message diagram, lose or duplicate it, or rewrite the UE's addresses as a NAT would.
 */
import { type IpAddress, Ipv4Address } from '../util/ip-address.ts';
import { ExchangeType } from '../wire/ike/constants.ts';
import { decodeIkeMessage } from '../wire/ike/message.ts';
import { type IkePayload, payloadType } from '../wire/ike/payload.ts';
import type { IkeEndpoint } from './endpoint.ts';
import type { IkeEvent, IkePath, IkeTransmit } from './events.ts';
import type { IkeInitiator } from './initiator.ts';
import type { IkeResponder } from './responder.ts';

export type Side = 'ue' | 'ha';

export interface Datagram {
  readonly from: Side;
  readonly t: IkeTransmit;
}

/** What a test sees of a datagram: header fields and the (decrypted) payloads. */
export interface Seen {
  readonly from: Side;
  readonly exchangeType: number;
  readonly response: boolean;
  readonly messageId: number;
  readonly payloads: readonly IkePayload[];
  /** Short names: 'SA', 'KE', 'Ni', 'N(16388)', 'IDi', 'CP', 'EAP', ... */
  readonly names: readonly string[];
}

const NAMES: Record<string, string> = {
  sa: 'SA',
  ke: 'KE',
  idi: 'IDi',
  idr: 'IDr',
  cert: 'CERT',
  certreq: 'CERTREQ',
  auth: 'AUTH',
  nonce: 'N',
  delete: 'D',
  'vendor-id': 'V',
  tsi: 'TSi',
  tsr: 'TSr',
  sk: 'SK',
  cp: 'CP',
  eap: 'EAP',
};

export function payloadNames(payloads: readonly IkePayload[]): string[] {
  return payloads.map((p) => (p.kind === 'notify' ? `N(${p.notifyType})` : (NAMES[p.kind] ?? `?${payloadType(p)}`)));
}

export const EXCHANGE = {
  INIT: ExchangeType.IKE_SA_INIT,
  AUTH: ExchangeType.IKE_AUTH,
  CHILD: ExchangeType.CREATE_CHILD_SA,
  INFO: ExchangeType.INFORMATIONAL,
};

export interface NatOptions {
  /** The NAT's public address and the port base of its mappings (the source port really changes). */
  readonly publicAddr: IpAddress;
  readonly portBase: number;
}

export class FakeLink {
  now: number;
  readonly queue: Datagram[] = [];
  readonly ueEvents: IkeEvent[] = [];
  readonly haEvents: IkeEvent[] = [];
  private readonly natMap = new Map<string, number>();
  private readonly natReverse = new Map<number, { addr: IpAddress; port: number }>();

  constructor(
    readonly ue: IkeInitiator,
    readonly ha: IkeResponder,
    now: number,
    private readonly nat?: NatOptions,
  ) {
    this.now = now;
  }

  /** Moves everything both endpoints want to send into the queue, and their events into the logs. */
  collect(): void {
    for (let t = this.ue.pollTransmit(); t; t = this.ue.pollTransmit()) this.queue.push({ from: 'ue', t });
    for (let t = this.ha.pollTransmit(); t; t = this.ha.pollTransmit()) this.queue.push({ from: 'ha', t });
    for (let e = this.ue.pollEvent(); e; e = this.ue.pollEvent()) this.ueEvents.push(e);
    for (let e = this.ha.pollEvent(); e; e = this.ha.pollEvent()) this.haEvents.push(e);
  }

  /** The next datagram, without delivering it. */
  next(): Datagram | undefined {
    this.collect();
    return this.queue[0];
  }

  /** Decodes (and with the receiver's keys decrypts) a datagram for assertions. */
  inspect(d: Datagram): Seen {
    const m = decodeIkeMessage(d.t.bytes);
    const h = m.header;
    let payloads: readonly IkePayload[] = m.payloads;
    const sk = m.payloads.find((p) => p.kind === 'sk');
    if (sk && sk.kind === 'sk') {
      const receiver: IkeEndpoint = d.from === 'ue' ? this.ha : this.ue;
      const sa = receiver.ikeSaBySpi(h.initiator ? h.responderSpi : h.initiatorSpi);
      const opened = sa?.protection?.open(d.t.bytes, sk);
      payloads = opened?.ok ? opened.payloads : [];
    }
    return {
      from: d.from,
      exchangeType: h.exchangeType,
      response: h.response,
      messageId: h.messageId,
      payloads,
      names: payloadNames(payloads),
    };
  }

  /** Delivers the next datagram (or drops it when `drop`); returns what it was. */
  step(opts: { drop?: boolean; duplicate?: boolean } = {}): Seen {
    const d = this.next();
    if (!d) throw new Error('nothing to deliver');
    const seen = this.inspect(d);
    this.queue.shift();
    if (!opts.drop) {
      this.deliver(d);
      if (opts.duplicate) this.deliver(d);
    }
    this.collect();
    return seen;
  }

  /** Delivers `d` as the receiver would see it (through the NAT, if any). */
  deliver(d: Datagram): void {
    const t = d.t;
    if (d.from === 'ue') {
      let remoteAddr: IpAddress = t.localAddr;
      let remotePort = t.localPort;
      if (this.nat) {
        const key = `${t.localAddr}|${t.localPort}`;
        let port = this.natMap.get(key);
        if (port === undefined) {
          port = this.nat.portBase + this.natMap.size;
          this.natMap.set(key, port);
          this.natReverse.set(port, { addr: t.localAddr, port: t.localPort });
        }
        remoteAddr = this.nat.publicAddr;
        remotePort = port;
      }
      const path: IkePath = { localAddr: t.remoteAddr, localPort: t.remotePort, remoteAddr, remotePort };
      this.ha.handleDatagram(this.now, t.bytes, path);
    } else {
      let localAddr: IpAddress = t.remoteAddr;
      let localPort = t.remotePort;
      if (this.nat) {
        const back = this.natReverse.get(t.remotePort);
        if (
          !back ||
          !(t.remoteAddr instanceof Ipv4Address) ||
          t.remoteAddr.toString() !== this.nat.publicAddr.toString()
        )
          return;
        localAddr = back.addr;
        localPort = back.port;
      }
      this.ue.handleDatagram(this.now, t.bytes, {
        localAddr,
        localPort,
        remoteAddr: t.localAddr,
        remotePort: t.localPort,
      });
    }
  }

  /** Delivers until nothing is queued; returns what passed (bounded, so a loop fails loudly). */
  flush(limit = 200): Seen[] {
    const seen: Seen[] = [];
    while (this.next()) {
      if (seen.length >= limit) throw new Error('link did not settle');
      seen.push(this.step());
    }
    return seen;
  }

  /** Moves virtual time on to `to` (or to the next deadline), firing timers on both sides. */
  advance(to?: number): void {
    const next = Math.min(
      this.ue.pollTimeout() ?? Number.POSITIVE_INFINITY,
      this.ha.pollTimeout() ?? Number.POSITIVE_INFINITY,
    );
    const target = to ?? next;
    if (!Number.isFinite(target)) throw new Error('no deadline to advance to');
    this.now = Math.max(this.now, target);
    this.ue.handleTimeout(this.now);
    this.ha.handleTimeout(this.now);
    this.collect();
  }

  /** Flushes, then fires timers, until `done()` holds; fails after `limit` rounds. */
  runUntil(done: () => boolean, limit = 100): void {
    for (let i = 0; i < limit; i++) {
      this.flush();
      if (done()) return;
      this.advance();
    }
    throw new Error('condition not reached');
  }

  eventsOf(side: Side, kind: IkeEvent['kind']): IkeEvent[] {
    this.collect();
    return (side === 'ue' ? this.ueEvents : this.haEvents).filter((e) => e.kind === kind);
  }
}

/** A UE/HA pair on a fresh link with the attach run to completion (both Child SAs up). */
export function attached(link: FakeLink): { ueSa: number; haSa: number } {
  const ueSa = link.ue.connect(link.now);
  const settled = () =>
    link.eventsOf('ue', 'child-sa-established').length + link.eventsOf('ue', 'child-sa-failed').length >= 2 ||
    link.eventsOf('ue', 'ike-sa-failed').length > 0;
  link.runUntil(settled);
  const est = link.eventsOf('ha', 'ike-sa-established')[0];
  if (est?.kind !== 'ike-sa-established') throw new Error('attach failed');
  return { ueSa, haSa: est.ikeSaId };
}
