/**
 * Mobility Header messages (RFC 6275 §6.1.2–6.1.9 with the RFC 3963 / 5213 / 5555 / 5648 / 5845 / 6602
 * flag extensions): the fixed part of each message type. The 6-octet common header and the checksum are in
 * header.ts; the options area in option-list.ts.
 */

import { copyBytes } from '../../util/bytes.ts';
import { Ipv6Address } from '../../util/ip-address.ts';
import type { Writer } from '../../util/writer.ts';
import { BA_RESERVED_MASK, BaFlag, BU_RESERVED_MASK, BuFlag, LIFETIME_UNIT_SEC, MhType } from './constants.ts';
import { emitOptionsArea, optionsAreaEnd, parseOptionsArea } from './option-list.ts';
import type { MobilityOption } from './options.ts';

interface MessageCommon {
  readonly options: readonly MobilityOption[];
  /** Payload Proto when it is not IPPROTO_NONE (59), the value RFC 6275 §6.1.1 says to send. */
  readonly payloadProto?: number;
}

/** RFC 6275 §6.1.2: a CN asks the MN to refresh its binding. */
export interface BindingRefreshRequest extends MessageCommon {
  readonly kind: 'binding-refresh-request';
}

/** RFC 6275 §6.1.3 (return routability, via the HA). */
export interface HomeTestInit extends MessageCommon {
  readonly kind: 'home-test-init';
  readonly homeInitCookie: Uint8Array; // 8 octets
}

/** RFC 6275 §6.1.4 (return routability, direct). */
export interface CareOfTestInit extends MessageCommon {
  readonly kind: 'care-of-test-init';
  readonly careOfInitCookie: Uint8Array; // 8 octets
}

/** RFC 6275 §6.1.5. */
export interface HomeTest extends MessageCommon {
  readonly kind: 'home-test';
  readonly homeNonceIndex: number;
  readonly homeInitCookie: Uint8Array; // 8 octets
  readonly homeKeygenToken: Uint8Array; // 8 octets
}

/** RFC 6275 §6.1.6. */
export interface CareOfTest extends MessageCommon {
  readonly kind: 'care-of-test';
  readonly careOfNonceIndex: number;
  readonly careOfInitCookie: Uint8Array; // 8 octets
  readonly careOfKeygenToken: Uint8Array; // 8 octets
}

/** RFC 6275 §6.1.7 and extensions; flag positions in constants.ts `BuFlag`. */
export interface BindingUpdate extends MessageCommon {
  readonly kind: 'binding-update';
  readonly sequence: number;
  readonly acknowledge: boolean; // A, RFC 6275
  readonly homeRegistration: boolean; // H, RFC 6275
  readonly linkLocalAddressCompatibility: boolean; // L, RFC 6275
  readonly keyManagementMobilityCapability: boolean; // K, RFC 6275
  readonly mapRegistration: boolean; // M, RFC 4140
  readonly mobileRouter: boolean; // R, RFC 3963
  readonly proxyRegistration: boolean; // P, RFC 5213
  readonly forceUdpEncapsulation: boolean; // F, RFC 5555 §3.1.3
  readonly tlvHeaderFormat: boolean; // T, RFC 5845
  /** 0x0040: O "overwrite all bindings" (RFC 5648 §4.2, an MN's BU) = B "bulk binding update" (RFC 6602, IANA). */
  readonly overwriteOrBulkBinding: boolean;
  /** The unnamed low bits (BU_RESERVED_MASK) as received, present only when non-zero. */
  readonly reservedBits?: number;
  /** Requested lifetime; 0 deletes the binding. A multiple of 4 (4-second units on the wire). */
  readonly lifetimeSec: number;
}

