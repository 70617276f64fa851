/**
 * Test support (not runtime code): IKE messages and ESP packets protected by the engine's own sealers
 * (src/ike/protection.ts, src/ipsec/esp-protect.ts, both checked against tshark in their own tests) with fixed
 * keys, and the key log lines src/obs/keylog.ts writes for them.
 */
import type { IkeSaKeys } from '../../crypto/ike-prf.ts';
import { encrTransform, integTransform, prfTransform } from '../../crypto/transforms.ts';
import type { IkeSuite } from '../../ike/proposal.ts';
import { IkeProtection } from '../../ike/protection.ts';
import type { EspSaParams } from '../../ipsec/sa-params.ts';
import { EspSad } from '../../ipsec/sad.ts';
import { copyBytes } from '../../util/bytes.ts';
import { fromHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { encodeEapAka } from '../../wire/eap/eap-aka.ts';
import { CfgType, CpAttributeType, EncrId, IntegId, PrfId } from '../../wire/ike/constants.ts';
import type { IkeHeader } from '../../wire/ike/header.ts';
import type { IkePayload } from '../../wire/ike/payload.ts';
import { buildIpv6Packet, buildUdp4 } from '../../wire/ip/build.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { encodeMobilityHeader } from '../../wire/mh/index.ts';
import { exampleBu } from '../../wire/mh/test-fixtures.ts';
import { formatEspSaLine, formatIkev2DecryptionLine } from '../keylog.ts';

export const SPI_I = fromHex('0102030405060708');
export const SPI_R = fromHex('1112131415161718');

export const IKE_AUTH_HEADER: IkeHeader = {
  initiatorSpi: SPI_I,
  responderSpi: SPI_R,
  majorVersion: 2,
  minorVersion: 0,
  exchangeType: 35,
  response: false,
  higherVersion: false,
  initiator: true,
  messageId: 2,
};

/** EAP-Response/AKA-Challenge (RFC 4187 §9.4): AT_RES and AT_MAC. */
export const EAP_AKA_CHALLENGE_RESPONSE = encodeEapAka({
  kind: 'response',
  identifier: 7,
  subtype: 1,
  attributes: [
    { kind: 'res', resLengthBits: 64, res: fromHex('a54211d5e3ba50bf') },
    { kind: 'mac', mac: new Uint8Array(16).fill(0x6d) },
  ],
});

/** IKE_AUTH request content of TS 24.302 §7.2.2 shape: IDi, EAP, CP(CFG_REQUEST) with a home prefix request. */
export const IKE_AUTH_PAYLOADS: IkePayload[] = [
  { kind: 'idi', idType: 3, data: new TextEncoder().encode('0001010000000001@nai.epc.mnc001.mcc001.3gppnetwork.org') },
  { kind: 'eap', data: EAP_AKA_CHALLENGE_RESPONSE },
  {
    kind: 'cp',
    cfgType: CfgType.REQUEST,
    attributes: [
      { kind: 'mip6-home-prefix', value: undefined },
      { kind: 'ipv6', type: CpAttributeType.INTERNAL_IP6_DNS, address: undefined },
    ],
  },
];

const IKE_KEYS: IkeSaKeys = {
  skD: new Uint8Array(32),
  skAi: fromHex('11'.repeat(32)),
  skAr: fromHex('22'.repeat(32)),
  skEi: fromHex(`${'33'.repeat(32)}a1a2a3a4`),
  skEr: fromHex(`${'44'.repeat(32)}b1b2b3b4`),
  skPi: new Uint8Array(32),
  skPr: new Uint8Array(32),
};

export type IkeSuiteName = 'gcm256' | 'cbc256-sha256';

function ikeSuite(name: IkeSuiteName): { suite: IkeSuite; keys: IkeSaKeys } {
  const prf = prfTransform(PrfId.HMAC_SHA2_256);
  if (name === 'gcm256')
    return {
      suite: { encr: encrTransform(EncrId.AES_GCM_16, 256), integ: undefined, prf, dhGroup: 19 },
      keys: IKE_KEYS,
    };
  return {
    suite: {
      encr: encrTransform(EncrId.AES_CBC, 256),
      integ: integTransform(IntegId.HMAC_SHA2_256_128),
      prf,
      dhGroup: 19,
    },
    keys: { ...IKE_KEYS, skEi: copyBytes(IKE_KEYS.skEi, 0, 32), skEr: copyBytes(IKE_KEYS.skEr, 0, 32) },
  };
}

/** One protected IKE message and the ikev2_decryption_table line for its IKE SA. */
export function sealedIke(
  name: IkeSuiteName,
  header: IkeHeader = IKE_AUTH_HEADER,
  payloads: readonly IkePayload[] = IKE_AUTH_PAYLOADS,
): { message: Uint8Array; keyLine: string } {
  const { suite, keys } = ikeSuite(name);
  const ivs = (n: number) => new Uint8Array(n).fill(0x5a);
  const message = new IkeProtection(suite, keys, header.initiator, ivs).seal(header, payloads);
  const keyLine = formatIkev2DecryptionLine({
    initiatorSpi: header.initiatorSpi,
    responderSpi: header.responderSpi,
    encr: { id: suite.encr.id, keyLengthBits: suite.encr.keyLengthBits },
    ...(suite.integ ? { integ: suite.integ.id, skAi: keys.skAi, skAr: keys.skAr } : {}),
    skEi: keys.skEi,
    skEr: keys.skEr,
  });
  return { message, keyLine };
}

export type EspSuiteName = 'gcm128' | 'cbc128-sha256' | 'cbc256-sha1';

function espSuite(name: EspSuiteName): Pick<EspSaParams, 'encr' | 'integ' | 'encrKey' | 'integKey'> {
  switch (name) {
    case 'gcm128':
      return {
        encr: { id: EncrId.AES_GCM_16, keyLengthBits: 128 },
        encrKey: fromHex('00112233445566778899aabbccddeeffcafebabe'),
      };
    case 'cbc128-sha256':
      return {
        encr: { id: EncrId.AES_CBC, keyLengthBits: 128 },
        integ: IntegId.HMAC_SHA2_256_128,
        encrKey: fromHex('00112233445566778899aabbccddeeff'),
        integKey: Uint8Array.from({ length: 32 }, (_, i) => i + 1),
      };
    case 'cbc256-sha1':
      return {
        encr: { id: EncrId.AES_CBC, keyLengthBits: 256 },
        integ: IntegId.HMAC_SHA1_96,
        encrKey: Uint8Array.from({ length: 32 }, (_, i) => i),
        integKey: Uint8Array.from({ length: 20 }, (_, i) => 0x80 + i),
      };
  }
}

/** ESP addresses of the fixtures: the UE's home address and the HA (transport mode, as RFC 4877 §4.1). */
export const HOA = Ipv6Address.parse('2001:db8:100:1::100');
export const HA = Ipv6Address.parse('2001:db8:1::1');
export const COA4 = Ipv4Address.parse('192.0.2.100');
export const HA4 = Ipv4Address.parse('192.0.2.1');

/** The Binding Update the fixtures carry in ESP (its MH checksum for HOA → HA). */
export const BU_MH = encodeMobilityHeader(
  exampleBu('AHKR', 3002, 3600, [{ kind: 'ipv4-care-of-address', careOfAddress: COA4 }]),
  { src: HOA, dst: HA },
);

/** One ESP packet (SPI through ICV) and its esp_sa line. */
export function sealedEsp(
  name: EspSuiteName,
  nextHeader: number,
  data: Uint8Array,
  extra: Partial<EspSaParams> = {},
): { packet: Uint8Array; keyLine: string } {
  const params: EspSaParams = {
    spi: 0xc0ffee01,
    direction: 'outbound',
    mode: 'transport',
    ...espSuite(name),
    ...extra,
  };
  const sad = new EspSad({ random: (n) => new Uint8Array(n).fill(0xa5) });
  const sealed = sad.seal(sad.install(params), nextHeader, data);
  if (!sealed.ok) throw new Error(`seal refused: ${sealed.reason}`);
  return { packet: sealed.packet, keyLine: formatEspSaLine(params, { family: 6 }) };
}

/** A BU in ESP in IPv6 (HoA → HA) in UDP 4191 over IPv4: what the UE sends on IPv4 access with F = 1. */
export function buInUdp4191(esp: Uint8Array): Uint8Array {
  const inner = buildIpv6Packet({ src: HOA, dst: HA, nextHeader: IpProtocol.ESP, payload: esp });
  return buildUdp4({ src: COA4, dst: HA4, sourcePort: 4191, destinationPort: 4191, payload: inner });
}

/** ESP in UDP 4500 over IPv4 (RFC 3948 §2.1). */
export function espInUdp4500(esp: Uint8Array): Uint8Array {
  return buildUdp4({ src: COA4, dst: HA4, sourcePort: 4500, destinationPort: 4500, payload: esp });
}

/** An IKE message on UDP 500 over IPv4. */
export function ikeInUdp500(message: Uint8Array): Uint8Array {
  return buildUdp4({ src: COA4, dst: HA4, sourcePort: 500, destinationPort: 500, payload: message });
}
