/** Small helpers for building and reading payload lists (no protocol decisions here). */
import type { IdentityData } from '../wire/ike/identity.ts';
import type { IdPayload, IkePayload, NotifyPayload } from '../wire/ike/payload.ts';
import { isErrorNotify } from './rules.ts';

const EMPTY = new Uint8Array(0);

export function notify(
  notifyType: number,
  data: Uint8Array = EMPTY,
  protocolId = 0,
  spi: Uint8Array = EMPTY,
): NotifyPayload {
  return { kind: 'notify', protocolId, spi, notifyType, data };
}

/** The payload type whose `kind` admits K (IDi/IDr, TSi/TSr and CERT/CERTREQ share a type). */
type PayloadOf<K extends IkePayload['kind'], P = IkePayload> = P extends { kind: infer PK }
  ? K extends PK
    ? P
    : never
  : never;

export function findPayload<K extends IkePayload['kind']>(
  payloads: readonly IkePayload[],
  kind: K,
): PayloadOf<K> | undefined {
  for (const p of payloads) if (p.kind === kind) return p as PayloadOf<K>;
  return undefined;
}

export function findPayloads<K extends IkePayload['kind']>(payloads: readonly IkePayload[], kind: K): PayloadOf<K>[] {
  return payloads.filter((p): p is PayloadOf<K> => p.kind === kind);
}

export function findNotify(payloads: readonly IkePayload[], notifyType: number): NotifyPayload | undefined {
  for (const p of payloads) if (p.kind === 'notify' && p.notifyType === notifyType) return p;
  return undefined;
}

export function hasNotify(payloads: readonly IkePayload[], notifyType: number): boolean {
  return findNotify(payloads, notifyType) !== undefined;
}

/** The first error notification (type < 16384) of a message, if any. */
export function firstErrorNotify(payloads: readonly IkePayload[]): NotifyPayload | undefined {
  for (const p of payloads) if (p.kind === 'notify' && isErrorNotify(p.notifyType)) return p;
  return undefined;
}

export function idPayload(kind: 'idi' | 'idr', id: IdentityData): IdPayload {
  return { kind, idType: id.idType, data: id.data };
}

/** The ID payload body that AUTH covers: ID Type ‖ 3 reserved bytes ‖ data (RFC 7296 §2.15). */
export function idBody(id: { readonly idType: number; readonly data: Uint8Array }): Uint8Array {
  const out = new Uint8Array(4 + id.data.length);
  out[0] = id.idType;
  out.set(id.data, 4);
  return out;
}

/** A 4-byte SPI as a number, and back (ESP SPIs, RFC 4303 §2.1). */
export function spiToNumber(spi: Uint8Array): number {
  return ((spi[0]! << 24) | (spi[1]! << 16) | (spi[2]! << 8) | spi[3]!) >>> 0;
}

export function spiBytes(spi: number): Uint8Array {
  return Uint8Array.of(spi >>> 24, spi >>> 16, spi >>> 8, spi);
}

/** A 16-bit big-endian value as 2 bytes (INVALID_KE_PAYLOAD data, RFC 7296 §3.10.1). */
export function u16Bytes(v: number): Uint8Array {
  return Uint8Array.of(v >>> 8, v & 0xff);
}

export function readU16(data: Uint8Array): number | undefined {
  return data.length === 2 ? (data[0]! << 8) | data[1]! : undefined;
}
