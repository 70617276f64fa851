import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ikeSasOfEvent } from './commands.ts';
import { decodeViciMessage, encodeViciMessage } from './message.ts';
import { viciMessageFrom } from './tree.ts';

// A list-sa event as charon 5.9.8 sends it (README "list-sa"), with one CHILD_SA.
const LIST_SA = viciMessageFrom({
  ue: {
    uniqueid: '3',
    version: '2',
    state: 'ESTABLISHED',
    'local-host': '127.0.0.1',
    'local-id': '0001010123456789@nai.epc.mnc001.mcc001.3gppnetwork.org',
    'remote-host': '127.0.0.1',
    'remote-id': 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org',
    initiator: 'yes',
    'initiator-spi': '8b518f5c77ba5b16',
    'responder-spi': '10d116c9e5f2f0c9',
    'encr-alg': 'AES_CBC',
    'encr-keysize': '128',
    'integ-alg': 'HMAC_SHA2_256_128',
    'prf-alg': 'PRF_HMAC_SHA2_256',
    'dh-group': 'CURVE_25519',
    'local-vips': ['2001:db8:1:2::1'],
    'remote-vips': [],
    'child-sas': {
      'mh-1': {
        name: 'mh',
        uniqueid: '1',
        state: 'INSTALLED',
        mode: 'TUNNEL',
        protocol: 'ESP',
        encap: 'yes',
        'spi-in': '613c6138',
        'spi-out': '53e889a9',
        'local-ts': ['2001:db8:1:2::1/128[mobility-header]'],
        'remote-ts': ['127.0.0.1/32[mobility-header]'],
      },
    },
  },
});

test('a list-sa event reads as typed IKE_SA and CHILD_SA records', () => {
  const [sa, ...rest] = ikeSasOfEvent(decodeViciMessage(encodeViciMessage(LIST_SA)));
  assert.equal(rest.length, 0);
  assert.ok(sa);
  const { raw, childSas, ...fields } = sa;
  assert.deepEqual(fields, {
    name: 'ue',
    uniqueId: '3',
    state: 'ESTABLISHED',
    initiator: true,
    localHost: '127.0.0.1',
    remoteHost: '127.0.0.1',
    localId: '0001010123456789@nai.epc.mnc001.mcc001.3gppnetwork.org',
    remoteId: 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org',
    remoteEapId: undefined,
    initiatorSpi: '8b518f5c77ba5b16',
    responderSpi: '10d116c9e5f2f0c9',
    encrAlg: 'AES_CBC',
    encrKeysize: '128',
    integAlg: 'HMAC_SHA2_256_128',
    prfAlg: 'PRF_HMAC_SHA2_256',
    dhGroup: 'CURVE_25519',
    localVips: ['2001:db8:1:2::1'],
    remoteVips: [],
  });
  assert.equal(raw.version, '2');
  assert.equal(childSas.length, 1);
  const { raw: childRaw, ...child } = childSas[0]!;
  assert.deepEqual(child, {
    name: 'mh',
    uniqueId: '1',
    state: 'INSTALLED',
    mode: 'TUNNEL',
    protocol: 'ESP',
    encapsulated: true,
    spiIn: '613c6138',
    spiOut: '53e889a9',
    localTs: ['2001:db8:1:2::1/128[mobility-header]'],
    remoteTs: ['127.0.0.1/32[mobility-header]'],
  });
  assert.equal(childRaw.uniqueid, '1');
});

test('an ike-updown event (up = yes beside the SA section) gives just the SA; missing keys read as empty', () => {
  const sas = ikeSasOfEvent(viciMessageFrom({ up: 'yes', ha: { state: 'ESTABLISHED' } }));
  assert.equal(sas.length, 1);
  assert.equal(sas[0]?.name, 'ha');
  assert.equal(sas[0]?.initiator, false);
  assert.deepEqual(sas[0]?.childSas, []);
  assert.deepEqual(sas[0]?.localVips, []);
  assert.equal(sas[0]?.encrAlg, undefined);
});
