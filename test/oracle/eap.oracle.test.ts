/**
 * EAP / EAP-AKA against independent decoders and encoders.
 * - tshark decodes what our encoder writes, carried in EAPOL frames (IEEE 802.1X, ethertype 0x888e) on Ethernet,
 *   since tshark has no raw-IP path to EAP; one tshark process for all packets.
 * - scapy 2.5 builds EAP packets (it has no EAP-AKA attribute classes, so AKA Type-Data is a Raw payload packed
 *   from the RFC 4187 §10 layouts with struct) and ours decodes them; one python process.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { LINKTYPE_ETHERNET, writePcap } from '../../src/obs/pcap.ts';
import { fromHex, toHex } from '../../src/util/hex.ts';
import { Writer } from '../../src/util/writer.ts';
import { findAkaAttribute } from '../../src/wire/eap/aka.ts';
import type { AkaAttribute } from '../../src/wire/eap/aka-attributes.ts';
import { AkaSubtype } from '../../src/wire/eap/constants.ts';
import { decodeEap, type EapPacket, encodeEap } from '../../src/wire/eap/eap.ts';
import { runScapy, SCAPY_PRELUDE } from './scapy.ts';
import { findAll, findField, hasMalformed, type TsharkLayers } from './tshark.ts';

const run = promisify(execFile);
const ascii = (s: string) => new TextEncoder().encode(s);
const colonHex = (b: Uint8Array) => toHex(b).replace(/(..)(?!$)/g, '$1:');

/** Ethernet II + EAPOL (version 2, type 0 = EAP-Packet, body length) around one EAP packet. */
function eapolFrame(eap: Uint8Array): Uint8Array {
  const w = Writer.alloc(14 + 4 + eap.length);
  w.bytes(fromHex('0180c2000003')).bytes(fromHex('020000000001')).u16(0x888e);
  w.u8(2).u8(0).u16(eap.length).bytes(eap);
  return w.finish();
}