/** RFC 6275 §6.1.8 and extensions; flag positions in constants.ts `BaFlag`. */
export interface BindingAcknowledgement extends MessageCommon {
  readonly kind: 'binding-acknowledgement';
  /** BaStatus: below 128 accepted. */
  readonly status: number;
  readonly keyManagementMobilityCapability: boolean; // K, RFC 6275
  readonly mobileRouter: boolean; // R, RFC 3963
  readonly proxyRegistration: boolean; // P, RFC 5213
  readonly tlvHeaderFormat: boolean; // T, RFC 5845
  readonly bulkBindingUpdate: boolean; // B, RFC 6602
  /** The unnamed low bits (BA_RESERVED_MASK) as received, present only when non-zero. */
  readonly reservedBits?: number;
  /** Copied from the BU; on status 135 the last accepted sequence number (RFC 6275 §9.5.1). */
  readonly sequence: number;
  /** Granted lifetime; undefined by the RFC when the status is a rejection. */
  readonly lifetimeSec: number;
}

/** RFC 6275 §6.1.9. */
export interface BindingError extends MessageCommon {
  readonly kind: 'binding-error';
  /** BeStatus. */
  readonly status: number;
  readonly homeAddress: Ipv6Address;
}

/** An MH type this codec does not read (8 and up): everything after the checksum, kept byte for byte. */
export interface UnknownMobilityMessage {
  readonly kind: 'unknown';
  readonly type: number;
  readonly data: Uint8Array;
  readonly payloadProto?: number;
}

export type MobilityMessage =
  | BindingRefreshRequest
  | HomeTestInit
  | CareOfTestInit
  | HomeTest
  | CareOfTest
  | BindingUpdate
  | BindingAcknowledgement
  | BindingError
  | UnknownMobilityMessage;

/** Where the options start: the fixed part of each message, from the MH start (RFC 6275 §6.1.2–6.1.9). */
export const FIXED_LENGTH = {
  'binding-refresh-request': 8,
  'home-test-init': 16,
  'care-of-test-init': 16,
  'home-test': 24,
  'care-of-test': 24,
  'binding-update': 12,
  'binding-acknowledgement': 12,
  'binding-error': 24,
} as const;

/** Fixed length by MH type number, for the decoder's minimum-length check (RFC 6275 §9.2). */
export const FIXED_LENGTH_BY_TYPE: readonly number[] = [8, 16, 16, 24, 24, 12, 12, 24];

export const MH_TYPE_OF_KIND = {
  'binding-refresh-request': MhType.BINDING_REFRESH_REQUEST,
  'home-test-init': MhType.HOME_TEST_INIT,
  'care-of-test-init': MhType.CARE_OF_TEST_INIT,
  'home-test': MhType.HOME_TEST,
  'care-of-test': MhType.CARE_OF_TEST,
  'binding-update': MhType.BINDING_UPDATE,
  'binding-acknowledgement': MhType.BINDING_ACKNOWLEDGEMENT,
  'binding-error': MhType.BINDING_ERROR,
} as const;

function u16(b: Uint8Array, p: number): number {
  return (b[p]! << 8) | b[p + 1]!;
}

/**
 * Parses the message whose MH occupies `b[s, end)`; the caller has checked that `end - s` covers the
 * type's fixed part. `base` is the absolute offset of `b[0]`. Reserved fields are ignored (RFC 6275 §6.1).
 */
export function parseMessageBody(type: number, b: Uint8Array, s: number, end: number, base: number): MobilityMessage {
  switch (type) {
    case MhType.BINDING_REFRESH_REQUEST:
      return { kind: 'binding-refresh-request', options: parseOptionsArea(b, s + 8, end, base) };
    case MhType.HOME_TEST_INIT:
      return {
        kind: 'home-test-init',
        homeInitCookie: copyBytes(b, s + 8, s + 16),
        options: parseOptionsArea(b, s + 16, end, base),
      };
    case MhType.CARE_OF_TEST_INIT:
      return {
        kind: 'care-of-test-init',
        careOfInitCookie: copyBytes(b, s + 8, s + 16),
        options: parseOptionsArea(b, s + 16, end, base),
      };
    case MhType.HOME_TEST:
      return {
        kind: 'home-test',
        homeNonceIndex: u16(b, s + 6),
        homeInitCookie: copyBytes(b, s + 8, s + 16),
        homeKeygenToken: copyBytes(b, s + 16, s + 24),
        options: parseOptionsArea(b, s + 24, end, base),
      };
    case MhType.CARE_OF_TEST:
      return {
        kind: 'care-of-test',
        careOfNonceIndex: u16(b, s + 6),
        careOfInitCookie: copyBytes(b, s + 8, s + 16),
        careOfKeygenToken: copyBytes(b, s + 16, s + 24),
        options: parseOptionsArea(b, s + 24, end, base),
      };
    case MhType.BINDING_UPDATE:
      return parseBindingUpdate(b, s, end, base);
    case MhType.BINDING_ACKNOWLEDGEMENT:
      return parseBindingAcknowledgement(b, s, end, base);
    case MhType.BINDING_ERROR:
      return {
        kind: 'binding-error',
        status: b[s + 6]!,
        homeAddress: Ipv6Address.fromBytes(b.subarray(s + 8, s + 24)),
        options: parseOptionsArea(b, s + 24, end, base),
      };
    default:
      return { kind: 'unknown', type, data: copyBytes(b, s + 6, end) };
  }
}

