/**
 * RADIUS against independent decoders: tshark dissects what our encoder writes (attributes, EAP reassembled from
 * EAP-Message fragments, Vendor-Specific MS-MPPE keys) and validates every Response Authenticator with the shared
 * secret (`radius.validate_authenticator`). tshark 4.0 does not verify Message-Authenticator nor decrypt MPPE keys,
 * so Python's own hmac/hashlib (RFC 3579 §3.2, RFC 2548 §2.4.2, written from the RFCs in the script below) checks
 * those, in one process.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { fromHex, toHex } from '../../src/util/hex.ts';
import { Ipv4Address } from '../../src/util/ip-address.ts';
import { buildUdp4 } from '../../src/wire/ip/build.ts';
import {
  eapMessageAttributes,
  encodeSignedRadius,
  integerAttribute,
  messageAuthenticatorPlaceholder,
  mppeKeyAttributes,
  nasAddressAttribute,
  octetsAttribute,
  RadiusCode,
  RadiusAttributeType as T,
  textAttribute,
} from '../../src/wire/radius/index.ts';
import { findAll, findField, hasMalformed, tsharkDecode } from './tshark.ts';

const run = promisify(execFile);
const SECRET = 'oracle-secret';
const secret = new TextEncoder().encode(SECRET);
const RA = fromHex('a1a2a3a4a5a6a7a8a9aaabacadaeafb0');
const NAI = '0001010000000001@nai.epc.mnc001.mcc001.3gppnetwork.org';
const STATE = fromHex('5354415445000102');
const MSK = new Uint8Array(64).map((_, i) => (i * 13 + 5) & 255);

/** An EAP-Response/Identity padded to 300 octets by a long identity, so it needs two EAP-Message attributes. */
const longEap = (() => {
  const id = new TextEncoder().encode(NAI.repeat(6).slice(0, 295));
  const e = new Uint8Array(5 + id.length);
  e.set([2, 7, e.length >> 8, e.length & 255, 1]);
  e.set(id, 5);
  return e;
})();

const accessRequest = encodeSignedRadius(
  {
    code: RadiusCode.ACCESS_REQUEST,
    identifier: 42,
    authenticator: RA,
    attributes: [
      messageAuthenticatorPlaceholder(),
      textAttribute(T.USER_NAME, NAI),
      nasAddressAttribute('192.0.2.1'),
      nasAddressAttribute('2001:db8::1'),
      textAttribute(T.NAS_IDENTIFIER, 'dsmip-ha'),
      textAttribute(T.CALLING_STATION_ID, '198.51.100.7[4500]'),
      integerAttribute(T.SERVICE_TYPE, 2),
      integerAttribute(T.NAS_PORT_TYPE, 5),
      octetsAttribute(T.STATE, STATE),
      ...eapMessageAttributes(longEap),
    ],
  },
  secret,
);
const accessAccept = encodeSignedRadius(
  {
    code: RadiusCode.ACCESS_ACCEPT,
    identifier: 42,
    authenticator: new Uint8Array(16),
    attributes: [
      messageAuthenticatorPlaceholder(),
      ...eapMessageAttributes(Uint8Array.of(3, 7, 0, 4)),
      textAttribute(T.USER_NAME, NAI),
      integerAttribute(T.SESSION_TIMEOUT, 86400),
      octetsAttribute(T.CLASS, fromHex('c1a55e')),
      ...mppeKeyAttributes({ recv: MSK.subarray(0, 32), send: MSK.subarray(32) }, secret, RA, 0x1357),
    ],
  },
  secret,
  RA,
);

const udp = (payload: Uint8Array, sourcePort: number, destinationPort: number) =>
  buildUdp4({
    src: Ipv4Address.parse('127.0.0.1'),
    dst: Ipv4Address.parse('127.0.0.1'),
    sourcePort,
    destinationPort,
    payload,
  });

