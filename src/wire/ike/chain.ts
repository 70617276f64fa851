import { WireError } from '../../util/errors.ts';
import type { Reader } from '../../util/reader.ts';
import type { Writer } from '../../util/writer.ts';
import { CRITICAL_BIT, PAYLOAD_HEADER_LENGTH, PayloadType } from './constants.ts';
import {
  emitPayloadBody,
  type IkePayload,
  isEncrypted,
  parsePayloadBody,
  payloadBodyLength,
  payloadType,
} from './payload.ts';

/**
 * The payload chain (RFC 7296 §3.1, §3.2): each generic header names the type of the payload after it;
 * 0 ends the chain. SK/SKF end it too, their Next Payload naming the first encrypted payload (§3.14).
 * The chain must fill its container exactly.
 */
export function parsePayloadChain(firstPayload: number, r: Reader): IkePayload[] {
  const payloads: IkePayload[] = [];
  let type = firstPayload;
  while (type !== PayloadType.NONE) {
    const at = r.absoluteOffset;
    const nextField = r.u8('next payload');
    const critical = (r.u8('critical') & CRITICAL_BIT) !== 0;
    const length = r.u16('payload length');
    if (length < PAYLOAD_HEADER_LENGTH) {
      throw new WireError('BAD_LENGTH', r.layer, at + 2, `payload ${type} length ${length} < 4`);
    }
    if (length - PAYLOAD_HEADER_LENGTH > r.remaining) {
      throw new WireError('BAD_LENGTH', r.layer, at + 2, `payload ${type} length ${length} overruns the message`);
    }
    const body = r.sub(length - PAYLOAD_HEADER_LENGTH, 'payload body');
    const payload = parsePayloadBody(type, nextField, critical, body);
    body.expectEnd(`payload ${type}`);
    payloads.push(payload);
    // An Encrypted payload MUST be the last payload (RFC 7296 §3.14; SKF RFC 7383 §2.5).
    type = isEncrypted(payload) ? PayloadType.NONE : nextField;
  }
  r.expectEnd('payload chain');
  return payloads;
}

export function payloadChainLength(payloads: readonly IkePayload[]): number {
  let n = 0;
  for (const p of payloads) n += PAYLOAD_HEADER_LENGTH + payloadBodyLength(p);
  return n;
}

/** Writes the chain, deriving every Next Payload and Payload Length from the list. */
export function emitPayloadChain(payloads: readonly IkePayload[], w: Writer): void {
  for (let i = 0; i < payloads.length; i++) {
    const p = payloads[i]!;
    const last = i === payloads.length - 1;
    let next: number;
    if (isEncrypted(p)) {
      if (!last) throw new RangeError('an Encrypted payload must be the last payload (RFC 7296 §3.14)');
      next = p.firstPayload;
    } else {
      next = last ? PayloadType.NONE : payloadType(payloads[i + 1]!);
    }
    const length = PAYLOAD_HEADER_LENGTH + payloadBodyLength(p);
    if (length > 0xffff) throw new RangeError(`payload ${payloadType(p)} of ${length} bytes exceeds 65535`);
    w.u8(next)
      .u8(p.critical ? CRITICAL_BIT : 0)
      .u16(length);
    const start = w.offset;
    emitPayloadBody(p, w);
    if (w.offset - start !== length - PAYLOAD_HEADER_LENGTH) {
      throw new RangeError(`payload ${payloadType(p)}: body length and emitter disagree`);
    }
  }
}

/** The first payload's type, for the IKE header or an SK payload's Next Payload. */
export function firstPayloadType(payloads: readonly IkePayload[]): number {
  const first = payloads[0];
  return first === undefined ? PayloadType.NONE : payloadType(first);
}
