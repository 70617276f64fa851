/**
 * One Diameter peer connection over a stream transport, sans-I/O: the capabilities exchange, the watchdog and the
 * disconnect (RFC 6733 §5.3–§5.6), simplified for one connection per peer with fixed roles (an initiator that
 * connected and sends CER, a responder that accepted and answers it; no election, §5.6.4, since only one side
 * connects). Application messages are handed up as events; the owner sends them with `send` once open.
 *
 * Watchdog (RFC 3539 §3.4.1, RFC 6733 §5.5): after Tw without any message received, a DWR goes out; if Tw passes
 * again with no answer the connection is SUSPECT (failover may start, RFC 6733 §5.5.4), and after one more Tw it
 * is closed. Any message received brings it back to OKAY. Tw is `twMs` with ±2 s of jitter (RFC 3539 §3.4.1).
 */
import { isWireError } from '../../util/errors.ts';
import {
  ApplicationId,
  CommandCode,
  type DiameterMessage,
  DiameterReassembler,
  DisconnectCause,
  decodeDiameter,
  encodeDiameter,
  isRequest,
  ResultCode,
} from '../../wire/diameter/index.ts';
import {
  answer,
  buildCea,
  buildCer,
  buildDpr,
  buildDwr,
  type LocalIdentity,
  type PeerCapabilities,
  readAnswerResult,
  readPeerCapabilities,
} from './base-messages.ts';
import type { IdentifierAllocator, RandomU32 } from './identifiers.ts';

export type PeerRole = 'initiator' | 'responder';
export type PeerState = 'wait-cea' | 'wait-cer' | 'open' | 'closing' | 'closed';
export type CloseReason =
  | 'cea-timeout'
  | 'cer-timeout'
  | 'capabilities-rejected' // CEA with a failure Result-Code, or a CER without a common application
  | 'watchdog' // two Tw with no answer (RFC 3539 DOWN)
  | 'malformed' // a message we could not parse: the stream cannot be resynchronised
  | 'peer-disconnect' // the peer sent DPR
  | 'local-disconnect' // we sent DPR (answered or timed out)
  | 'transport';

export type PeerEvent =
  | { readonly kind: 'open'; readonly peer: PeerCapabilities }
  | { readonly kind: 'message'; readonly message: DiameterMessage }
  | { readonly kind: 'suspect' }
  | { readonly kind: 'okay' }
  | { readonly kind: 'closed'; readonly reason: CloseReason; readonly detail: string };

export interface PeerConnectionOptions {
  readonly role: PeerRole;
  readonly local: LocalIdentity;
  readonly ids: IdentifierAllocator;
  readonly random: RandomU32;
  /** RFC 3539 Tw; RFC 3539 §3.4.1 says at least 6 s, 30 s by default. */
  readonly twMs?: number;
  /** Which peer applications we accept (a responder answers DIAMETER_NO_COMMON_APPLICATION without one). */
  readonly supports?: (peer: PeerCapabilities) => boolean;
}

export const DEFAULT_TW_MS = 30_000;
const JITTER_MS = 2_000;

export class PeerConnection {
  private stateValue: PeerState;
  private readonly reassembler = new DiameterReassembler();
  private readonly out: Uint8Array[] = [];
  private readonly events: PeerEvent[] = [];
  private deadline: number | undefined;
  private dwrOutstanding = false;
  private suspect = false;
  private peerCaps: PeerCapabilities | undefined;
  private readonly twMs: number;

  constructor(
    private readonly o: PeerConnectionOptions,
    now: number,
  ) {
    this.twMs = o.twMs ?? DEFAULT_TW_MS;
    if (o.role === 'initiator') {
      this.stateValue = 'wait-cea';
      this.emit(buildCer(o.local, o.ids.next()));
    } else this.stateValue = 'wait-cer';
    this.deadline = now + this.twMs;
  }

  get state(): PeerState {
    return this.stateValue;
  }

  get peer(): PeerCapabilities | undefined {
    return this.peerCaps;
  }

  get isSuspect(): boolean {
    return this.suspect;
  }

  /** Bytes read from the transport. */
  handleBytes(now: number, chunk: Uint8Array): void {
    if (this.stateValue === 'closed') return;
    let frames: Uint8Array[];
    try {
      frames = this.reassembler.push(chunk);
    } catch (e) {
      if (!isWireError(e)) throw e;
      this.close('malformed', e.message);
      return;
    }
    for (const f of frames) {
      let m: DiameterMessage;
      try {
        m = decodeDiameter(f);
      } catch (e) {
        if (!isWireError(e)) throw e;
        this.close('malformed', e.message);
        return;
      }
      this.handleMessage(now, m);
      if (this.state === 'closed') return;
    }
  }

  /** An application message; only once open (the owner picks an open peer). */
  send(m: DiameterMessage): void {
    if (this.stateValue !== 'open') throw new RangeError(`send on a peer connection in state ${this.stateValue}`);
    this.emit(m);
  }

  /** Closes gracefully with DPR (RFC 6733 §5.4); the connection closes on DPA or after Tw. */
  disconnect(now: number, cause: number = DisconnectCause.REBOOTING): void {
    if (this.stateValue !== 'open') {
      this.close('local-disconnect', 'closed before open');
      return;
    }
    this.emit(buildDpr(this.o.local, this.o.ids.next(), cause));
    this.stateValue = 'closing';
    this.deadline = now + this.twMs;
  }

  /** The transport went away under us. */
  transportClosed(detail: string): void {
    if (this.stateValue !== 'closed') this.close('transport', detail);
  }

