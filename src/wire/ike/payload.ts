import { WireError } from '../../util/errors.ts';
import type { Reader } from '../../util/reader.ts';
import type { Writer } from '../../util/writer.ts';
import { type CpAttribute, cpBodyLength, emitCpBody, parseCpBody } from './config.ts';
import { PayloadType as P } from './constants.ts';
import { emitSaBody, type Proposal, parseSaBody, saBodyLength } from './sa.ts';
import { emitTsBody, parseTsBody, type TrafficSelector, tsBodyLength } from './traffic-selector.ts';

/**
 * IKEv2 payloads (RFC 7296 §3.3–3.16, SKF RFC 7383 §2.5) as a discriminated union. The generic header's
 * Next Payload and Length are derived by the chain codec (`chain.ts`).
 *
 * `critical` mirrors the C bit. For the types defined here the receiver ignores it and senders leave it
 * clear (RFC 7296 §3.2), so decoders set it only when it arrived set; for `unknown` payloads it decides
 * whether the message must be rejected with UNSUPPORTED_CRITICAL_PAYLOAD (RFC 7296 §2.5), a caller's call.
 * Byte fields are views into the decoded buffer: copy what must outlive it.
 */
interface Base {
  readonly critical?: boolean;
}

export interface SaPayload extends Base {
  readonly kind: 'sa';
  readonly proposals: readonly Proposal[];
}
export interface KePayload extends Base {
  readonly kind: 'ke';
  readonly dhGroup: number;
  readonly data: Uint8Array;
}
/** IDi (35) or IDr (36): ID Type | reserved(3) | data (RFC 7296 §3.5); see `identity.ts` for typed views. */
export interface IdPayload extends Base {
  readonly kind: 'idi' | 'idr';
  readonly idType: number;
  readonly data: Uint8Array;
}
/** CERT (37) or CERTREQ (38): encoding(1) | data (RFC 7296 §3.6, §3.7). */
export interface CertPayload extends Base {
  readonly kind: 'cert' | 'certreq';
  readonly encoding: number;
  readonly data: Uint8Array;
}
export interface AuthPayload extends Base {
  readonly kind: 'auth';
  readonly method: number;
  readonly data: Uint8Array;
}
export interface NoncePayload extends Base {
  readonly kind: 'nonce';
  readonly data: Uint8Array;
}
export interface NotifyPayload extends Base {
  readonly kind: 'notify';
  readonly protocolId: number;
  /** Empty unless the notification concerns a Child SA (RFC 7296 §3.10). */
  readonly spi: Uint8Array;
  readonly notifyType: number;
  readonly data: Uint8Array;
}
export interface DeletePayload extends Base {
  readonly kind: 'delete';
  readonly protocolId: number;
  /** 0 for an IKE SA (no SPIs), 4 for ESP/AH (RFC 7296 §3.11); kept because `spis` may be empty. */
  readonly spiSize: number;
  readonly spis: readonly Uint8Array[];
}
export interface VendorIdPayload extends Base {
  readonly kind: 'vendor-id';
  readonly data: Uint8Array;
}
export interface TsPayload extends Base {
  readonly kind: 'tsi' | 'tsr';
  readonly selectors: readonly TrafficSelector[];
}
/**
 * SK (RFC 7296 §3.14): must be the last payload; its Next Payload names the first inner payload.
 * `data` is IV ‖ ciphertext ‖ ICV (split with `splitEncryptedData`).
 */
export interface EncryptedPayload extends Base {
  readonly kind: 'sk';
  readonly firstPayload: number;
  readonly data: Uint8Array;
}
/** SKF (RFC 7383 §2.5): like SK, with fragment numbering; `firstPayload` is 0 except in fragment 1. */
export interface EncryptedFragmentPayload extends Base {
  readonly kind: 'skf';
  readonly firstPayload: number;
  readonly fragmentNumber: number;
  readonly totalFragments: number;
  readonly data: Uint8Array;
}
export interface CpPayload extends Base {
  readonly kind: 'cp';
  readonly cfgType: number;
  readonly attributes: readonly CpAttribute[];
}
/** EAP (RFC 7296 §3.16): the EAP message bytes, decoded by the EAP codec. */
export interface EapPayload extends Base {
  readonly kind: 'eap';
  readonly data: Uint8Array;
}
/** A payload type this codec does not define; re-encodes byte for byte. */
export interface UnknownPayload {
  readonly kind: 'unknown';
  readonly type: number;
  readonly critical: boolean;
  readonly data: Uint8Array;
}

