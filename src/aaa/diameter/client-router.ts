/**
 * The client's peer table (RFC 6733 §2.7, §6.1): configured peers in order of preference, each with the realms
 * it serves, one connection each (the shell connects and reports the transport). A request goes to the first open,
 * not suspect, peer that serves its Destination-Realm, preferring the one whose identity is its Destination-Host.
 * Requests waiting for an answer are kept by Hop-by-Hop Identifier; when their peer turns suspect or closes they
 * are re-sent to an alternate peer with the T flag (RFC 6733 §5.5.4), same identifiers, and when none is left
 * or their time is up they fail.
 */
import { CommandFlag, type DiameterMessage, DisconnectCause, isRequest } from '../../wire/diameter/index.ts';
import type { LocalIdentity, PeerCapabilities } from './base-messages.ts';
import type { IdentifierAllocator, RandomU32 } from './identifiers.ts';
import { type CloseReason, PeerConnection } from './peer-connection.ts';

export interface RoutePeer {
  /** Expected Origin-Host of the peer (used for Destination-Host routing; not enforced). */
  readonly host?: string;
  /** Realms this peer serves or relays to; empty = any realm (a default route). */
  readonly realms?: readonly string[];
}

export type RouterEvent =
  | { readonly kind: 'answer'; readonly token: number; readonly message: DiameterMessage }
  | { readonly kind: 'request-failed'; readonly token: number; readonly reason: 'timeout' | 'no-server' }
  | { readonly kind: 'request'; readonly peer: number; readonly message: DiameterMessage }
  | { readonly kind: 'peer-open'; readonly peer: number; readonly caps: PeerCapabilities }
  | { readonly kind: 'peer-down'; readonly peer: number; readonly reason: CloseReason; readonly detail: string }
  | { readonly kind: 'failover'; readonly token: number; readonly from: number; readonly to: number };

interface Pending {
  readonly token: number;
  message: DiameterMessage;
  peer: number;
  readonly deadline: number;
}

export interface ClientRouterOptions {
  readonly local: LocalIdentity;
  readonly peers: readonly RoutePeer[];
  readonly ids: IdentifierAllocator;
  readonly random: RandomU32;
  readonly twMs?: number;
  /** How long a request may wait for its answer, failovers included. */
  readonly requestTimeoutMs: number;
}

export class ClientRouter {
  private readonly conns: (PeerConnection | undefined)[];
  private readonly pending = new Map<number, Pending>(); // by Hop-by-Hop
  private readonly events: RouterEvent[] = [];
  private readonly out: { peer: number; bytes: Uint8Array }[] = [];
  private readonly closeWanted = new Set<number>();

  constructor(private readonly o: ClientRouterOptions) {
    this.conns = o.peers.map(() => undefined);
  }

  get peerCount(): number {
    return this.conns.length;
  }

  isOpen(peer: number): boolean {
    return this.conns[peer]?.state === 'open';
  }

  peerCapabilities(peer: number): PeerCapabilities | undefined {
    return this.conns[peer]?.peer;
  }

  /** The shell connected to peer `i`: CER goes out. */
  transportUp(now: number, peer: number): void {
    this.conns[peer] = new PeerConnection(
      { role: 'initiator', local: this.o.local, ids: this.o.ids, random: this.o.random, twMs: this.o.twMs },
      now,
    );
    this.drain(peer);
  }

  transportDown(peer: number, detail: string): void {
    this.conns[peer]?.transportClosed(detail);
    this.drain(peer);
  }

  bytes(now: number, peer: number, chunk: Uint8Array): void {
    this.conns[peer]?.handleBytes(now, chunk);
    this.drain(peer);
  }

  /** Sends a request (its identifiers already set); the answer or failure comes back as an event with `token`. */
  sendRequest(now: number, token: number, m: DiameterMessage, destinationRealm: string, destinationHost?: string) {
    const peer = this.choose(destinationRealm, destinationHost, -1);
    if (peer === undefined) {
      this.events.push({ kind: 'request-failed', token, reason: 'no-server' });
      return;
    }
    this.pending.set(m.hopByHop, { token, message: m, peer, deadline: now + this.o.requestTimeoutMs });
    this.conns[peer]!.send(m);
    this.drain(peer);
  }

  /** Sends an answer to a request the peer sent us (ASA, RAA). */
  sendAnswer(peer: number, m: DiameterMessage): void {
    const c = this.conns[peer];
    if (c?.state === 'open') {
      c.send(m);
      this.drain(peer);
    }
  }

  /** Forgets a request (its caller gave up); a late answer is then dropped. */
  cancel(hopByHop: number): void {
    this.pending.delete(hopByHop);
  }

  disconnectAll(now: number): void {
    for (let i = 0; i < this.conns.length; i++) {
      this.conns[i]?.disconnect(now, DisconnectCause.REBOOTING);
      this.drain(i);
    }
  }