/** Same invocation as test/oracle/tshark.ts (`-T json --no-duplicate-keys`), but for an Ethernet pcap. */
async function tsharkDecodeEthernet(frames: readonly Uint8Array[]): Promise<TsharkLayers[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-tshark-eap-'));
  try {
    const file = join(dir, 'in.pcap');
    writeFileSync(file, writePcap(frames, LINKTYPE_ETHERNET));
    const { stdout } = await run('tshark', ['-n', '-r', file, '-T', 'json', '--no-duplicate-keys'], {
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, WIRESHARK_CONFIG_DIR: dir },
    });
    const parsed = JSON.parse(stdout) as { _source: { layers: TsharkLayers } }[];
    assert.equal(parsed.length, frames.length);
    return parsed.map((p) => p._source.layers);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const NAI = '0001010000000001@nai.epc.mnc001.mcc001.3gppnetwork.org';
const RAND = fromHex('23553cbe9637a89d218ae64dae47bf35');
const AUTN = fromHex('55f328b43577b9b94a9ffac354dfafb3');
const MAC = fromHex('7545b30207848f6930d89d728fc1f54c');
const RES = fromHex('a54211d5e3ba50bf');
const AUTS = fromHex('0102030405060708090a0b0c0d0e');

/** [attribute type, Length in 4-byte units, tshark field, expected tshark value]. */
type AttrExpect = [number, number, string, string];
const value = (type: number, len: number, hex: string): AttrExpect => [
  type,
  len,
  'eap.aka.subtype.value',
  colonHex(fromHex(hex)),
];

interface Case {
  readonly name: string;
  readonly packet: EapPacket;
  readonly attrs?: readonly AttrExpect[];
}

const aka = (
  kind: 'request' | 'response',
  identifier: number,
  subtype: number,
  attributes: AkaAttribute[],
  type: 23 | 50 = 23,
): EapPacket => ({ kind, identifier, body: { kind: 'aka', type, subtype, attributes } });

const CASES: Case[] = [
  {
    name: 'Request/Identity',
    packet: { kind: 'request', identifier: 1, body: { kind: 'identity', identity: new Uint8Array(0) } },
  },
  {
    name: 'Response/Identity',
    packet: { kind: 'response', identifier: 1, body: { kind: 'identity', identity: ascii(NAI) } },
  },
  {
    name: 'Request/AKA-Identity',
    packet: aka('request', 2, AkaSubtype.IDENTITY, [{ kind: 'any-id-req' }]),
    attrs: [value(13, 1, '0000')],
  },
  {
    name: 'Response/AKA-Identity',
    packet: aka('response', 2, AkaSubtype.IDENTITY, [{ kind: 'identity', identity: ascii(NAI) }]),
    attrs: [[14, 15, 'eap.identity', NAI]],
  },
  {
    name: 'Request/AKA-Challenge',
    packet: aka('request', 3, AkaSubtype.CHALLENGE, [
      { kind: 'rand', rand: RAND },
      { kind: 'autn', autn: AUTN },
      { kind: 'result-ind' },
      { kind: 'checkcode', checkcode: new Uint8Array(0) },
      { kind: 'bidding', prefersAkaPrime: true },
      { kind: 'mac', mac: MAC },
    ]),
    attrs: [
      value(1, 5, `0000${toHex(RAND)}`),
      value(2, 5, `0000${toHex(AUTN)}`),
      value(135, 1, '0000'),
      value(134, 1, '0000'),
      value(136, 1, '8000'),
      value(11, 5, `0000${toHex(MAC)}`),
    ],
  },
  {
    name: 'Response/AKA-Challenge',
    packet: aka('response', 3, AkaSubtype.CHALLENGE, [
      { kind: 'res', resLengthBits: 64, res: RES },
      { kind: 'checkcode', checkcode: fromHex(`${'00'.repeat(19)}01`) },
      { kind: 'mac', mac: MAC },
    ]),
    attrs: [
      value(3, 3, `0040${toHex(RES)}`),
      value(134, 6, `0000${'00'.repeat(19)}01`),
      value(11, 5, `0000${toHex(MAC)}`),
    ],
  },
  {
    name: 'Response/AKA-Synchronization-Failure',
    packet: aka('response', 4, AkaSubtype.SYNCHRONIZATION_FAILURE, [{ kind: 'auts', auts: AUTS }]),
    attrs: [value(4, 4, toHex(AUTS))],
  },
  { name: 'Response/AKA-Authentication-Reject', packet: aka('response', 5, AkaSubtype.AUTHENTICATION_REJECT, []) },
  {
    name: 'Response/AKA-Client-Error',
    packet: aka('response', 6, AkaSubtype.CLIENT_ERROR, [{ kind: 'client-error-code', clientErrorCode: 0 }]),
    attrs: [[22, 1, 'eap.aka.error_code', '0']],
  },
  {
    name: 'Request/AKA-Notification',
    packet: aka('request', 7, AkaSubtype.NOTIFICATION, [{ kind: 'notification', code: 1031 }]),
    attrs: [[12, 1, 'eap.aka.notification_type', '1031']],
  },
  {
    name: "Request/AKA'-Challenge",
    packet: aka(
      'request',
      8,
      AkaSubtype.CHALLENGE,
      [
        { kind: 'rand', rand: RAND },
        { kind: 'kdf-input', networkName: ascii('WLAN') },
        { kind: 'kdf', kdf: 1 },
        { kind: 'iv', iv: RAND },
        { kind: 'encr-data', encryptedData: AUTN },
        { kind: 'unknown', type: 200, data: fromHex('beef') },
      ],
      50,
    ),
    attrs: [
      value(1, 5, `0000${toHex(RAND)}`),
      value(23, 2, '0004574c414e'),
      value(24, 1, '0001'),
      value(129, 5, `0000${toHex(RAND)}`),
      value(130, 5, `0000${toHex(AUTN)}`),
      value(200, 1, 'beef'),
    ],
  },
  {
    name: 'Request/Notification',
    packet: { kind: 'request', identifier: 9, body: { kind: 'notification', message: ascii('Password expires') } },
  },
  { name: 'Response/Nak', packet: { kind: 'response', identifier: 10, body: { kind: 'nak', desiredTypes: [50] } } },
  { name: 'Success', packet: { kind: 'success', identifier: 11 } },
  { name: 'Failure', packet: { kind: 'failure', identifier: 12 } },
];

const CODE = { request: '1', response: '2', success: '3', failure: '4' } as const;

test('tshark decodes every EAP / EAP-AKA packet we encode, field by field', async () => {
  const encoded = CASES.map((c) => encodeEap(c.packet));
  const layers = await tsharkDecodeEthernet(encoded.map(eapolFrame));
  CASES.forEach((c, i) => {
    const l = layers[i]!;
    const eap = l.eap as Record<string, unknown> | undefined;
    assert.ok(eap, `${c.name}: no eap layer`);
    assert.ok(!hasMalformed(l), `${c.name}: tshark flagged it malformed`);
    const p = c.packet;
    assert.equal(eap['eap.code'], CODE[p.kind], c.name);
    assert.equal(eap['eap.id'], String(p.identifier), c.name);
    assert.equal(eap['eap.len'], String(encoded[i]!.length), c.name);
    if (p.kind === 'success' || p.kind === 'failure') {
      assert.equal(eap['eap.type'], undefined, `${c.name}: Success/Failure carry no Type`);
      return;
    }
    const b = p.body;
    switch (b.kind) {
      case 'identity':
        assert.equal(eap['eap.type'], '1');
        if (b.identity.length) assert.equal(eap['eap.identity'], NAI);
        return;
      case 'notification':
        assert.equal(eap['eap.type'], '2');
        assert.equal(eap['eap.notification'], 'Password expires');
        return;
      case 'nak':
        assert.equal(eap['eap.type'], '3');
        assert.deepEqual(findAll(eap, 'eap.desired_type'), b.desiredTypes.map(String));
        return;
      case 'aka': {
        assert.equal(eap['eap.type'], String(b.type), c.name);
        assert.equal(eap['eap.aka.subtype'], String(b.subtype), c.name);
        const got = findAll(eap, 'eap.aka.subtype.attribute') as Record<string, unknown>[];
        const want = c.attrs ?? [];
        assert.equal(got.length, want.length, `${c.name}: attribute count`);
        want.forEach(([type, len, field, v], k) => {
          const a = got[k]!;
          assert.equal(a['eap.aka.subtype.type'], String(type), `${c.name} attribute ${k} type`);
          assert.equal(a['eap.aka.subtype.len'], String(len), `${c.name} attribute ${k} length`);
          assert.equal(findField(a, field), v, `${c.name} attribute ${k} ${field}`);
        });
        return;
      }
      case 'unknown':
        assert.fail(`${c.name}: no unknown bodies in this table`);
    }
  });
});

interface ScapyPacket {
  name: string;
  hex: string;
}

const SCAPY_PROGRAM = `${SCAPY_PRELUDE}
import struct
from scapy.layers.eap import EAP
NAI = b'${NAI}'
RAND = bytes.fromhex('${toHex(RAND)}')
AUTN = bytes.fromhex('${toHex(AUTN)}')
MAC = bytes.fromhex('${toHex(MAC)}')
RES = bytes.fromhex('${toHex(RES)}')
AUTS = bytes.fromhex('${toHex(AUTS)}')
def attr(t, value):
    assert (len(value) + 2) % 4 == 0
    return struct.pack('!BB', t, (len(value) + 2) // 4) + value
def aka(subtype, *attrs):
    return struct.pack('!BH', subtype, 0) + b''.join(attrs)
emit('identity-response', EAP(code=2, id=20, type=1, identity=NAI))
emit('identity-request', EAP(code=1, id=21, type=1))
emit('nak', EAP(code=2, id=22, type=3, desired_auth_types=[23, 50]))
emit('success', EAP(code=3, id=23))
emit('failure', EAP(code=4, id=24))
emit('notification', EAP(code=1, id=25, type=2) / Raw(b'Hello'))
emit('aka-identity-request', EAP(code=1, id=26, type=23) / Raw(aka(5, attr(10, b'\\0\\0'))))
ident = struct.pack('!H', len(NAI)) + NAI + b'\\0' * ((-(len(NAI) + 4)) % 4)
emit('aka-identity-response', EAP(code=2, id=26, type=23) / Raw(aka(5, attr(14, ident))))
emit('aka-challenge-request', EAP(code=1, id=27, type=23) / Raw(aka(1, attr(1, b'\\0\\0' + RAND), attr(2, b'\\0\\0' + AUTN), attr(11, b'\\0\\0' + MAC))))
emit('aka-challenge-response', EAP(code=2, id=27, type=23) / Raw(aka(1, attr(3, struct.pack('!H', 64) + RES), attr(11, b'\\0\\0' + MAC))))
emit('aka-sync-failure', EAP(code=2, id=28, type=23) / Raw(aka(4, attr(4, AUTS))))
emit('aka-auth-reject', EAP(code=2, id=29, type=23) / Raw(aka(2)))
emit('aka-client-error', EAP(code=2, id=30, type=23) / Raw(aka(14, attr(22, struct.pack('!H', 0)))))
emit('aka-notification', EAP(code=1, id=31, type=23) / Raw(aka(12, attr(12, struct.pack('!H', 16384)))))
emit('aka-prime-challenge', EAP(code=1, id=32, type=50) / Raw(aka(1, attr(1, b'\\0\\0' + RAND), attr(23, struct.pack('!H', 4) + b'WLAN'), attr(24, struct.pack('!H', 1)), attr(136, struct.pack('!H', 0x8000)))))
`;

test('ours decodes what scapy builds, field by field', async () => {
  const got = await runScapy<ScapyPacket>(SCAPY_PROGRAM);
  const byName = new Map(got.map((p) => [p.name, decodeEap(fromHex(p.hex))]));
  const body = (name: string) => {
    const p = byName.get(name);
    assert.ok(p && (p.kind === 'request' || p.kind === 'response'), name);
    return { p, b: p.body };
  };
  assert.equal(got.length, 15);
  {
    const { p, b } = body('identity-response');
    assert.deepEqual([p.kind, p.identifier], ['response', 20]);
    assert.deepEqual(b, { kind: 'identity', identity: ascii(NAI) });
  }
  assert.deepEqual(body('identity-request').b, { kind: 'identity', identity: new Uint8Array(0) });
  assert.deepEqual(body('nak').b, { kind: 'nak', desiredTypes: [23, 50] });
  assert.deepEqual(byName.get('success'), { kind: 'success', identifier: 23 });
  assert.deepEqual(byName.get('failure'), { kind: 'failure', identifier: 24 });
  assert.deepEqual(body('notification').b, { kind: 'notification', message: ascii('Hello') });
  const akaBody = (name: string, subtype: number, type = 23) => {
    const { b } = body(name);
    assert.ok(b.kind === 'aka', name);
    assert.equal(b.type, type, name);
    assert.equal(b.subtype, subtype, name);
    return b.attributes;
  };
  assert.deepEqual(akaBody('aka-identity-request', AkaSubtype.IDENTITY), [{ kind: 'permanent-id-req' }]);
  assert.deepEqual(akaBody('aka-identity-response', AkaSubtype.IDENTITY), [{ kind: 'identity', identity: ascii(NAI) }]);
  assert.deepEqual(akaBody('aka-challenge-request', AkaSubtype.CHALLENGE), [
    { kind: 'rand', rand: RAND },
    { kind: 'autn', autn: AUTN },
    { kind: 'mac', mac: MAC },
  ]);
  const response = akaBody('aka-challenge-response', AkaSubtype.CHALLENGE);
  assert.deepEqual(findAkaAttribute(response, 'res'), { kind: 'res', resLengthBits: 64, res: RES });
  assert.deepEqual(findAkaAttribute(response, 'mac')?.mac, MAC);
  assert.deepEqual(akaBody('aka-sync-failure', AkaSubtype.SYNCHRONIZATION_FAILURE), [{ kind: 'auts', auts: AUTS }]);
  assert.deepEqual(akaBody('aka-auth-reject', AkaSubtype.AUTHENTICATION_REJECT), []);
  assert.deepEqual(akaBody('aka-client-error', AkaSubtype.CLIENT_ERROR), [
    { kind: 'client-error-code', clientErrorCode: 0 },
  ]);
  assert.deepEqual(akaBody('aka-notification', AkaSubtype.NOTIFICATION), [{ kind: 'notification', code: 16384 }]);
  assert.deepEqual(akaBody('aka-prime-challenge', AkaSubtype.CHALLENGE, 50), [
    { kind: 'rand', rand: RAND },
    { kind: 'kdf-input', networkName: ascii('WLAN') },
    { kind: 'kdf', kdf: 1 },
    { kind: 'bidding', prefersAkaPrime: true },
  ]);
  // Every scapy packet re-encodes byte for byte.
  for (const p of got) assert.equal(toHex(encodeEap(decodeEap(fromHex(p.hex)))), p.hex, p.name);
});