  handleTimeout(now: number): void {
    if (this.deadline === undefined || now < this.deadline) return;
    switch (this.stateValue) {
      case 'wait-cea':
        this.close('cea-timeout', 'no CEA within Tw');
        return;
      case 'wait-cer':
        this.close('cer-timeout', 'no CER within Tw');
        return;
      case 'closing':
        this.close('local-disconnect', 'no DPA within Tw');
        return;
      case 'open':
        if (!this.dwrOutstanding) {
          this.emit(buildDwr(this.o.local, this.o.ids.next()));
          this.dwrOutstanding = true;
        } else if (!this.suspect) {
          this.suspect = true;
          this.events.push({ kind: 'suspect' });
        } else {
          this.close('watchdog', 'no answer to DWR for two Tw');
          return;
        }
        this.deadline = now + this.jitteredTw();
        return;
      case 'closed':
        return;
    }
  }

  pollTransmit(): Uint8Array | undefined {
    return this.out.shift();
  }

  pollTimeout(): number | undefined {
    return this.stateValue === 'closed' ? undefined : this.deadline;
  }

  pollEvent(): PeerEvent | undefined {
    return this.events.shift();
  }

  private handleMessage(now: number, m: DiameterMessage): void {
    // RFC 3539 §3.4.1: any message received resets the watchdog; from SUSPECT back to OKAY.
    if (this.stateValue === 'open') {
      this.deadline = now + this.jitteredTw();
      if (this.suspect) {
        this.suspect = false;
        this.events.push({ kind: 'okay' });
      }
    }
    const req = isRequest(m);
    switch (m.commandCode) {
      case CommandCode.CAPABILITIES_EXCHANGE:
        if (req) this.onCer(now, m);
        else this.onCea(now, m);
        return;
      case CommandCode.DEVICE_WATCHDOG:
        if (req) this.emit(answer(m, this.o.local, ResultCode.DIAMETER_SUCCESS));
        else this.dwrOutstanding = false;
        return;
      case CommandCode.DISCONNECT_PEER:
        if (req) {
          this.emit(answer(m, this.o.local, ResultCode.DIAMETER_SUCCESS));
          this.close('peer-disconnect', 'DPR received');
          return;
        }
        if (this.stateValue === 'closing') {
          this.close('local-disconnect', 'DPA received');
          return;
        }
        return;
    }
    if (this.stateValue === 'open' || this.stateValue === 'closing') this.events.push({ kind: 'message', message: m });
    // Before the capabilities exchange nothing else is allowed (RFC 6733 §5.3): drop it.
  }

  private onCer(now: number, cer: DiameterMessage): void {
    if (this.stateValue !== 'wait-cer') {
      // A second CER on an open connection: answer it, but nothing changes (no election with one connection).
      this.emit(buildCea(cer, this.o.local, ResultCode.DIAMETER_UNABLE_TO_COMPLY));
      return;
    }
    const caps = readCapabilitiesOrUndefined(cer);
    if (!caps) {
      this.emit(answer(cer, this.o.local, ResultCode.DIAMETER_MISSING_AVP));
      this.close('capabilities-rejected', 'CER without Origin-Host/Origin-Realm');
      return;
    }
    if (!this.accepts(caps)) {
      // RFC 6733 §5.3: no application in common → DIAMETER_NO_COMMON_APPLICATION and disconnect.
      this.emit(buildCea(cer, this.o.local, ResultCode.DIAMETER_NO_COMMON_APPLICATION));
      this.close('capabilities-rejected', `no common application with ${caps.originHost}`);
      return;
    }
    this.emit(buildCea(cer, this.o.local, ResultCode.DIAMETER_SUCCESS));
    this.opened(now, caps);
  }

  private onCea(now: number, cea: DiameterMessage): void {
    if (this.stateValue !== 'wait-cea') return;
    const result = readAnswerResult(cea);
    const caps = readCapabilitiesOrUndefined(cea);
    if (result.kind !== 'result' || result.code !== ResultCode.DIAMETER_SUCCESS || !caps) {
      this.close('capabilities-rejected', `CEA result ${JSON.stringify(result)}`);
      return;
    }
    if (!this.accepts(caps)) {
      this.close('capabilities-rejected', `no common application with ${caps.originHost}`);
      return;
    }
    this.opened(now, caps);
  }

  private accepts(caps: PeerCapabilities): boolean {
    if (this.o.supports) return this.o.supports(caps);
    const ours = new Set(this.o.local.authApplications.map((a) => a.applicationId));
    return caps.authApplicationIds.some((id) => id === ApplicationId.RELAY || ours.has(id));
  }

  private opened(now: number, caps: PeerCapabilities): void {
    this.stateValue = 'open';
    this.peerCaps = caps;
    this.deadline = now + this.jitteredTw();
    this.events.push({ kind: 'open', peer: caps });
  }

  private jitteredTw(): number {
    const jitter = Math.min(JITTER_MS, Math.floor(this.twMs / 4));
    return this.twMs - jitter + (this.o.random() % (2 * jitter + 1));
  }

  private emit(m: DiameterMessage): void {
    this.out.push(encodeDiameter(m));
  }

  private close(reason: CloseReason, detail: string): void {
    this.stateValue = 'closed';
    this.deadline = undefined;
    this.events.push({ kind: 'closed', reason, detail });
  }
}

function readCapabilitiesOrUndefined(m: DiameterMessage): PeerCapabilities | undefined {
  try {
    return readPeerCapabilities(m);
  } catch (e) {
    if (isWireError(e) || (e instanceof Error && e.name === 'MissingAvpError')) return undefined;
    throw e;
  }
}
