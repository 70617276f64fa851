/**
 * A VICI client over a UNIX socket (strongSwan src/libcharon/plugins/vici/README.md).
 *
 * VICI has no sequence numbers: one command (or event (un)registration) may be active per connection, and its
 * answer is the next non-event packet. So exchanges run strictly one after another here; events may arrive at
 * any time and go to their subscribers. Streamed commands (list-sas, list-conns) register for their event,
 * collect the events until the command's response, then unregister (README "Client-initiated commands").
 */
import { createConnection, type Socket } from 'node:net';
import { ViciError, ViciRequestError } from './errors.ts';
import type { ViciMessage } from './message.ts';
import { decodeViciPacket, encodeViciSegment, type ViciPacket, ViciSegmentReader } from './packet.ts';
import { type ViciInput, viciMessageFrom, viciMessageToTree } from './tree.ts';

export interface ViciClientOptions {
  /** How long one exchange may wait for its answer; after a timeout the connection is closed. */
  readonly timeoutMs?: number;
}

export interface ViciRequestOptions {
  /** Overrides the client's timeout for this exchange (a command such as initiate may run long). */
  readonly timeoutMs?: number;
}

export type ViciEventListener = (message: ViciMessage) => void;

interface Pending {
  readonly what: string;
  resolve(p: ViciPacket): void;
  reject(e: Error): void;
}

const DEFAULT_TIMEOUT_MS = 10_000;

function asMessage(m: ViciMessage | ViciInput): ViciMessage {
  return Array.isArray(m) ? (m as ViciMessage) : viciMessageFrom(m as ViciInput);
}

/** Throws ViciRequestError FAILED when a response says `success = no`; returns the response otherwise. */
export function expectSuccess(response: ViciMessage, command: string): ViciMessage {
  const tree = viciMessageToTree(response);
  if (tree.success !== undefined && tree.success !== 'yes') {
    const why = typeof tree.errmsg === 'string' ? tree.errmsg : 'no errmsg';
    throw new ViciRequestError('FAILED', `${command}: ${why}`);
  }
  return response;
}

