/**
 * Typed sample IKE messages shared by the oracle tests, fuzz seeds and benchmarks (test support, not
 * runtime code). Each covers many payload kinds at once; contents are illustrative, not cryptographically valid.
 */
import { fromHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { CfgType, EncrId, ExchangeType, IntegId, NotifyType, ProtocolId, TransformType } from './constants.ts';
import type { IkeHeader } from './header.ts';
import { decodeIkePayloads, type IkeMessage } from './message.ts';
import { transform } from './sa.ts';
import { CP_REPLY_PAYLOAD, IKE_AUTH_INNER_PAYLOADS } from './test-vectors.ts';
import { mhTypeToPort } from './traffic-selector.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const none = new Uint8Array(0);

export function sampleHeader(exchangeType: number, messageId: number, response: boolean): IkeHeader {
  return {
    initiatorSpi: fromHex('0102030405060708'),
    responderSpi: fromHex('1112131415161718'),
    majorVersion: 2,
    minorVersion: 0,
    exchangeType,
    response,
    higherVersion: false,
    initiator: !response,
    messageId,
  };
}

/** IKE_AUTH { IDi, CP(CFG_REQUEST), SA, TSi, TSr, IDr, CERTREQ, CERT(hash+URL), AUTH, N, N, V, D, EAP } */
export const IKE_AUTH_REQUEST: IkeMessage = {
  header: sampleHeader(ExchangeType.IKE_AUTH, 1, false),
  payloads: [
    ...decodeIkePayloads(35, IKE_AUTH_INNER_PAYLOADS),
    { kind: 'idr', idType: 2, data: enc('internet.ha-apn.mnc012.mcc345.pub.3gppnetwork.org') },
    { kind: 'certreq', encoding: 4, data: fromHex('aa'.repeat(20)) },
    {
      kind: 'cert',
      encoding: 12,
      data: new Uint8Array([...fromHex('ab'.repeat(20)), ...enc('http://ha.example/c.der')]),
    },
    { kind: 'auth', method: 2, data: fromHex('5a'.repeat(32)) },
    { kind: 'notify', protocolId: 0, spi: none, notifyType: NotifyType.USE_TRANSPORT_MODE, data: none },
    { kind: 'notify', protocolId: 0, spi: none, notifyType: NotifyType.MULTIPLE_AUTH_SUPPORTED, data: none },
    { kind: 'vendor-id', data: enc('dsmip') },
    { kind: 'delete', protocolId: ProtocolId.ESP, spiSize: 4, spis: [fromHex('aabbccdd'), fromHex('11223344')] },
    { kind: 'eap', data: fromHex('0201000901 74657374') },
  ],
};

/** IKE_AUTH response { CP(CFG_REPLY), IDr(IPv6), AUTH, SA, N(REKEY_SA with an ESP SPI), N(USE_ASSIGNED_HoA) } */
export const IKE_AUTH_RESPONSE: IkeMessage = {
  header: sampleHeader(ExchangeType.IKE_AUTH, 1, true),
  payloads: [
    ...decodeIkePayloads(47, CP_REPLY_PAYLOAD),
    { kind: 'idr', idType: 5, data: Ipv6Address.parse('2001:db8::ff').bytes },
    { kind: 'auth', method: 1, data: fromHex('77'.repeat(16)) },
    {
      kind: 'sa',
      proposals: [
        {
          number: 1,
          protocolId: 3,
          spi: fromHex('0a0b0c0d'),
          transforms: [transform(1, 12, 256), transform(3, 12), transform(5, 0)],
        },
      ],
    },
    {
      kind: 'notify',
      protocolId: ProtocolId.ESP,
      spi: fromHex('0a0b0c0d'),
      notifyType: NotifyType.REKEY_SA,
      data: none,
    },
    { kind: 'notify', protocolId: 0, spi: none, notifyType: NotifyType.USE_ASSIGNED_HOA, data: none },
  ],
};

/** INFORMATIONAL { SK { D } }: the encrypted body is opaque bytes here. */
export const INFORMATIONAL_WITH_SK: IkeMessage = {
  header: sampleHeader(ExchangeType.INFORMATIONAL, 2, false),
  payloads: [{ kind: 'sk', firstPayload: 42, data: fromHex('ee'.repeat(44)) }],
};

const hoa = Ipv6Address.parse('2001:db8:1::10');
const ha = Ipv6Address.parse('2001:db8::ff');

/**
 * A plaintext IKE_AUTH of about 1 KB, as found inside SK after decryption: IDi, IDr, CP(CFG_REPLY, six
 * attributes), SA with two proposals, TSi, TSr, three Notifies and a 600-byte CERT. Used by the benchmarks.
 */
export const IKE_AUTH_LARGE: IkeMessage = {
  header: sampleHeader(ExchangeType.IKE_AUTH, 1, true),
  payloads: [
    { kind: 'idi', idType: 3, data: enc('0234150999999999@nai.epc.mnc015.mcc234.3gppnetwork.org') },
    { kind: 'idr', idType: 2, data: enc('internet.ha-apn.mnc015.mcc234.pub.3gppnetwork.org') },
    { kind: 'cert', encoding: 4, data: new Uint8Array(600).map((_, i) => (i * 7) & 0xff) },
    { kind: 'auth', method: 1, data: new Uint8Array(64).fill(0x42) },
    {
      kind: 'cp',
      cfgType: CfgType.REPLY,
      attributes: [
        { kind: 'ipv6-prefix', type: 8, value: { address: hoa, prefixLength: 64 } },
        {
          kind: 'mip6-home-prefix',
          value: { prefixLifetimeSec: 86400, prefix: Ipv6Address.parse('2001:db8:1::'), prefixLength: 64 },
        },
        { kind: 'home-agent-address', value: { ipv6: ha, ipv4: Ipv4Address.parse('192.0.2.1') } },
        { kind: 'ipv6', type: 10, address: Ipv6Address.parse('2001:db8::53') },
        { kind: 'ipv4', type: 1, address: Ipv4Address.parse('10.1.2.3') },
        { kind: 'ipv4', type: 3, address: Ipv4Address.parse('192.0.2.53') },
      ],
    },
    {
      kind: 'sa',
      proposals: [
        {
          number: 1,
          protocolId: ProtocolId.ESP,
          spi: fromHex('c0ffee01'),
          transforms: [transform(TransformType.ENCR, EncrId.AES_GCM_16, 256), transform(TransformType.ESN, 0)],
        },
        {
          number: 2,
          protocolId: ProtocolId.ESP,
          spi: fromHex('c0ffee01'),
          transforms: [
            transform(TransformType.ENCR, EncrId.AES_CBC, 128),
            transform(TransformType.INTEG, IntegId.HMAC_SHA2_256_128),
            transform(TransformType.INTEG, IntegId.HMAC_SHA1_96),
            transform(TransformType.ESN, 0),
          ],
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
          endPort: mhTypeToPort(6),
          startAddress: hoa,
          endAddress: hoa,
        },
      ],
    },
    {
      kind: 'tsr',
      selectors: [
        {
          kind: 'ipv6-range',
          ipProtocol: 135,
          startPort: mhTypeToPort(5),
          endPort: mhTypeToPort(6),
          startAddress: ha,
          endAddress: ha,
        },
      ],
    },
    { kind: 'notify', protocolId: 0, spi: none, notifyType: NotifyType.USE_TRANSPORT_MODE, data: none },
    { kind: 'notify', protocolId: 0, spi: none, notifyType: NotifyType.ESP_TFC_PADDING_NOT_SUPPORTED, data: none },
    { kind: 'notify', protocolId: 0, spi: none, notifyType: NotifyType.AUTH_LIFETIME, data: fromHex('00000e10') },
  ],
};
