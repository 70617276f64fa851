// Properties of the Mobility Header codec: round trips of every message kind with arbitrary option lists,
// the `xn+y` placement and 8-octet length of whatever the emitter writes, and totality of the decoder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isWireError } from '../../util/errors.ts';
import { Ipv6Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { optionAlignment } from './alignment.ts';
import { decodeMobilityHeader, encodeMobilityHeader, type MhPseudoHeader, mobilityHeaderLength } from './header.ts';
import { FIXED_LENGTH, type MobilityMessage } from './messages.ts';
import { parseMobilityOptions } from './option-list.ts';
import type { MobilityOption } from './options.ts';
import { mobilityMessage, optionList, pseudoHeader } from './test-arbitraries.ts';

test('decode(encode(m)) deep-equals m for every message kind, with the checksum verified', () => {
  fc.assert(
    fc.property(mobilityMessage, pseudoHeader, (m, addrs) => {
      const bytes = encodeMobilityHeader(m, addrs);
      assert.equal(bytes.length, mobilityHeaderLength(m));
      assert.equal(bytes.length % 8, 0);
      assert.equal(bytes[1], bytes.length / 8 - 1);
      assert.deepEqual(decodeMobilityHeader(bytes, addrs), m);
    }),
    { numRuns: 2000 },
  );
});

/** Walks the emitted options area, checking each option's offset and that padding is minimal and well formed. */
function checkPlacement(bytes: Uint8Array, start: number): number {
  let p = start;
  let padStart = p;
  let options = 0;
  while (p < bytes.length) {
    const type = bytes[p]!;
    if (type === 0 || type === 1) {
      assert.equal(p, padStart, 'one Pad1 or PadN per gap (RFC 6275 §6.2.2: PadN rather than several Pad1)');
      const n = type === 0 ? 1 : 2 + bytes[p + 1]!;
      if (type === 1) assert.ok(n >= 2 && bytes.subarray(p + 2, p + n).every((x) => x === 0), 'PadN data is zeros');
      p += n;
      continue;
    }
    const len = 2 + bytes[p + 1]!;
    const [option] = parseMobilityOptions(Reader.of(bytes.subarray(p, p + len), 'mh', p));
    assert.ok(option);
    const { x, y } = optionAlignment(option);
    assert.equal(p % x, y, `${option.kind} type octet at ${p}, wants ${x}n+${y}`);
    assert.ok(p - padStart < x, `${p - padStart} octets of padding where fewer than ${x} suffice`);
    options++;
    p += len;
    padStart = p;
  }
  assert.equal(p, bytes.length, 'no option overruns the MH');
  assert.ok(bytes.length - padStart < 8, 'final padding shorter than 8 octets');
  return options;
}

/** A valid message of each kind with fixed fields, to carry an arbitrary option list. */
function shell(kind: Exclude<MobilityMessage['kind'], 'unknown'>, options: MobilityOption[]): MobilityMessage {
  const cookie = new Uint8Array(8);
  switch (kind) {
    case 'binding-refresh-request':
      return { kind, options };
    case 'home-test-init':
      return { kind, homeInitCookie: cookie, options };
    case 'care-of-test-init':
      return { kind, careOfInitCookie: cookie, options };
    case 'home-test':
      return { kind, homeNonceIndex: 1, homeInitCookie: cookie, homeKeygenToken: cookie, options };
    case 'care-of-test':
      return { kind, careOfNonceIndex: 1, careOfInitCookie: cookie, careOfKeygenToken: cookie, options };
    case 'binding-error':
      return { kind, status: 2, homeAddress: Ipv6Address.ANY, options };
    case 'binding-acknowledgement':
      return {
        kind,
        status: 0,
        keyManagementMobilityCapability: false,
        mobileRouter: false,
        proxyRegistration: false,
        tlvHeaderFormat: false,
        bulkBindingUpdate: false,
        sequence: 1,
        lifetimeSec: 0,
        options,
      };
    case 'binding-update':
      return {
        kind,
        sequence: 1,
        acknowledge: true,
        homeRegistration: true,
        linkLocalAddressCompatibility: false,
        keyManagementMobilityCapability: false,
        mapRegistration: false,
        mobileRouter: false,
        proxyRegistration: false,
        forceUdpEncapsulation: false,
        tlvHeaderFormat: false,
        overwriteOrBulkBinding: false,
        lifetimeSec: 0,
        options,
      };
  }
}

test('alignment: every emitted option sits at its xn+y from the MH start and the MH is a multiple of 8', () => {
  const kinds = fc.constantFrom(...(Object.keys(FIXED_LENGTH) as (keyof typeof FIXED_LENGTH)[]));
  fc.assert(
    fc.property(optionList, kinds, pseudoHeader, (options, kind, addrs) => {
      const m = shell(kind, options);
      const bytes = encodeMobilityHeader(m, addrs);
      assert.equal(bytes.length % 8, 0);
      assert.equal(bytes[1], bytes.length / 8 - 1);
      assert.equal(checkPlacement(bytes, FIXED_LENGTH[kind]), options.length);
      assert.deepEqual(decodeMobilityHeader(bytes, addrs), m);
    }),
    { numRuns: 3000 },
  );
});

function onlyWireErrors(bytes: Uint8Array, addrs?: MhPseudoHeader): void {
  try {
    decodeMobilityHeader(bytes, addrs);
  } catch (e) {
    if (!isWireError(e)) throw e;
  }
}

test('random bytes only ever decode or throw WireError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.option(pseudoHeader, { nil: undefined }), (bytes, addrs) => {
      onlyWireErrors(bytes, addrs);
      // Also with a plausible header so the option parser is reached: Header Len fitted to the buffer.
      if (bytes.length >= 8) {
        const fitted = bytes.subarray(0, bytes.length & ~7);
        fitted[1] = fitted.length / 8 - 1;
        onlyWireErrors(fitted);
      }
    }),
    { numRuns: 5000 },
  );
});

test('mutated valid encodings only ever decode or throw WireError', () => {
  fc.assert(
    fc.property(
      mobilityMessage,
      pseudoHeader,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
      (m, addrs, edits) => {
        const bytes = encodeMobilityHeader(m, addrs);
        for (const [at, v] of edits) bytes[at % bytes.length] = v;
        onlyWireErrors(bytes);
        onlyWireErrors(bytes, addrs);
      },
    ),
    { numRuns: 3000 },
  );
});