test('tshark decodes our Access-Request and Access-Accept and validates the Response Authenticator', async () => {
  const [req, acc] = await tsharkDecode(
    [udp(accessRequest, 40000, 1812), udp(accessAccept, 1812, 40000)],
    ['-o', `radius.shared_secret:${SECRET}`, '-o', 'radius.validate_authenticator:TRUE'],
  );
  assert.ok(req && acc);
  for (const l of [req, acc]) assert.equal(hasMalformed(l), false);
  const r = req.radius;
  assert.equal(findField(r, 'radius.code'), '1');
  assert.equal(findField(r, 'radius.id'), '42');
  assert.equal(findField(r, 'radius.User_Name'), NAI);
  assert.equal(findField(r, 'radius.NAS_IP_Address'), '192.0.2.1');
  assert.equal(findField(r, 'radius.NAS_IPv6_Address'), '2001:db8::1');
  assert.equal(findField(r, 'radius.NAS_Identifier'), 'dsmip-ha');
  assert.equal(findField(r, 'radius.Calling_Station_Id'), '198.51.100.7[4500]');
  assert.equal(findField(r, 'radius.Service_Type'), '2');
  assert.equal(findField(r, 'radius.NAS_Port_Type'), '5');
  assert.equal(String(findField(r, 'radius.State')).replaceAll(':', ''), toHex(STATE));
  // Two EAP-Message fragments, reassembled by tshark into one EAP-Response/Identity of 300 octets.
  assert.equal(findAll(r, 'radius.eap_fragment').length, 2);
  assert.equal(findField(r, 'eap.len'), String(longEap.length));
  assert.equal(findField(r, 'eap.identity'), new TextDecoder().decode(longEap.subarray(5)));

  const a = acc.radius;
  assert.equal(findField(a, 'radius.code'), '2');
  assert.equal(findField(a, 'radius.authenticator.valid'), '1');
  assert.equal(findField(a, 'radius.Session_Timeout'), '86400');
  assert.equal(findField(a, 'eap.code'), '3');
  assert.deepEqual(findAll(a, 'radius.avp.vendor_id'), ['311', '311']);
  assert.deepEqual(findAll(a, 'radius.avp.vendor_type'), ['16', '17']); // MS-MPPE-Send-Key, MS-MPPE-Recv-Key
  assert.equal(String(findField(a, 'radius.MS_MPPE_Send_Key')).replaceAll(':', '').length, 2 * 50);
});

/** Python from the RFCs: HMAC-MD5 Message-Authenticator (RFC 3579 §3.2) and MS-MPPE decryption (RFC 2548 §2.4.2). */
const PYTHON = `
import hmac, hashlib, sys
secret = sys.argv[1].encode()
def attrs(p):
    i, out = 20, []
    while i < len(p):
        t, l = p[i], p[i+1]; out.append((t, i, p[i+2:i+l])); i += l
    return out
def ma_ok(p, auth):
    z = bytearray(p)
    for t, i, v in attrs(p):
        if t == 80: z[i+2:i+18] = bytes(16); mac = v
    z[4:20] = auth
    return hmac.new(secret, bytes(z), hashlib.md5).digest() == mac
def mppe(v, ra):
    salt, c, prev, out = v[:2], v[2:], ra + v[:2], b''
    for k in range(0, len(c), 16):
        b = hashlib.md5(secret + prev).digest()
        out += bytes(x ^ y for x, y in zip(c[k:k+16], b)); prev = c[k:k+16]
    return out[1:1+out[0]]
req, acc = bytes.fromhex(sys.argv[2]), bytes.fromhex(sys.argv[3])
print(ma_ok(req, req[4:20]), ma_ok(acc, req[4:20]))
keys = {}
for t, i, v in attrs(acc):
    if t == 26 and int.from_bytes(v[:4], 'big') == 311: keys[v[4]] = mppe(v[6:], req[4:20])
print(keys[17].hex() + keys[16].hex())
`;

test('Python from the RFCs verifies our Message-Authenticators and decrypts the MSK as Recv-Key ‖ Send-Key', async () => {
  const { stdout } = await run('/usr/bin/python3', ['-c', PYTHON, SECRET, toHex(accessRequest), toHex(accessAccept)]);
  const [ma, msk] = stdout.trim().split('\n');
  assert.equal(ma, 'True True');
  assert.equal(msk, toHex(MSK));
});
