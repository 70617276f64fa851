// IKEv2 message and payload-chain decoders, and the UDP 4500 classifier with ESP framing behind it.
import { bytesEqual, fromHex } from '../../src/util/hex.ts';
import { decodeEspPacket, parseEspPlaintext, splitEspPayload } from '../../src/wire/esp/esp.ts';
import {
  classifyUdpEncap,
  encodeNatKeepalive,
  encodeUdpEncap,
  encodeUdpEncapIke,
} from '../../src/wire/esp/udp-encap.ts';
import { firstPayloadType } from '../../src/wire/ike/chain.ts';
import { readIdentity } from '../../src/wire/ike/identity.ts';
import {
  decodeIkeMessage,
  decodeIkePayloads,
  encodeIkeMessage,
  encodeIkePayloads,
} from '../../src/wire/ike/message.ts';
import type { IkePayload } from '../../src/wire/ike/payload.ts';
import {
  IKE_AUTH_LARGE,
  IKE_AUTH_REQUEST,
  IKE_AUTH_RESPONSE,
  INFORMATIONAL_WITH_SK,
} from '../../src/wire/ike/test-messages.ts';
import {
  CP_REPLY_PAYLOAD,
  IKE_AUTH_INNER_PAYLOADS,
  IKE_SA_INIT_REQUEST,
  RFC5903_KEI_PAYLOAD,
} from '../../src/wire/ike/test-vectors.ts';
import type { FuzzTarget } from '../harness.ts';

/** Built by scapy 2.5 contrib/ikev2 (test/oracle/ike-scapy.oracle.test.ts): IKE_SA_INIT and an IKE_AUTH-style message. */
const SCAPY_IKE_HEX = [
  '010203040506070800000000000000002120220800000000000000f0220000300000002c010100040300000c0100000c800e010003000008' +
    '02000005030000080300000c00000008040000132800004800130000dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c37' +
    '725811805271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb329000024000102030405060708090a0b0c0d0e0f' +
    '101112131415161718191a1b1c1d1e1f2900001c0000400400000000000000000000000000000000000000000000001c00004005ffffffff' +
    'ffffffffffffffffffffffffffffffff',
  '010203040506070811121314151617182320230800000001000001b02f000016020000006d6e2e6578616d706c652e636f6d210000350100' +
    '000000080000001000000013000000030004c00002350010001500000e1020010db8000100000000000000000000402c00002c0000002801' +
    '030403c0ffee010300000c0100000c800e0080030000080300000c00000008050000002d00003001000000088700280500050020010db800' +
    '000000000000000000000120010db80000000000000000000000012900004002000000088700280600060020010db8000000000000000000' +
    '0000ff20010db80000000000000000000000ff070000100000ffff00000000ffffffff270000080000400724000028020000000000000000' +
    '0000000000000000000000000000000000000000000000000000002b0000180500000020010db80000000000000000000000ff2600001064' +
    '736d69702d6f7261636c652a00001904aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2e00000c03040001aabbccdd2900003000000000' +
    '00000000000000000000000011111111111111111111111111111111222222222222222222222222',
];

/** UDP 4500 payloads built by scapy: NON_ESP + IKEv2, NAT-T ESP (NULL/HMAC-SHA1-96), transport ESP over IPv6. */
const SCAPY_UDP4500_HEX = [
  '00000000010203040506070811121314151617182e202520000000020000003c0000002033333333333333333333333333333333333333333333333333333333',
  '0000567800000003105f105f000db0fc64736d6970010111a3893e59119f4151fdc44f24',
  '000012340000002a3b0105009e670007c000038401020000010202871096d1c0a5488ced7462ce4a',
];

/** Typed views on top of the raw decode: identities and a stable re-encoding. */
function exercise(payloads: readonly IkePayload[]): void {
  for (const p of payloads) if (p.kind === 'idi' || p.kind === 'idr') readIdentity(p);
  const once = encodeIkePayloads(payloads);
  if (!bytesEqual(encodeIkePayloads(decodeIkePayloads(firstPayloadType(payloads), once)), once)) {
    throw new Error('IKE payload re-encoding is not stable');
  }
}

export const targets: FuzzTarget[] = [
  {
    name: 'ike-message',
    family: 'ike',
    decode: (b) => {
      const m = decodeIkeMessage(b);
      exercise(m.payloads);
      return m;
    },
    seeds: () => [
      IKE_SA_INIT_REQUEST,
      ...[IKE_AUTH_REQUEST, IKE_AUTH_RESPONSE, INFORMATIONAL_WITH_SK, IKE_AUTH_LARGE].map(encodeIkeMessage),
      ...SCAPY_IKE_HEX.map(fromHex),
    ],
  },
  {
    name: 'ike-payload-chain',
    family: 'ike',
    // The first byte picks the first payload type (as an SK payload's Next Payload would); the rest is the chain.
    decode: (b) => {
      const payloads = decodeIkePayloads(b[0] ?? 0, b.subarray(1));
      exercise(payloads);
      return payloads;
    },
    seeds: () => [
      Uint8Array.of(35, ...IKE_AUTH_INNER_PAYLOADS),
      Uint8Array.of(47, ...CP_REPLY_PAYLOAD),
      Uint8Array.of(34, ...RFC5903_KEI_PAYLOAD),
    ],
  },
  {
    name: 'udp-4500',
    family: 'ike',
    // Classify, then run what follows: IKE decoding, or ESP framing with a NULL cipher and a 12-byte ICV.
    decode: (b) => {
      const d = classifyUdpEncap(b);
      if (d.kind === 'ike') return decodeIkeMessage(d.message);
      if (d.kind === 'esp') {
        const packet = decodeEspPacket(d.packet);
        return parseEspPlaintext(splitEspPayload(packet.payload, { ivLength: 0, icvLength: 12 }).ciphertext);
      }
      return d;
    },
    seeds: () => [
      encodeUdpEncapIke(IKE_SA_INIT_REQUEST),
      encodeNatKeepalive(),
      encodeUdpEncap({ kind: 'ike', message: encodeIkeMessage(INFORMATIONAL_WITH_SK) }),
      ...SCAPY_UDP4500_HEX.map(fromHex),
    ],
  },
];