export class ViciClient {
  private readonly reader = new ViciSegmentReader();
  private readonly listeners = new Map<string, Set<ViciEventListener>>();
  /** Daemon-side registrations, counted so several subscribers share one. */
  private readonly registrations = new Map<string, number>();
  private chain: Promise<unknown> = Promise.resolve();
  private pending: Pending | null = null;
  private failure: Error | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly timeoutMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.fail(new ViciRequestError('CLOSED', `socket error: ${e.message}`)));
    socket.on('close', () => this.fail(new ViciRequestError('CLOSED', 'connection closed')));
  }

  static connect(socketPath: string, options: ViciClientOptions = {}): Promise<ViciClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ path: socketPath });
      const onError = (e: Error): void => {
        socket.destroy();
        reject(new ViciRequestError('CLOSED', `cannot connect to ${socketPath}: ${e.message}`));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        resolve(new ViciClient(socket, options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
      });
    });
  }

  /** Sends a command and returns its response message (CMD_UNKNOWN becomes UNKNOWN_COMMAND). */
  async request(
    command: string,
    message: ViciMessage | ViciInput = [],
    options: ViciRequestOptions = {},
  ): Promise<ViciMessage> {
    const packet: ViciPacket = { kind: 'cmd-request', command, message: asMessage(message) };
    const answer = await this.exchange(packet, command, options.timeoutMs);
    if (answer.kind === 'cmd-response') return answer.message;
    if (answer.kind === 'cmd-unknown') throw new ViciRequestError('UNKNOWN_COMMAND', command);
    throw new ViciRequestError('UNEXPECTED', `${command} answered by a ${answer.kind} packet`);
  }

  /** A command that streams `event` messages before its response (list-sas → list-sa, list-conns → list-conn). */
  async streamedRequest(
    command: string,
    event: string,
    message: ViciMessage | ViciInput = [],
    options: ViciRequestOptions = {},
  ): Promise<{ events: ViciMessage[]; response: ViciMessage }> {
    const events: ViciMessage[] = [];
    const unsubscribe = await this.subscribe(event, (m) => events.push(m));
    try {
      const response = await this.request(command, message, options);
      return { events, response };
    } finally {
      await unsubscribe().catch(() => undefined); // the connection may be gone; the result stands or the error does
    }
  }

  /** Receives `event` messages until the returned function is called. */
  async subscribe(event: string, listener: ViciEventListener): Promise<() => Promise<void>> {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    try {
      await this.register(event);
    } catch (e) {
      set.delete(listener);
      throw e;
    }
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      this.listeners.get(event)?.delete(listener);
      await this.unregister(event);
    };
  }

  /**
   * Subscribes to `event` and returns once the daemon confirmed it (so nothing raised after this call is
   * missed); `received` then settles with the first message `accept` takes, or TIMEOUT after `timeoutMs`.
   * The subscription ends when it settles.
   */
  async expectEvent(
    event: string,
    accept: (m: ViciMessage) => boolean,
    timeoutMs = this.timeoutMs,
  ): Promise<{ readonly received: Promise<ViciMessage> }> {
    let settle: ((m: ViciMessage | Error) => void) | undefined;
    const result = new Promise<ViciMessage>((resolve, reject) => {
      settle = (m) => (m instanceof Error ? reject(m) : resolve(m));
    });
    const unsubscribe = await this.subscribe(event, (m) => {
      if (accept(m)) settle?.(m);
    });
    const timer = setTimeout(() => settle?.(new ViciRequestError('TIMEOUT', `no matching ${event} event`)), timeoutMs);
    const received = result.finally(async () => {
      clearTimeout(timer);
      await unsubscribe().catch(() => undefined); // the connection may be gone by then
    });
    received.catch(() => undefined); // a caller that never awaits it must not see an unhandled rejection
    return { received };
  }

  /** Closes the connection; pending and queued exchanges fail with CLOSED. */
  close(): void {
    this.fail(new ViciRequestError('CLOSED', 'closed by the client'));
  }

  private async register(event: string): Promise<void> {
    const count = this.registrations.get(event) ?? 0;
    this.registrations.set(event, count + 1);
    if (count > 0) return;
    try {
      await this.eventControl({ kind: 'event-register', event });
    } catch (e) {
      this.registrations.delete(event);
      throw e;
    }
  }

  private async unregister(event: string): Promise<void> {
    const count = this.registrations.get(event) ?? 0;
    if (count > 1) {
      this.registrations.set(event, count - 1);
      return;
    }
    this.registrations.delete(event);
    await this.eventControl({ kind: 'event-unregister', event });
  }

  private async eventControl(p: ViciPacket & { event: string }): Promise<void> {
    const answer = await this.exchange(p, `${p.kind} ${p.event}`);
    if (answer.kind === 'event-confirm') return;
    if (answer.kind === 'event-unknown') throw new ViciRequestError('UNKNOWN_EVENT', p.event);
    throw new ViciRequestError('UNEXPECTED', `${p.kind} ${p.event} answered by a ${answer.kind} packet`);
  }

  /** Queues one packet → answer exchange behind the ones already under way. */
  private exchange(packet: ViciPacket, what: string, timeoutMs = this.timeoutMs): Promise<ViciPacket> {
    const run = (): Promise<ViciPacket> =>
      new Promise<ViciPacket>((resolve, reject) => {
        if (this.failure !== null) {
          reject(new ViciRequestError('CLOSED', `${what}: connection closed earlier (${this.failure.message})`));
          return;
        }
        const timer = setTimeout(() => {
          const e = new ViciRequestError('TIMEOUT', `${what}: no answer within ${timeoutMs} ms`);
          this.fail(e); // a late answer would be taken for the next exchange's
        }, timeoutMs);
        this.pending = {
          what,
          resolve: (p) => {
            clearTimeout(timer);
            resolve(p);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        };
        this.socket.write(encodeViciSegment(packet));
      });
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  private onData(chunk: Buffer): void {
    let packets: ViciPacket[];
    try {
      packets = this.reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)).map(decodeViciPacket);
    } catch (e) {
      this.fail(e instanceof ViciError ? e : new ViciRequestError('CLOSED', String(e)));
      return;
    }
    for (const p of packets) {
      if (p.kind === 'event') {
        for (const listener of this.listeners.get(p.event) ?? []) {
          try {
            listener(p.message);
          } catch (e) {
            queueMicrotask(() => {
              throw e; // a listener's bug surfaces without stopping the stream
            });
          }
        }
        continue;
      }
      const pending = this.pending;
      if (pending === null) {
        this.fail(new ViciRequestError('UNEXPECTED', `unsolicited ${p.kind} packet`));
        return;
      }
      this.pending = null;
      pending.resolve(p);
    }
  }

  private fail(e: Error): void {
    if (this.failure !== null) return;
    this.failure = e;
    const pending = this.pending;
    this.pending = null;
    pending?.reject(e);
    this.socket.destroy();
  }
}
