/**
 * VICI transport and packet layers (strongSwan src/libcharon/plugins/vici/README.md).
 *
 * Transport: each segment is a 32-bit network-order length (of the data only) then the data, at most 512 KiB.
 * Packet: the first data byte is the packet type; named types follow it with an 8-bit name length and the
 * name; CMD_REQUEST, CMD_RESPONSE and EVENT then carry a message (the rest of the segment).
 */

import { copyBytes } from '../../util/bytes.ts';
import { ViciError } from './errors.ts';
import { checkViciName, decodeViciMessage, emitViciMessage, type ViciMessage, viciMessageLength } from './message.ts';

/** Packet types (README "Packet layer"). */
export const VICI_PACKET = {
  CMD_REQUEST: 0,
  CMD_RESPONSE: 1,
  CMD_UNKNOWN: 2,
  EVENT_REGISTER: 3,
  EVENT_UNREGISTER: 4,
  EVENT_CONFIRM: 5,
  EVENT_UNKNOWN: 6,
  EVENT: 7,
} as const;

/** README "Transport protocol": the maximum segment length is 512 KB of data. */
export const VICI_SEGMENT_MAX = 512 * 1024;

export type ViciPacket =
  | { readonly kind: 'cmd-request'; readonly command: string; readonly message: ViciMessage }
  | { readonly kind: 'cmd-response'; readonly message: ViciMessage }
  | { readonly kind: 'cmd-unknown' }
  | { readonly kind: 'event-register'; readonly event: string }
  | { readonly kind: 'event-unregister'; readonly event: string }
  | { readonly kind: 'event-confirm' }
  | { readonly kind: 'event-unknown' }
  | { readonly kind: 'event'; readonly event: string; readonly message: ViciMessage }
  /** A packet type this client does not know: its layout is unknown, so the data after the type is kept whole. */
  | { readonly kind: 'unknown'; readonly type: number; readonly data: Uint8Array };

function nameOf(p: ViciPacket): string | null {
  switch (p.kind) {
    case 'cmd-request':
      return p.command;
    case 'event-register':
    case 'event-unregister':
    case 'event':
      return p.event;
    default:
      return null;
  }
}

function messageOf(p: ViciPacket): ViciMessage | null {
  return p.kind === 'cmd-request' || p.kind === 'cmd-response' || p.kind === 'event' ? p.message : null;
}

const TYPE_OF: Record<Exclude<ViciPacket['kind'], 'unknown'>, number> = {
  'cmd-request': VICI_PACKET.CMD_REQUEST,
  'cmd-response': VICI_PACKET.CMD_RESPONSE,
  'cmd-unknown': VICI_PACKET.CMD_UNKNOWN,
  'event-register': VICI_PACKET.EVENT_REGISTER,
  'event-unregister': VICI_PACKET.EVENT_UNREGISTER,
  'event-confirm': VICI_PACKET.EVENT_CONFIRM,
  'event-unknown': VICI_PACKET.EVENT_UNKNOWN,
  event: VICI_PACKET.EVENT,
};

/** Length of the packet data (without the 4-byte transport header). */
export function viciPacketLength(p: ViciPacket): number {
  if (p.kind === 'unknown') return 1 + p.data.length;
  const name = nameOf(p);
  const message = messageOf(p);
  if (name !== null) checkViciName(name);
  return 1 + (name === null ? 0 : 1 + name.length) + (message === null ? 0 : viciMessageLength(message));
}

/** One transport segment: length header + packet. RangeError past the 512 KiB segment limit. */
export function encodeViciSegment(p: ViciPacket): Uint8Array {
  const n = viciPacketLength(p);
  if (n > VICI_SEGMENT_MAX) throw new RangeError(`vici packet of ${n} bytes exceeds ${VICI_SEGMENT_MAX}`);
  const out = new Uint8Array(4 + n);
  new DataView(out.buffer).setUint32(0, n);
  let at = 4;
  if (p.kind === 'unknown') {
    out[at++] = p.type;
    out.set(p.data, at);
    return out;
  }
  out[at++] = TYPE_OF[p.kind];
  const name = nameOf(p);
  if (name !== null) {
    out[at++] = name.length;
    for (let i = 0; i < name.length; i++) out[at++] = name.charCodeAt(i);
  }
  const message = messageOf(p);
  if (message !== null) emitViciMessage(message, out, at);
  return out;
}

