import type { Reader } from '../../util/reader.ts';
import type { Writer } from '../../util/writer.ts';
import { DUID_MAX_LENGTH, DUID_MIN_LENGTH, DuidType } from './constants.ts';

/**
 * DHCP Unique Identifier (RFC 8415 §11). Peers compare DUIDs only for equality, and new DUID types
 * must be accepted (§11), so types other than 1–4 are kept as `other` and re-encode byte for byte.
 */
export type Duid =
  | {
      readonly kind: 'llt'; // RFC 8415 §11.2
      readonly hardwareType: number;
      /** Seconds since 2000-01-01T00:00:00Z, modulo 2^32. */
      readonly timeSec: number;
      readonly linkLayerAddress: Uint8Array;
    }
  | {
      readonly kind: 'en'; // RFC 8415 §11.3
      readonly enterpriseNumber: number;
      readonly identifier: Uint8Array;
    }
  | {
      readonly kind: 'll'; // RFC 8415 §11.4
      readonly hardwareType: number;
      readonly linkLayerAddress: Uint8Array;
    }
  | {
      readonly kind: 'uuid'; // RFC 8415 §11.5, RFC 6355
      readonly uuid: Uint8Array;
    }
  /** Any other type; `other` with type 1–4 is written as given (for tests that need odd DUIDs). */
  | { readonly kind: 'other'; readonly type: number; readonly data: Uint8Array };

const UUID_LENGTH = 16;

/** Parses a DUID occupying all of `r` (the option body of Client/Server Identifier). */
export function parseDuid(r: Reader): Duid {
  if (r.remaining < DUID_MIN_LENGTH || r.remaining > DUID_MAX_LENGTH) {
    r.fail(
      'BAD_LENGTH',
      `DUID of ${r.remaining} octets (RFC 8415 §11.1 allows ${DUID_MIN_LENGTH}..${DUID_MAX_LENGTH})`,
    );
  }
  const type = r.u16('DUID type');
  switch (type) {
    case DuidType.LLT: {
      if (r.remaining < 6) r.fail('BAD_LENGTH', 'DUID-LLT shorter than hardware type + time');
      const hardwareType = r.u16('DUID-LLT hardware type');
      const timeSec = r.u32('DUID-LLT time');
      return { kind: 'llt', hardwareType, timeSec, linkLayerAddress: r.bytesCopy(r.remaining) };
    }
    case DuidType.EN: {
      if (r.remaining < 4) r.fail('BAD_LENGTH', 'DUID-EN shorter than its enterprise number');
      const enterpriseNumber = r.u32('DUID-EN enterprise number');
      return { kind: 'en', enterpriseNumber, identifier: r.bytesCopy(r.remaining) };
    }
    case DuidType.LL: {
      if (r.remaining < 2) r.fail('BAD_LENGTH', 'DUID-LL shorter than its hardware type');
      const hardwareType = r.u16('DUID-LL hardware type');
      return { kind: 'll', hardwareType, linkLayerAddress: r.bytesCopy(r.remaining) };
    }
    case DuidType.UUID:
      if (r.remaining !== UUID_LENGTH) r.fail('BAD_LENGTH', `DUID-UUID needs 16 octets, has ${r.remaining}`);
      return { kind: 'uuid', uuid: r.bytesCopy(UUID_LENGTH) };
    default:
      return { kind: 'other', type, data: r.bytesCopy(r.remaining) };
  }
}

export function duidLength(d: Duid): number {
  switch (d.kind) {
    case 'llt':
      return 8 + d.linkLayerAddress.length;
    case 'en':
      return 6 + d.identifier.length;
    case 'll':
      return 4 + d.linkLayerAddress.length;
    case 'uuid':
      return 2 + UUID_LENGTH;
    case 'other':
      return 2 + d.data.length;
  }
}

export function emitDuid(d: Duid, w: Writer): void {
  const n = duidLength(d);
  if (n < DUID_MIN_LENGTH || n > DUID_MAX_LENGTH)
    throw new RangeError(`DUID length ${n} outside RFC 8415 §11.1 bounds`);
  switch (d.kind) {
    case 'llt':
      w.u16(DuidType.LLT).u16(d.hardwareType).u32(d.timeSec).bytes(d.linkLayerAddress);
      return;
    case 'en':
      w.u16(DuidType.EN).u32(d.enterpriseNumber).bytes(d.identifier);
      return;
    case 'll':
      w.u16(DuidType.LL).u16(d.hardwareType).bytes(d.linkLayerAddress);
      return;
    case 'uuid':
      if (d.uuid.length !== UUID_LENGTH) throw new RangeError('DUID-UUID needs 16 octets');
      w.u16(DuidType.UUID).bytes(d.uuid);
      return;
    case 'other':
      if (d.type >= DuidType.LLT && d.type <= DuidType.UUID)
        throw new RangeError(`DUID type ${d.type} has its own kind`);
      w.u16(d.type).bytes(d.data);
      return;
  }
}
