/**
 * The HA's RADIUS client for EAP pass-through (RFC 3579), sans-I/O: it is handed rounds, datagrams and the time,
 * and is polled for datagrams, its next deadline and outcomes. Per server: an 8-bit Identifier space with no two
 * requests in flight on the same Identifier (RFC 2865 §3). Per round: retransmissions of the same packet with
 * doubling waits, then failover to the next server with a new Identifier and Request Authenticator (RFC 5080
 * §2.2.1), never past the round's deadline. Every request carries Message-Authenticator and every answer must
 * carry a valid one, else it is dropped and counted (RFC 3579 §3.2; BlastRADIUS, CVE-2024-3596).
 */

import { isWireError } from '../util/errors.ts';
import { Fifo } from '../util/fifo.ts';
import {
  checkMessageAuthenticator,
  decodeRadius,
  encodeSignedRadius,
  RadiusCode,
  verifyResponseAuthenticator,
} from '../wire/radius/index.ts';
import { accessRequestAttributes, interpretAnswer } from './radius-answer.ts';
import type {
  RadiusClientConfig,
  RadiusClientCounters,
  RadiusClientEvent,
  RadiusDropReason,
  RadiusOutcome,
  RadiusRoundInput,
  RadiusTransmit,
} from './radius-client-types.ts';

interface Round {
  readonly id: number;
  readonly input: RadiusRoundInput;
  server: number;
  identifier: number;
  authenticator: Uint8Array;
  bytes: Uint8Array;
  tries: number;
  /** Servers tried so far in this round (failover stops when all have been). */
  serversTried: number;
  nextAtMs: number;
}

export class RadiusClient {
  private readonly servers: { readonly inFlight: Map<number, Round>; nextIdentifier: number; deadUntilMs: number }[];
  private readonly rounds = new Map<number, Round>();
  private readonly states = new Map<string, Uint8Array>();
  private readonly transmits = new Fifo<RadiusTransmit>();
  private readonly events = new Fifo<RadiusClientEvent>();
  private nextRound = 1;
  readonly counters: RadiusClientCounters = {
    requests: 0,
    retransmissions: 0,
    failovers: 0,
    accepts: 0,
    rejects: 0,
    challenges: 0,
    timeouts: 0,
    drops: {
      malformed: 0,
      unexpected: 0,
      'bad-code': 0,
      'bad-authenticator': 0,
      'missing-message-authenticator': 0,
      'bad-message-authenticator': 0,
    },
  };
  private readonly initialTimeoutMs: number;
  private readonly triesPerServer: number;
  private readonly deadTimeMs: number;

  constructor(private readonly config: RadiusClientConfig) {
    if (config.servers.length === 0) throw new RangeError('a RADIUS client needs at least one server');
    this.initialTimeoutMs = config.initialTimeoutMs ?? 1000;
    this.triesPerServer = config.triesPerServer ?? 2;
    this.deadTimeMs = config.deadTimeMs ?? 30_000;
    this.servers = config.servers.map(() => ({
      inFlight: new Map<number, Round>(),
      nextIdentifier: config.random(1)[0]!,
      deadUntilMs: 0,
    }));
  }

  /** Starts one EAP round; its outcome comes as an `outcome` event with the returned round number. */
  startRound(now: number, input: RadiusRoundInput): number {
    const id = this.nextRound++;
    const round: Round = {
      id,
      input,
      server: this.preferredServer(now),
      identifier: 0,
      authenticator: new Uint8Array(16),
      bytes: new Uint8Array(0),
      tries: 0,
      serversTried: 1,
      nextAtMs: now,
    };
    this.rounds.set(id, round);
    this.counters.requests++;
    if (now >= input.deadlineMs) this.finish(round, { kind: 'failure', reason: 'timeout', detail: 'no time left' });
    else this.sendNew(now, round);
    return id;
  }

  /** The attach is over: forget its State and end its round in flight (outcome 'aborted'). */
  endSession(sessionKey: string): void {
    this.states.delete(sessionKey);
    for (const r of [...this.rounds.values()]) {
      if (r.input.sessionKey === sessionKey) {
        this.finish(r, { kind: 'failure', reason: 'aborted', detail: 'session ended' });
      }
    }
  }