export type IkePayload =
  | SaPayload
  | KePayload
  | IdPayload
  | CertPayload
  | AuthPayload
  | NoncePayload
  | NotifyPayload
  | DeletePayload
  | VendorIdPayload
  | TsPayload
  | EncryptedPayload
  | EncryptedFragmentPayload
  | CpPayload
  | EapPayload
  | UnknownPayload;

const KIND_TO_TYPE = {
  sa: P.SA,
  ke: P.KE,
  idi: P.IDI,
  idr: P.IDR,
  cert: P.CERT,
  certreq: P.CERTREQ,
  auth: P.AUTH,
  nonce: P.NONCE,
  notify: P.NOTIFY,
  delete: P.DELETE,
  'vendor-id': P.VENDOR_ID,
  tsi: P.TSI,
  tsr: P.TSR,
  sk: P.SK,
  skf: P.SKF,
  cp: P.CP,
  eap: P.EAP,
} as const satisfies Record<Exclude<IkePayload['kind'], 'unknown'>, number>;

/** The Next Payload value that announces `p`. */
export function payloadType(p: IkePayload): number {
  return p.kind === 'unknown' ? p.type : KIND_TO_TYPE[p.kind];
}

/** True for SK and SKF, whose Next Payload field names inner content and which must come last. */
export function isEncrypted(p: IkePayload): p is EncryptedPayload | EncryptedFragmentPayload {
  return p.kind === 'sk' || p.kind === 'skf';
}

function withCritical<T extends object>(v: T, critical: boolean): T {
  return critical ? { ...v, critical: true } : v;
}

/**
 * Parses the body (after the generic header) of a payload of `type`. `nextField` is the generic header's
 * Next Payload, needed by SK/SKF. The body reader ends at the payload's declared length.
 */
export function parsePayloadBody(type: number, nextField: number, critical: boolean, r: Reader): IkePayload {
  switch (type) {
    case P.SA:
      return withCritical({ kind: 'sa', proposals: parseSaBody(r) }, critical);
    case P.KE: {
      const dhGroup = r.u16('DH group');
      r.skipBytes(2, 'KE reserved');
      return withCritical({ kind: 'ke', dhGroup, data: r.rest() }, critical);
    }
    case P.IDI:
    case P.IDR: {
      const idType = r.u8('ID type');
      r.skipBytes(3, 'ID reserved');
      return withCritical({ kind: type === P.IDI ? 'idi' : 'idr', idType, data: r.rest() }, critical);
    }
    case P.CERT:
    case P.CERTREQ: {
      const encoding = r.u8('certificate encoding');
      return withCritical({ kind: type === P.CERT ? 'cert' : 'certreq', encoding, data: r.rest() }, critical);
    }
    case P.AUTH: {
      const method = r.u8('auth method');
      r.skipBytes(3, 'AUTH reserved');
      return withCritical({ kind: 'auth', method, data: r.rest() }, critical);
    }
    case P.NONCE:
      return withCritical({ kind: 'nonce', data: r.rest() }, critical);
    case P.NOTIFY: {
      const protocolId = r.u8('notify protocol ID');
      const spiSize = r.u8('notify SPI size');
      const notifyType = r.u16('notify type');
      const spi = r.bytes(spiSize, 'notify SPI');
      return withCritical({ kind: 'notify', protocolId, spi, notifyType, data: r.rest() }, critical);
    }
    case P.DELETE:
      return withCritical(parseDeleteBody(r), critical);
    case P.VENDOR_ID:
      return withCritical({ kind: 'vendor-id', data: r.rest() }, critical);
    case P.TSI:
    case P.TSR:
      return withCritical({ kind: type === P.TSI ? 'tsi' : 'tsr', selectors: parseTsBody(r) }, critical);
    case P.SK:
      return withCritical({ kind: 'sk', firstPayload: nextField, data: r.rest() }, critical);
    case P.SKF: {
      const fragmentNumber = r.u16('fragment number');
      const totalFragments = r.u16('total fragments');
      return withCritical(
        { kind: 'skf', firstPayload: nextField, fragmentNumber, totalFragments, data: r.rest() },
        critical,
      );
    }
    case P.CP:
      return withCritical({ kind: 'cp', ...parseCpBody(r) }, critical);
    case P.EAP:
      return withCritical({ kind: 'eap', data: r.rest() }, critical);
    default:
      return { kind: 'unknown', type, critical, data: r.rest() };
  }
}