/** Decodes one packet (the data of one transport segment, without its length header). */
export function decodeViciPacket(data: Uint8Array): ViciPacket {
  if (data.length < 1) throw new ViciError('TRUNCATED', 0, 'packet type: need 1 byte, have 0');
  const type = data[0]!;
  let p = 1;
  const name = (): string => {
    if (data.length < 2) throw new ViciError('TRUNCATED', 1, 'name length: need 1 byte, have 0');
    const len = data[1]!;
    if (data.length < 2 + len) throw new ViciError('TRUNCATED', 2, `name: need ${len} bytes, have ${data.length - 2}`);
    p = 2 + len;
    return String.fromCharCode(...data.subarray(2, p));
  };
  const noMore = (): void => {
    if (p !== data.length) throw new ViciError('TRAILING_DATA', p, `${data.length - p} bytes after a bodiless packet`);
  };
  switch (type) {
    case VICI_PACKET.CMD_REQUEST: {
      const command = name();
      return { kind: 'cmd-request', command, message: decodeViciMessage(data, p) };
    }
    case VICI_PACKET.CMD_RESPONSE:
      return { kind: 'cmd-response', message: decodeViciMessage(data, p) };
    case VICI_PACKET.EVENT: {
      const event = name();
      return { kind: 'event', event, message: decodeViciMessage(data, p) };
    }
    case VICI_PACKET.EVENT_REGISTER:
    case VICI_PACKET.EVENT_UNREGISTER: {
      const event = name();
      noMore();
      return type === VICI_PACKET.EVENT_REGISTER
        ? { kind: 'event-register', event }
        : { kind: 'event-unregister', event };
    }
    case VICI_PACKET.CMD_UNKNOWN:
      noMore();
      return { kind: 'cmd-unknown' };
    case VICI_PACKET.EVENT_CONFIRM:
      noMore();
      return { kind: 'event-confirm' };
    case VICI_PACKET.EVENT_UNKNOWN:
      noMore();
      return { kind: 'event-unknown' };
    default:
      return { kind: 'unknown', type, data: copyBytes(data, 1) };
  }
}

/**
 * Reassembles transport segments from stream chunks. `push` returns the complete segments' data (without
 * headers) in order and keeps a partial one for the next chunk. A header announcing more than 512 KiB is a
 * ViciError (BAD_LENGTH): nothing is allocated from it, and the stream cannot be resynchronised after it.
 */
export class ViciSegmentReader {
  private pending: Uint8Array = new Uint8Array(0);
  /** Bytes consumed from the stream so far, for error offsets. */
  private consumed = 0;

  push(chunk: Uint8Array): Uint8Array[] {
    let buf = chunk;
    if (this.pending.length > 0) {
      buf = new Uint8Array(this.pending.length + chunk.length);
      buf.set(this.pending);
      buf.set(chunk, this.pending.length);
    }
    const out: Uint8Array[] = [];
    let p = 0;
    while (buf.length - p >= 4) {
      const n = ((buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!) >>> 0;
      if (n > VICI_SEGMENT_MAX) {
        throw new ViciError('BAD_LENGTH', this.consumed + p, `segment of ${n} bytes exceeds ${VICI_SEGMENT_MAX}`);
      }
      if (buf.length - p - 4 < n) break;
      out.push(copyBytes(buf, p + 4, p + 4 + n));
      p += 4 + n;
    }
    this.consumed += p;
    this.pending = copyBytes(buf, p);
    return out;
  }

  /** Bytes of an incomplete segment still waiting for the rest. */
  get buffered(): number {
    return this.pending.length;
  }
}