  handleDatagram(_now: number, server: number, bytes: Uint8Array): void {
    const s = this.servers[server];
    if (!s || bytes.length < 20) {
      this.drop(server, 'malformed');
      return;
    }
    const round = s.inFlight.get(bytes[1]!);
    if (!round) {
      this.drop(server, 'unexpected');
      return;
    }
    const code = bytes[0]!;
    if (
      code !== RadiusCode.ACCESS_ACCEPT &&
      code !== RadiusCode.ACCESS_REJECT &&
      code !== RadiusCode.ACCESS_CHALLENGE
    ) {
      this.drop(server, 'bad-code');
      return;
    }
    const secret = this.config.servers[server]!.secret;
    if (!verifyResponseAuthenticator(bytes, round.authenticator, secret)) {
      this.drop(server, 'bad-authenticator');
      return;
    }
    const ma = checkMessageAuthenticator(bytes, secret, round.authenticator);
    if (ma === 'missing') {
      this.drop(server, 'missing-message-authenticator');
      return;
    }
    if (ma !== 'ok') {
      this.drop(server, 'bad-message-authenticator');
      return;
    }
    let packet: ReturnType<typeof decodeRadius>;
    try {
      packet = decodeRadius(bytes);
    } catch (e) {
      if (!isWireError(e)) throw e;
      this.drop(server, 'malformed');
      return;
    }
    s.deadUntilMs = 0;
    const { outcome, state } = interpretAnswer(
      packet,
      secret,
      round.authenticator,
      round.input.eap,
      round.input.keylessSuccess,
    );
    if (outcome.kind === 'continue') {
      this.counters.challenges++;
      if (state) this.states.set(round.input.sessionKey, state);
      else this.states.delete(round.input.sessionKey);
    } else {
      if (code === RadiusCode.ACCESS_ACCEPT) this.counters.accepts++;
      if (code === RadiusCode.ACCESS_REJECT) this.counters.rejects++;
      this.states.delete(round.input.sessionKey);
    }
    this.finish(round, outcome);
  }

  handleTimeout(now: number): void {
    for (const r of [...this.rounds.values()]) {
      if (r.nextAtMs > now) continue;
      if (now >= r.input.deadlineMs) {
        this.counters.timeouts++;
        this.finish(r, { kind: 'failure', reason: 'timeout', detail: `no answer within the budget (${r.tries} sent)` });
      } else if (r.tries < this.triesPerServer) {
        this.counters.retransmissions++;
        this.transmit(now, r); // RFC 5080 §2.2.1: the same packet, same Identifier and Authenticator
      } else {
        const failed = this.config.servers[r.server]!.address;
        this.servers[r.server]!.deadUntilMs = now + this.deadTimeMs;
        this.events.push({ kind: 'server-down', server: failed });
        if (r.serversTried >= this.servers.length) {
          this.counters.timeouts++;
          this.finish(r, { kind: 'failure', reason: 'no-server', detail: `no server answered (last ${failed})` });
          continue;
        }
        this.counters.failovers++;
        this.servers[r.server]!.inFlight.delete(r.identifier);
        r.server = (r.server + 1) % this.servers.length;
        r.serversTried++;
        this.sendNew(now, r);
      }
    }
  }

  pollTransmit(): RadiusTransmit | undefined {
    return this.transmits.shift();
  }

  pollEvent(): RadiusClientEvent | undefined {
    return this.events.shift();
  }

  /** The earliest time handleTimeout has work (a retransmission, a failover or a deadline). */
  pollTimeout(): number | undefined {
    let t: number | undefined;
    for (const r of this.rounds.values()) if (t === undefined || r.nextAtMs < t) t = r.nextAtMs;
    return t;
  }

  private preferredServer(now: number): number {
    const alive = this.servers.findIndex((s) => s.deadUntilMs <= now);
    return Math.max(alive, 0);
  }

  /** A fresh packet to `r.server`: new Identifier free on that server, new Request Authenticator. */
  private sendNew(now: number, r: Round): void {
    const s = this.servers[r.server]!;
    let identifier = s.nextIdentifier;
    for (let i = 0; i < 256 && s.inFlight.has(identifier); i++) identifier = (identifier + 1) & 0xff;
    if (s.inFlight.has(identifier)) {
      this.finish(r, { kind: 'failure', reason: 'no-server', detail: '256 requests in flight on one server' });
      return;
    }
    s.nextIdentifier = (identifier + 1) & 0xff;
    s.inFlight.set(identifier, r);
    r.identifier = identifier;
    r.authenticator = this.config.random(16);
    r.tries = 0;
    const state = this.states.get(r.input.sessionKey);
    const attributes = accessRequestAttributes({
      identity: r.input.identity,
      eap: r.input.eap,
      ...(state ? { state } : {}),
      ...(r.input.callingStationId ? { callingStationId: r.input.callingStationId } : {}),
      ...(this.config.nasIdentifier ? { nasIdentifier: this.config.nasIdentifier } : {}),
      ...(this.config.nasAddress ? { nasAddress: this.config.nasAddress } : {}),
    });
    const packet = { code: RadiusCode.ACCESS_REQUEST, identifier, authenticator: r.authenticator, attributes };
    r.bytes = encodeSignedRadius(packet, this.config.servers[r.server]!.secret);
    this.transmit(now, r);
  }

  private transmit(now: number, r: Round): void {
    const wait = this.initialTimeoutMs * 2 ** r.tries;
    r.tries++;
    r.nextAtMs = Math.min(now + wait, r.input.deadlineMs);
    this.transmits.push({ server: r.server, address: this.config.servers[r.server]!.address, bytes: r.bytes });
  }

  private finish(r: Round, outcome: RadiusOutcome): void {
    if (!this.rounds.delete(r.id)) return;
    const s = this.servers[r.server]!;
    if (s.inFlight.get(r.identifier) === r) s.inFlight.delete(r.identifier);
    this.events.push({ kind: 'outcome', round: r.id, outcome });
  }

  private drop(server: number, why: RadiusDropReason): void {
    this.counters.drops[why]++;
    this.events.push({ kind: 'dropped', server: this.config.servers[server]?.address ?? `#${server}`, why });
  }
}
