import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WireErrorCode } from '../../util/errors.ts';
import { fromHex, toHex } from '../../util/hex.ts';
import { Ipv6Address } from '../../util/ip-address.ts';
import { CfgType, DhGroup, EncrId, ExchangeType, NotifyType, PayloadType, PrfId, ProtocolId } from './constants.ts';
import { decodeIkeHeader } from './header.ts';
import {
  decodeIkeMessage,
  decodeIkePayloads,
  encodeIkeMessage,
  encodeIkePayloads,
  type IkeMessage,
  ikeMessageLength,
} from './message.ts';
import type { IkePayload } from './payload.ts';
import { transform } from './sa.ts';
import { assertWireError } from './test-support.ts';
import {
  GIX_GIY,
  IKE_AUTH_INNER_PAYLOADS,
  IKE_SA_INIT_REQUEST,
  SA_INIT_OFFSETS as O,
  RFC5903_KEI_PAYLOAD,
  RFC5903_KER_PAYLOAD,
  SAMPLE_NATD_DST,
  SAMPLE_NATD_SRC,
  SAMPLE_NONCE_I,
  SAMPLE_SPI_I,
} from './test-vectors.ts';
import { mhTypeToPort } from './traffic-selector.ts';

const SA_INIT: IkeMessage = {
  header: {
    initiatorSpi: SAMPLE_SPI_I,
    responderSpi: new Uint8Array(8),
    majorVersion: 2,
    minorVersion: 0,
    exchangeType: ExchangeType.IKE_SA_INIT,
    response: false,
    higherVersion: false,
    initiator: true,
    messageId: 0,
  },
  payloads: [
    {
      kind: 'sa',
      proposals: [
        {
          number: 1,
          protocolId: ProtocolId.IKE,
          spi: new Uint8Array(0),
          transforms: [
            transform(1, EncrId.AES_CBC, 128),
            transform(2, PrfId.HMAC_SHA2_256),
            transform(3, 12),
            transform(4, 19),
          ],
        },
      ],
    },
    { kind: 'ke', dhGroup: DhGroup.ECP_256, data: GIX_GIY },
    { kind: 'nonce', data: SAMPLE_NONCE_I },
    {
      kind: 'notify',
      protocolId: 0,
      spi: new Uint8Array(0),
      notifyType: NotifyType.NAT_DETECTION_SOURCE_IP,
      data: SAMPLE_NATD_SRC,
    },
    {
      kind: 'notify',
      protocolId: 0,
      spi: new Uint8Array(0),
      notifyType: NotifyType.NAT_DETECTION_DESTINATION_IP,
      data: SAMPLE_NATD_DST,
    },
  ],
};

test('RFC 5903 §8.1 KEi/KEr payloads decode as group 19 with X‖Y and re-encode verbatim', () => {
  for (const vector of [RFC5903_KEI_PAYLOAD, RFC5903_KER_PAYLOAD]) {
    const [ke, ...rest] = decodeIkePayloads(PayloadType.KE, vector);
    assert.equal(rest.length, 0);
    assert.ok(ke?.kind === 'ke');
    assert.equal(ke.dhGroup, 19);
    assert.equal(ke.data.length, 64);
    assert.equal(toHex(encodeIkePayloads([ke])), toHex(vector));
  }
  assert.equal(toHex(RFC5903_KEI_PAYLOAD.subarray(0, 8)), '0000004800130000');
});

test('IKE_SA_INIT vector: parse, emit, round trip and length', () => {
  const decoded = decodeIkeMessage(IKE_SA_INIT_REQUEST);
  assert.deepEqual(decoded, SA_INIT);
  assert.equal(toHex(encodeIkeMessage(SA_INIT)), toHex(IKE_SA_INIT_REQUEST));
  assert.equal(ikeMessageLength(SA_INIT), 240);
  assert.deepEqual(decodeIkeHeader(IKE_SA_INIT_REQUEST), { header: SA_INIT.header, firstPayload: 33, length: 240 });
});

test('IKE_AUTH contents for a DSMIPv6 MN decode field by field', () => {
  const payloads = decodeIkePayloads(PayloadType.IDI, IKE_AUTH_INNER_PAYLOADS);
  const hoa = Ipv6Address.parse('2001:db8::1');
  const ha = Ipv6Address.parse('2001:db8::ff');
  const expected: IkePayload[] = [
    { kind: 'idi', idType: 2, data: new TextEncoder().encode('mn.example.com') },
    {
      kind: 'cp',
      cfgType: CfgType.REQUEST,
      attributes: [
        { kind: 'ipv6-prefix', type: 8, value: undefined },
        { kind: 'mip6-home-prefix', value: undefined },
        { kind: 'home-agent-address', value: undefined },
      ],
    },
    {
      kind: 'sa',
      proposals: [
        {
          number: 1,
          protocolId: ProtocolId.ESP,
          spi: fromHex('c0ffee01'),
          transforms: [transform(1, EncrId.AES_GCM_16, 128), transform(5, 0)],
        },
      ],
    },
    {
      kind: 'tsi',
      selectors: [
        {
          kind: 'ipv6-range',
          ipProtocol: 135,
          startPort: mhTypeToPort(5),
          endPort: 0x0500,
          startAddress: hoa,
          endAddress: hoa,
        },
      ],
    },
    {
      kind: 'tsr',
      selectors: [
        { kind: 'ipv6-range', ipProtocol: 135, startPort: 0x0600, endPort: 0x0600, startAddress: ha, endAddress: ha },
      ],
    },
  ];
  assert.deepEqual(payloads, expected);
  assert.equal(toHex(encodeIkePayloads(expected)), toHex(IKE_AUTH_INNER_PAYLOADS));
});