  handleTimeout(now: number): void {
    for (const [hop, p] of this.pending) {
      if (now >= p.deadline) {
        this.pending.delete(hop);
        this.events.push({ kind: 'request-failed', token: p.token, reason: 'timeout' });
      }
    }
    for (let i = 0; i < this.conns.length; i++) {
      this.conns[i]?.handleTimeout(now);
      this.drain(i);
    }
  }

  pollTimeout(): number | undefined {
    let t: number | undefined;
    for (const p of this.pending.values()) t = t === undefined ? p.deadline : Math.min(t, p.deadline);
    for (const c of this.conns) {
      const d = c?.pollTimeout();
      if (d !== undefined) t = t === undefined ? d : Math.min(t, d);
    }
    return t;
  }

  pollTransmit(): { peer: number; bytes: Uint8Array } | undefined {
    return this.out.shift();
  }

  pollEvent(): RouterEvent | undefined {
    return this.events.shift();
  }

  /** Peers whose transport the shell should close (after DPR/DPA, a failed CER, the watchdog). */
  pollClose(): number | undefined {
    const [first] = this.closeWanted;
    if (first !== undefined) this.closeWanted.delete(first);
    return first;
  }

  private choose(realm: string, host: string | undefined, exclude: number): number | undefined {
    let fallback: number | undefined;
    for (let i = 0; i < this.conns.length; i++) {
      const c = this.conns[i];
      if (i === exclude || c?.state !== 'open' || c.isSuspect) continue;
      const route = this.o.peers[i]!;
      if (route.realms && route.realms.length > 0 && !route.realms.includes(realm)) continue;
      const identity = c.peer?.originHost ?? route.host;
      if (host !== undefined && identity === host) return i;
      fallback ??= i;
    }
    return fallback;
  }

  private drain(peer: number): void {
    const c = this.conns[peer];
    if (!c) return;
    for (let b = c.pollTransmit(); b; b = c.pollTransmit()) this.out.push({ peer, bytes: b });
    for (let e = c.pollEvent(); e; e = c.pollEvent()) {
      switch (e.kind) {
        case 'open':
          this.events.push({ kind: 'peer-open', peer, caps: e.peer });
          this.adoptStranded(peer);
          for (let b = c.pollTransmit(); b; b = c.pollTransmit()) this.out.push({ peer, bytes: b });
          break;
        case 'message':
          this.onMessage(peer, e.message);
          break;
        case 'suspect':
          this.failover(peer);
          break;
        case 'okay':
          break;
        case 'closed':
          this.closeWanted.add(peer);
          this.events.push({ kind: 'peer-down', peer, reason: e.reason, detail: e.detail });
          this.failover(peer);
          break;
      }
    }
  }

  private onMessage(peer: number, m: DiameterMessage): void {
    if (isRequest(m)) {
      this.events.push({ kind: 'request', peer, message: m });
      return;
    }
    const p = this.pending.get(m.hopByHop);
    // An answer we no longer wait for (after a failover its twin may still come back): dropped (§5.5.4).
    if (!p || p.message.endToEnd !== m.endToEnd) return;
    this.pending.delete(m.hopByHop);
    this.events.push({ kind: 'answer', token: p.token, message: m });
  }

  /** RFC 6733 §5.5.4: requests pending on `from` go to an alternate peer with the T flag set. */
  private failover(from: number): void {
    for (const p of this.pending.values()) {
      if (p.peer !== from) continue;
      const realm = destinationRealmOf(p.message);
      const to = this.choose(realm, undefined, from);
      if (to === undefined) continue; // stays pending: the peer may come back, or the deadline ends it
      p.message = { ...p.message, flags: p.message.flags | CommandFlag.RETRANSMIT };
      p.peer = to;
      this.events.push({ kind: 'failover', token: p.token, from, to });
      this.conns[to]!.send(p.message);
      for (let b = this.conns[to]!.pollTransmit(); b; b = this.conns[to]!.pollTransmit()) {
        this.out.push({ peer: to, bytes: b });
      }
    }
  }

  /** A peer (re)opened: requests stranded on a closed peer are re-sent through it, with T (§5.5.4). */
  private adoptStranded(to: number): void {
    for (const p of this.pending.values()) {
      if (this.conns[p.peer]?.state === 'open') continue;
      p.message = { ...p.message, flags: p.message.flags | CommandFlag.RETRANSMIT };
      p.peer = to;
      this.conns[to]!.send(p.message);
    }
  }
}

function destinationRealmOf(m: DiameterMessage): string {
  const a = m.avps.find((x) => x.code === 283 && x.vendorId === undefined);
  return a ? new TextDecoder().decode(a.data) : '';
}
