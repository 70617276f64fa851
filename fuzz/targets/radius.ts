import { bytesEqual, fromHex } from '../../src/util/hex.ts';
import {
  checkMessageAuthenticator,
  decodeRadius,
  decryptMppeKey,
  eapMessageAttributes,
  encodeRadius,
  encodeSignedRadius,
  encryptMppeKey,
  messageAuthenticatorPlaceholder,
  mppeKeyAttributes,
  octetsAttribute,
  parseVendorSubAttributes,
  RadiusAttributeType,
  RadiusCode,
  reassembleEap,
} from '../../src/wire/radius/index.ts';
import type { FuzzTarget } from '../harness.ts';

/** RFC 2865 §7.1 and §7.2 packets, and an EAP Access-Request / Access-Accept as the codec writes them. */
const PACKETS_HEX = [
  '010000380f403f9473978057bd83d5cb98f4227a01066e656d6f02120dbe708d93d413ce3196e43f782a0aee0406c0a80110050600000003',
  '0200002686fe220e7624ba2a1005f6bf9b55e0b20606000000010f06000000000e06c0a80103',
  '010100472aee86f08d0d55969ca5978e0d3367a20108666c6f707379031316e97557c316185895f293ff63440772750406c0a80110050600000014060600000002070600000001',
  '0201003815efbc7dab26cfa3dc34d9c03c8601a4060600000002070600000001' +
    '0806fffffffe0a06000000020d06000000010c06000005dc',
];
const SECRET = new TextEncoder().encode('fuzz');

/** An Access-Challenge with Message-Authenticator, EAP-Message, State and an MS-MPPE key, built by the codec. */
function challenge(): Uint8Array {
  const ra = new Uint8Array(16).fill(0xa5);
  return encodeSignedRadius(
    {
      code: RadiusCode.ACCESS_CHALLENGE,
      identifier: 42,
      authenticator: ra,
      attributes: [
        messageAuthenticatorPlaceholder(),
        ...eapMessageAttributes(fromHex('0107000901616263 64')),
        octetsAttribute(RadiusAttributeType.STATE, fromHex('5354415445')),
        ...mppeKeyAttributes({ send: new Uint8Array(32), recv: new Uint8Array(32) }, SECRET, ra, 7),
      ],
    },
    SECRET,
    ra,
  );
}

const packets = () => [...PACKETS_HEX.map(fromHex), challenge()];

export const targets: FuzzTarget[] = [
  {
    name: 'radius-packet',
    family: 'radius',
    // Decode, re-encode and decode again; also walk the EAP and Message-Authenticator readers over the input.
    decode: (b) => {
      const v = decodeRadius(b);
      const once = encodeRadius(v);
      if (!bytesEqual(encodeRadius(decodeRadius(once)), once)) throw new Error('RADIUS re-encoding is not stable');
      checkMessageAuthenticator(b, SECRET);
      reassembleEap(v);
      for (const a of v.attributes) if (a.kind === 'vendor-specific') parseVendorSubAttributes(a.data);
      return v;
    },
    seeds: packets,
  },
  {
    name: 'radius-mppe-key',
    family: 'radius',
    decode: (b) => decryptMppeKey(b, SECRET, new Uint8Array(16)),
    seeds: () => [encryptMppeKey(new Uint8Array(32).fill(9), SECRET, new Uint8Array(16), 0x1234)],
  },
];