test('an IKE_AUTH message carrying SK keeps the encrypted data and the inner first payload type', () => {
  const data = fromHex(`00112233445566778899aabbccddeeff${'ab'.repeat(32)}${'cd'.repeat(16)}`);
  const msg: IkeMessage = {
    header: {
      ...SA_INIT.header,
      responderSpi: fromHex('0102030405060708'),
      exchangeType: ExchangeType.IKE_AUTH,
      messageId: 1,
    },
    payloads: [{ kind: 'sk', firstPayload: PayloadType.IDI, data }],
  };
  const bytes = encodeIkeMessage(msg);
  assert.equal(bytes[16], PayloadType.SK);
  assert.equal(bytes[28], PayloadType.IDI); // SK's Next Payload = first inner payload (RFC 7296 §3.14)
  assert.equal((bytes[30]! << 8) | bytes[31]!, 4 + data.length);
  assert.deepEqual(decodeIkeMessage(bytes), msg);
});

test('header flags and versions: R/V/I bits, other X bits ignored, minor version kept', () => {
  const bytes = IKE_SA_INIT_REQUEST.slice();
  bytes[17] = 0x21;
  bytes[19] = 0x20 | 0x10 | 0x08 | 0x07 | 0xc0;
  const { header } = decodeIkeMessage(bytes);
  assert.equal(header.minorVersion, 1);
  assert.ok(header.response && header.higherVersion && header.initiator);
  assert.equal(encodeIkeMessage({ header, payloads: [] })[19], 0x38);
});

test('a major version other than 2 is BAD_VERSION, while decodeIkeHeader still reads it', () => {
  const bytes = IKE_SA_INIT_REQUEST.slice();
  bytes[17] = 0x30;
  assertWireError(() => decodeIkeMessage(bytes), 'BAD_VERSION', 17);
  const fields = decodeIkeHeader(bytes);
  assert.equal(fields.header.majorVersion, 3);
  assert.equal(toHex(fields.header.initiatorSpi), toHex(SAMPLE_SPI_I));
});

test('malformed messages fail with the right code', () => {
  const mutate = (edit: (b: Uint8Array) => void): Uint8Array => {
    const b = IKE_SA_INIT_REQUEST.slice();
    edit(b);
    return b;
  };
  const withLength = (b: Uint8Array): Uint8Array => {
    new DataView(b.buffer, b.byteOffset).setUint32(24, b.length);
    return b;
  };
  const cases: [string, Uint8Array, WireErrorCode, number?][] = [
    ['shorter than a header', IKE_SA_INIT_REQUEST.subarray(0, 27), 'TRUNCATED'],
    ['length field < 28', mutate((b) => b.set([0, 0, 0, 27], 24)), 'BAD_LENGTH', 24],
    ['length field ≠ datagram', mutate((b) => b.set([0, 0, 0, 0xf1], 24)), 'BAD_LENGTH', 24],
    ['datagram cut short', withLength(IKE_SA_INIT_REQUEST.slice(0, 200)), 'BAD_LENGTH'],
    ['payload length < 4', mutate((b) => b.set([0, 3], O.saPayload + 2)), 'BAD_LENGTH', O.saPayload + 2],
    ['payload overruns message', mutate((b) => b.set([0, 0x1d], O.natdDst + 2)), 'BAD_LENGTH', O.natdDst + 2],
    ['chain announces a payload after the end', mutate((b) => b.set([41], O.natdDst)), 'TRUNCATED', 240],
    ['bytes after the last payload', withLength(Uint8Array.from([...IKE_SA_INIT_REQUEST, 0])), 'TRAILING_DATA', 240],
    ['proposal length too short for its transforms', mutate((b) => b.set([0, 0x2b], O.proposal + 2)), 'BAD_LENGTH'],
    ['proposal length < 8', mutate((b) => b.set([0, 7], O.proposal + 2)), 'BAD_LENGTH', O.proposal + 2],
    ['transform length < 8', mutate((b) => b.set([0, 7], O.transform1 + 2)), 'BAD_LENGTH', O.transform1 + 2],
    ['transform length cuts its attribute', mutate((b) => b.set([0, 0x0b], O.transform1 + 2)), 'TRUNCATED'],
    ['#transforms says 3, 4 present', mutate((b) => b.set([3], O.transformCount)), 'BAD_LENGTH', O.transformCount],
    ['#transforms says 5, 4 present', mutate((b) => b.set([5], O.transformCount)), 'BAD_LENGTH', O.transformCount],
    ['last transform marked "more"', mutate((b) => b.set([3], O.transform4)), 'BAD_VALUE', O.transform4],
    ['first transform marked "last"', mutate((b) => b.set([0], O.transform1)), 'BAD_VALUE', O.transform1],
    ['only proposal marked "more"', mutate((b) => b.set([2], O.proposal)), 'BAD_VALUE', O.proposal],
    ['KE shorter than its group field', mutate((b) => b.set([0, 5], O.kePayload + 2)), 'TRUNCATED'],
  ];
  for (const [name, bytes, code, offset] of cases) {
    assertWireError(() => decodeIkeMessage(bytes), code, offset, name);
  }
});

test('bytes after an SK payload are TRAILING_DATA (SK must be last, RFC 7296 §3.14)', () => {
  const sk = fromHex('23000008 00000000 00000004');
  assertWireError(() => decodeIkePayloads(PayloadType.SK, sk), 'TRAILING_DATA', 8);
  assert.throws(
    () =>
      encodeIkePayloads([
        { kind: 'sk', firstPayload: 35, data: new Uint8Array(4) },
        { kind: 'nonce', data: new Uint8Array(16) },
      ]),
    RangeError,
  );
});