function parseBindingUpdate(b: Uint8Array, s: number, end: number, base: number): BindingUpdate {
  const flags = u16(b, s + 8);
  const reserved = flags & BU_RESERVED_MASK;
  const bu: BindingUpdate = {
    kind: 'binding-update',
    sequence: u16(b, s + 6),
    acknowledge: (flags & BuFlag.A) !== 0,
    homeRegistration: (flags & BuFlag.H) !== 0,
    linkLocalAddressCompatibility: (flags & BuFlag.L) !== 0,
    keyManagementMobilityCapability: (flags & BuFlag.K) !== 0,
    mapRegistration: (flags & BuFlag.M) !== 0,
    mobileRouter: (flags & BuFlag.R) !== 0,
    proxyRegistration: (flags & BuFlag.P) !== 0,
    forceUdpEncapsulation: (flags & BuFlag.F) !== 0,
    tlvHeaderFormat: (flags & BuFlag.T) !== 0,
    overwriteOrBulkBinding: (flags & BuFlag.O) !== 0,
    lifetimeSec: u16(b, s + 10) * LIFETIME_UNIT_SEC,
    options: parseOptionsArea(b, s + 12, end, base),
  };
  return reserved === 0 ? bu : { ...bu, reservedBits: reserved };
}

function parseBindingAcknowledgement(b: Uint8Array, s: number, end: number, base: number): BindingAcknowledgement {
  const flags = b[s + 7]!;
  const reserved = flags & BA_RESERVED_MASK;
  const ba: BindingAcknowledgement = {
    kind: 'binding-acknowledgement',
    status: b[s + 6]!,
    keyManagementMobilityCapability: (flags & BaFlag.K) !== 0,
    mobileRouter: (flags & BaFlag.R) !== 0,
    proxyRegistration: (flags & BaFlag.P) !== 0,
    tlvHeaderFormat: (flags & BaFlag.T) !== 0,
    bulkBindingUpdate: (flags & BaFlag.B) !== 0,
    sequence: u16(b, s + 8),
    lifetimeSec: u16(b, s + 10) * LIFETIME_UNIT_SEC,
    options: parseOptionsArea(b, s + 12, end, base),
  };
  return reserved === 0 ? ba : { ...ba, reservedBits: reserved };
}

