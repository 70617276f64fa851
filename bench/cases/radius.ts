/**
 * RADIUS costs: decoding an Access-Request with EAP, encoding and signing an Access-Challenge (Message-Authenticator
 * + Response Authenticator), checking both on receipt, decrypting the two MS-MPPE keys; and whole EAP-AKA attaches
 * through the RADIUS client and server cores in one process (two Access-Request rounds each, no sockets).
 */
import { RadiusClient } from '../../src/aaa/radius-client.ts';
import { RadiusServer } from '../../src/aaa/radius-server.ts';
import { initialUsimSqnState } from '../../src/crypto/index.ts';
import { IMSI, ROOT_NAI, SET1, seededRandom, set1Store } from '../../src/eap/aka-test-support.ts';
import { eapAkaPeerFactory, eapAkaServerFactory } from '../../src/node/ike/eap-adapters.ts';
import {
  checkMessageAuthenticator,
  decodeRadius,
  eapMessageAttributes,
  encodeSignedRadius,
  findMppeKeys,
  messageAuthenticatorPlaceholder,
  mppeKeyAttributes,
  octetsAttribute,
  RadiusAttributeType,
  textAttribute,
  verifyResponseAuthenticator,
} from '../../src/wire/radius/index.ts';
import type { Bench } from '../harness.ts';

const SECRET = new TextEncoder().encode('bench-secret');
const RA = new Uint8Array(16).fill(0x42);
const EAP = new Uint8Array(68).fill(0x17);
EAP.set([1, 5, 0, 68, 23]);

const request = encodeSignedRadius(
  {
    code: 1,
    identifier: 1,
    authenticator: RA,
    attributes: [
      messageAuthenticatorPlaceholder(),
      textAttribute(RadiusAttributeType.USER_NAME, ROOT_NAI),
      textAttribute(RadiusAttributeType.NAS_IDENTIFIER, 'dsmip-ha'),
      textAttribute(RadiusAttributeType.CALLING_STATION_ID, '198.51.100.7[4500]'),
      octetsAttribute(RadiusAttributeType.STATE, new Uint8Array(16)),
      ...eapMessageAttributes(EAP),
    ],
  },
  SECRET,
);
const challenge = {
  code: 11,
  identifier: 1,
  authenticator: new Uint8Array(16),
  attributes: [
    messageAuthenticatorPlaceholder(),
    ...eapMessageAttributes(EAP),
    octetsAttribute(RadiusAttributeType.STATE, new Uint8Array(16)),
  ],
};
const challengeBytes = encodeSignedRadius(challenge, SECRET, RA);
const accept = decodeRadius(
  encodeSignedRadius(
    {
      code: 2,
      identifier: 1,
      authenticator: new Uint8Array(16),
      attributes: mppeKeyAttributes({ send: new Uint8Array(32), recv: new Uint8Array(32) }, SECRET, RA, 77),
    },
    SECRET,
    RA,
  ),
);

/** One EAP-AKA attach through both cores: Identity → Access-Challenge(AKA-Challenge) → Access-Accept. */
function coreAttach(): () => void {
  const random = seededRandom(5);
  const server = new RadiusServer({
    clients: [{ address: 'nas', secret: SECRET }],
    eapServerFactory: eapAkaServerFactory({ store: set1Store(), random, requestIdentity: false }),
    random,
  });
  const client = new RadiusClient({ servers: [{ address: 'aaa', secret: SECRET }], random });
  const makePeer = eapAkaPeerFactory({
    imsi: IMSI,
    mcc: '001',
    mnc: '01',
    k: SET1.k,
    opc: SET1.opc,
    usimSqnState: initialUsimSqnState(),
  });
  const id = new TextEncoder().encode(ROOT_NAI);
  let n = 0;
  const round = (key: string, eap: Uint8Array) => {
    client.startRound(0, { sessionKey: key, identity: ROOT_NAI, eap, deadlineMs: 10_000 });
    const t = client.pollTransmit()!;
    server.handleDatagram(0, { address: 'nas', port: 1 }, t.bytes);
    client.handleDatagram(0, 0, server.pollTransmit()!.bytes);
    for (let e = client.pollEvent(); e; e = client.pollEvent()) if (e.kind === 'outcome') return e.outcome;
    throw new Error('no outcome');
  };
  return () => {
    const key = `s${n++}`;
    const peer = makePeer();
    const first = round(key, Uint8Array.of(2, 0, 0, 5 + id.length, 1, ...id));
    if (first.kind !== 'continue') throw new Error('expected a challenge');
    const last = round(key, peer.handle(first.eap).response!);
    if (last.kind !== 'success') throw new Error(`attach failed: ${last.kind}`);
    for (let e = server.pollEvent(); e; e = server.pollEvent());
  };
}

export const benches: Bench[] = [
  { name: 'radius-codec-decode', unit: 'packets/s', run: () => void decodeRadius(request) },
  { name: 'radius-codec-encode-signed', unit: 'packets/s', run: () => void encodeSignedRadius(challenge, SECRET, RA) },
  {
    name: 'radius-codec-verify',
    unit: 'packets/s',
    run: () => {
      if (!verifyResponseAuthenticator(challengeBytes, RA, SECRET)) throw new Error('bad');
      if (checkMessageAuthenticator(challengeBytes, SECRET, RA) !== 'ok') throw new Error('bad');
    },
  },
  { name: 'radius-mppe-decrypt', unit: 'accepts/s', run: () => void findMppeKeys(accept, SECRET, RA) },
  { name: 'radius-aka-attach-cores', unit: 'attaches/s', run: coreAttach() },
];