/** Protocol ID | SPI Size | # of SPIs | SPIs (RFC 7296 §3.11); the SPIs must fill the payload exactly. */
function parseDeleteBody(r: Reader): DeletePayload {
  const at = r.absoluteOffset;
  const protocolId = r.u8('delete protocol ID');
  const spiSize = r.u8('delete SPI size');
  const count = r.u16('number of SPIs');
  // The SPIs fill the payload exactly; an SPI size of 0 (IKE SA) comes with a count of 0.
  if (spiSize * count !== r.remaining || (spiSize === 0 && count !== 0)) {
    throw new WireError('BAD_LENGTH', r.layer, at + 2, `${count} SPIs of ${spiSize} bytes in ${r.remaining} bytes`);
  }
  const spis: Uint8Array[] = [];
  for (let i = 0; i < count; i++) spis.push(r.bytes(spiSize, 'delete SPI'));
  return { kind: 'delete', protocolId, spiSize, spis };
}

/** Body length (without the 4-byte generic header). */
export function payloadBodyLength(p: IkePayload): number {
  switch (p.kind) {
    case 'sa':
      return saBodyLength(p.proposals);
    case 'ke':
    case 'idi':
    case 'idr':
    case 'auth':
      return 4 + p.data.length;
    case 'cert':
    case 'certreq':
      return 1 + p.data.length;
    case 'notify':
      return 4 + p.spi.length + p.data.length;
    case 'delete':
      return 4 + p.spiSize * p.spis.length;
    case 'tsi':
    case 'tsr':
      return tsBodyLength(p.selectors);
    case 'skf':
      return 4 + p.data.length;
    case 'cp':
      return cpBodyLength(p);
    default:
      return p.data.length;
  }
}

export function emitPayloadBody(p: IkePayload, w: Writer): void {
  switch (p.kind) {
    case 'sa':
      emitSaBody(p.proposals, w);
      return;
    case 'ke':
      w.u16(p.dhGroup).u16(0).bytes(p.data);
      return;
    case 'idi':
    case 'idr':
      w.u8(p.idType).u24(0).bytes(p.data);
      return;
    case 'cert':
    case 'certreq':
      w.u8(p.encoding).bytes(p.data);
      return;
    case 'auth':
      w.u8(p.method).u24(0).bytes(p.data);
      return;
    case 'notify':
      if (p.spi.length > 255) throw new RangeError('notify SPI longer than 255 bytes');
      w.u8(p.protocolId).u8(p.spi.length).u16(p.notifyType).bytes(p.spi).bytes(p.data);
      return;
    case 'delete':
      if (p.spiSize > 255 || p.spis.length > 0xffff) throw new RangeError('delete SPI size or count out of range');
      if (p.spiSize === 0 && p.spis.length > 0) throw new RangeError('delete with SPI size 0 carries no SPIs');
      w.u8(p.protocolId).u8(p.spiSize).u16(p.spis.length);
      for (const spi of p.spis) {
        if (spi.length !== p.spiSize) throw new RangeError(`delete SPI of ${spi.length} bytes, SPI size ${p.spiSize}`);
        w.bytes(spi);
      }
      return;
    case 'tsi':
    case 'tsr':
      emitTsBody(p.selectors, w);
      return;
    case 'skf':
      w.u16(p.fragmentNumber).u16(p.totalFragments).bytes(p.data);
      return;
    case 'cp':
      emitCpBody(p, w);
      return;
    default:
      w.bytes(p.data);
  }
}