function checkUint(v: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${what} must be an integer 0..${max}, got ${v}`);
}

function checkBytes(b: Uint8Array, n: number, what: string): void {
  if (b.length !== n) throw new RangeError(`${what} must be ${n} octets, got ${b.length}`);
}

function lifetimeUnits(lifetimeSec: number): number {
  const units = lifetimeSec / LIFETIME_UNIT_SEC;
  checkUint(units, 0xffff, 'lifetimeSec / 4');
  return units;
}

/** Total MH length of `m` in octets, padding included (a multiple of 8). */
export function messageLength(m: MobilityMessage): number {
  if (m.kind === 'unknown') return 6 + m.data.length;
  return optionsAreaEnd(m.options, FIXED_LENGTH[m.kind]);
}

/** Writes everything after the 6-octet common header: the fixed part, then the padded options. */
export function emitMessageBody(m: MobilityMessage, w: Writer): void {
  switch (m.kind) {
    case 'binding-refresh-request':
      w.u16(0);
      break;
    case 'home-test-init':
      checkBytes(m.homeInitCookie, 8, 'homeInitCookie');
      w.u16(0).bytes(m.homeInitCookie);
      break;
    case 'care-of-test-init':
      checkBytes(m.careOfInitCookie, 8, 'careOfInitCookie');
      w.u16(0).bytes(m.careOfInitCookie);
      break;
    case 'home-test':
      checkUint(m.homeNonceIndex, 0xffff, 'homeNonceIndex');
      checkBytes(m.homeInitCookie, 8, 'homeInitCookie');
      checkBytes(m.homeKeygenToken, 8, 'homeKeygenToken');
      w.u16(m.homeNonceIndex).bytes(m.homeInitCookie).bytes(m.homeKeygenToken);
      break;
    case 'care-of-test':
      checkUint(m.careOfNonceIndex, 0xffff, 'careOfNonceIndex');
      checkBytes(m.careOfInitCookie, 8, 'careOfInitCookie');
      checkBytes(m.careOfKeygenToken, 8, 'careOfKeygenToken');
      w.u16(m.careOfNonceIndex).bytes(m.careOfInitCookie).bytes(m.careOfKeygenToken);
      break;
    case 'binding-update':
      emitBindingUpdateFixed(m, w);
      break;
    case 'binding-acknowledgement':
      emitBindingAcknowledgementFixed(m, w);
      break;
    case 'binding-error':
      checkUint(m.status, 255, 'status');
      w.u8(m.status).u8(0).bytes(m.homeAddress.bytes);
      break;
    case 'unknown':
      w.bytes(m.data);
      return;
  }
  emitOptionsArea(m.options, w, FIXED_LENGTH[m.kind]);
}

function emitBindingUpdateFixed(m: BindingUpdate, w: Writer): void {
  checkUint(m.sequence, 0xffff, 'sequence');
  const reserved = m.reservedBits ?? 0;
  if ((reserved & ~BU_RESERVED_MASK) !== 0) throw new RangeError(`BU reservedBits outside 0x003f: ${reserved}`);
  const flags =
    (m.acknowledge ? BuFlag.A : 0) |
    (m.homeRegistration ? BuFlag.H : 0) |
    (m.linkLocalAddressCompatibility ? BuFlag.L : 0) |
    (m.keyManagementMobilityCapability ? BuFlag.K : 0) |
    (m.mapRegistration ? BuFlag.M : 0) |
    (m.mobileRouter ? BuFlag.R : 0) |
    (m.proxyRegistration ? BuFlag.P : 0) |
    (m.forceUdpEncapsulation ? BuFlag.F : 0) |
    (m.tlvHeaderFormat ? BuFlag.T : 0) |
    (m.overwriteOrBulkBinding ? BuFlag.O : 0) |
    reserved;
  w.u16(m.sequence).u16(flags).u16(lifetimeUnits(m.lifetimeSec));
}

function emitBindingAcknowledgementFixed(m: BindingAcknowledgement, w: Writer): void {
  checkUint(m.status, 255, 'status');
  checkUint(m.sequence, 0xffff, 'sequence');
  const reserved = m.reservedBits ?? 0;
  if ((reserved & ~BA_RESERVED_MASK) !== 0) throw new RangeError(`BA reservedBits outside 0x07: ${reserved}`);
  const flags =
    (m.keyManagementMobilityCapability ? BaFlag.K : 0) |
    (m.mobileRouter ? BaFlag.R : 0) |
    (m.proxyRegistration ? BaFlag.P : 0) |
    (m.tlvHeaderFormat ? BaFlag.T : 0) |
    (m.bulkBindingUpdate ? BaFlag.B : 0) |
    reserved;
  w.u8(m.status).u8(flags).u16(m.sequence).u16(lifetimeUnits(m.lifetimeSec));
}
