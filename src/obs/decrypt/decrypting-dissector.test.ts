/**
 * The dissector (src/wire/dissect) with a key log behind it: where the decryption node and the decrypted layers
 * go, what a failure looks like, and that no input makes it throw anything but a recorded WireError.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { attachPackets } from '../../../test/fixtures/attach-packets.ts';
import { WireError } from '../../util/errors.ts';
import { concatBytes, fromHex } from '../../util/hex.ts';
import { dissect } from '../../wire/dissect/dissect.ts';
import type { DecodedLayer, Dissection } from '../../wire/dissect/dissection.ts';
import { buildEspPlaintext } from '../../wire/esp/esp.ts';
import { encodeIkeMessage, encodeIkePayloads } from '../../wire/ike/message.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { parseEspSaFile } from './esp-sa-table.ts';
import { parseIkev2DecryptionTable } from './ikev2-table.ts';
import { KeyLogDecryptor } from './key-log-decryptor.ts';
import {
  BU_MH,
  buInUdp4191,
  EAP_AKA_CHALLENGE_RESPONSE,
  espInUdp4500,
  IKE_AUTH_HEADER,
  IKE_AUTH_PAYLOADS,
  ikeInUdp500,
  sealedEsp,
  sealedIke,
} from './test-fixtures.ts';

const ike = sealedIke('cbc256-sha256');
const bu = sealedEsp('gcm128', IpProtocol.MH, BU_MH);
const sample = (name: string) => attachPackets().find((s) => s.name === name)!.bytes;
const dhcpv6Inner = sample('dhcpv6-in-tunnel').subarray(28); // IPv6 / UDP / DHCPv6 Information-request
const tunnel = sealedEsp('cbc128-sha256', IpProtocol.IPV6, dhcpv6Inner, { spi: 0xc0ffee02, mode: 'tunnel' });
// NULL encryption and no ICV: every mutation reaches the plaintext walk.
const NULL_SA = '"IPv4","*","*","0x00000abc","NULL","","NULL",""';
const NULL_IKE = '0102030405060708,1112131415161718,,,"NULL [RFC2410]",,,"NONE [RFC4306]"';
const keys = new KeyLogDecryptor(
  parseEspSaFile([bu.keyLine, tunnel.keyLine.replace('"IPv6"', '"IPv4"'), NULL_SA].join('\n'), 'esp_sa'),
  parseIkev2DecryptionTable(ike.keyLine, 'ikev2_decryption_table'),
);
const nullKeys = new KeyLogDecryptor(
  parseEspSaFile(NULL_SA, 'esp_sa'),
  parseIkev2DecryptionTable(NULL_IKE, 'ikev2_decryption_table'),
);

const names = (d: Dissection | undefined) => d?.layers.map((l) => l.layer);
const layer = (d: Dissection, name: string): DecodedLayer => d.layers.find((l) => l.layer === name)!;
const decryptionOf = (fields: unknown) => (fields as { decryption: Record<string, unknown> }).decryption;
const skNode = (ikeLayer: DecodedLayer) =>
  (ikeLayer.fields as { payloads: Record<string, unknown>[] }).payloads.at(-1)!;

test('IKE_AUTH: the SK node says decrypted; IDi, EAP-AKA and CP are dissected below the IKE layer', () => {
  const d = dissect(ikeInUdp500(ike.message), 'ip', 101, { decryptor: keys });
  assert.equal(d.error, undefined);
  assert.deepEqual(names(d), ['ipv4', 'udp', 'ike']);
  const l = layer(d, 'ike');
  assert.deepEqual(decryptionOf(skNode(l)), {
    status: 'decrypted',
    encryption: 'AES-CBC-256 [RFC3602]',
    integrity: 'HMAC_SHA2_256_128 [RFC4868]',
    icv: 'verified',
  });
  assert.deepEqual(names(l.decrypted), ['sk-payloads', 'eap']);
  const inner = l.decrypted!.layers[0]!.fields as { padLength: number; payloads: { type: number; kind: string }[] };
  assert.deepEqual(
    inner.payloads.map((p) => [p.type, p.kind]),
    [
      [35, 'idi'],
      [48, 'eap'],
      [47, 'cp'],
    ],
  );
  assert.deepEqual(
    (inner.payloads[2] as unknown as { attributes: { type: number }[] }).attributes.map((a) => a.type),
    [16, 10],
  );
  const eap = l.decrypted!.layers[1]!;
  assert.equal(eap.length, EAP_AKA_CHALLENGE_RESPONSE.length);
  const body = (eap.fields as { body: { subtype: number; attributes: { type: number; kind: string }[] } }).body;
  assert.equal(body.subtype, 1);
  assert.deepEqual(
    body.attributes.map((a) => [a.type, a.kind]),
    [
      [3, 'res'],
      [11, 'mac'],
    ],
  );
});

test('a wrong ICV is an "integrity check failed" node, no decrypted layers and no error', () => {
  const bad = ikeInUdp500(ike.message);
  bad[bad.length - 1]! ^= 1;
  const d = dissect(bad, 'ip', 101, { decryptor: keys });
  assert.equal(d.error, undefined);
  const l = layer(d, 'ike');
  assert.equal(decryptionOf(skNode(l)).status, 'integrity check failed');
  assert.equal(l.decrypted, undefined);
  const badEsp = buInUdp4191(bu.packet);
  badEsp[badEsp.length - 3]! ^= 4;
  assert.equal(
    decryptionOf(layer(dissect(badEsp, 'ip', 101, { decryptor: keys }), 'esp').fields).status,
    'integrity check failed',
  );
});

test('without a matching key: a "no key" node; without a decryptor: no node at all (output as before)', () => {
  const other = sealedIke('gcm256', { ...IKE_AUTH_HEADER, responderSpi: fromHex('aaaaaaaaaaaaaaaa') });
  const d = dissect(ikeInUdp500(other.message), 'ip', 101, { decryptor: keys });
  assert.deepEqual(decryptionOf(skNode(layer(d, 'ike'))), {
    status: 'no key',
    detail: 'no ikev2_decryption_table line for SPIs 0102030405060708/aaaaaaaaaaaaaaaa',
  });
  const plain = dissect(ikeInUdp500(ike.message));
  assert.equal('decryption' in skNode(layer(plain, 'ike')), false);
  assert.equal(layer(plain, 'ike').decrypted, undefined);
  assert.equal('decryption' in (layer(dissect(buInUdp4191(bu.packet)), 'esp').fields as object), false);
});

test('ESP transport mode: the BU inside, its MH checksum checked against the IPv6 header around ESP', () => {
  const d = dissect(buInUdp4191(bu.packet), 'ip', 101, { decryptor: keys });
  assert.deepEqual(names(d), ['ipv4', 'udp', 'ipv6', 'esp']);
  const esp = layer(d, 'esp');
  assert.deepEqual(decryptionOf(esp.fields), {
    status: 'decrypted',
    encryption: 'AES-GCM with 16 octet ICV [RFC4106]',
    integrity: 'GCM tag (16 octets)',
    icv: 'verified',
    nextHeader: 135,
    padLength: 2,
    paddingMonotonic: true,
  });
  assert.deepEqual(names(esp.decrypted), ['mh']);
  const mh = esp.decrypted!.layers[0]!;
  assert.deepEqual([mh.offset, mh.length], [0, BU_MH.length]);
  const f = mh.fields as { kind: string; sequence: number; checksumValid: boolean };
  assert.deepEqual([f.kind, f.sequence, f.checksumValid], ['binding-update', 3002, true]);
});

test('ESP tunnel mode in UDP 4500: the inner IPv6 / UDP / DHCPv6 packet', () => {
  const d = dissect(espInUdp4500(tunnel.packet), 'ip', 101, { decryptor: keys });
  assert.equal(d.error, undefined);
  assert.deepEqual(names(d), ['ipv4', 'udp', 'esp']);
  const esp = layer(d, 'esp');
  assert.equal(decryptionOf(esp.fields).nextHeader, 41);
  assert.deepEqual(names(esp.decrypted), ['ipv6', 'udp', 'dhcpv6']);
  assert.equal((esp.decrypted!.layers[1]!.fields as { checksumValid: boolean }).checksumValid, true);
});

test('bare ESP and IKE (--layer esp / ike): matched on SPIs alone, MH shown without a checksum verdict', () => {
  const esp = dissect(bu.packet, 'esp', 101, { decryptor: keys });
  assert.deepEqual(names(layer(esp, 'esp').decrypted), ['mh']);
  assert.equal('checksumValid' in (layer(esp, 'esp').decrypted!.layers[0]!.fields as object), false);
  assert.deepEqual(names(layer(dissect(ike.message, 'ike', 101, { decryptor: keys }), 'ike').decrypted), [
    'sk-payloads',
    'eap',
  ]);
});

function nullEsp(plaintext: Uint8Array): Uint8Array {
  return espInUdp4500(concatBytes([fromHex('00000abc00000001'), plaintext]));
}

test('decrypted but malformed inside: the error is in the decrypted dissection, offsets within the plaintext', () => {
  // Pad Length 9 in a 4-byte plaintext (RFC 4303 §2.4).
  const d = dissect(nullEsp(fromHex('0000 09 3b')), 'ip', 101, { decryptor: nullKeys });
  assert.equal(d.error, undefined);
  const inner = layer(d, 'esp').decrypted!;
  assert.ok(inner.error instanceof WireError);
  assert.deepEqual([inner.error.code, inner.error.offset], ['BAD_LENGTH', 2]);
  // A truncated BU behind valid padding (a bare ESP packet: MH needs no IPv6 header then).
  const truncated = concatBytes([
    fromHex('00000abc00000001'),
    buildEspPlaintext(BU_MH.subarray(0, 10), IpProtocol.MH, 4),
  ]);
  const cut = dissect(truncated, 'esp', 101, { decryptor: nullKeys });
  assert.equal(layer(cut, 'esp').decrypted!.error?.layer, 'mh');
});

test('Next Header 59 (a dummy packet, RFC 4303 §2.6) decrypts to nothing', () => {
  const d = dissect(nullEsp(buildEspPlaintext(new Uint8Array(6), 59, 4)), 'ip', 101, { decryptor: nullKeys });
  const esp = layer(d, 'esp');
  assert.equal(decryptionOf(esp.fields).nextHeader, 59);
  assert.deepEqual(esp.decrypted, { layers: [] });
});

test("framing the algorithm cannot split is a malformed node plus the packet's error at an absolute offset", () => {
  const cut = buInUdp4191(bu.packet.subarray(0, 20)); // 12 bytes after the ESP header: less than IV + ICV
  const d = dissect(cut, 'ip', 101, { decryptor: keys });
  assert.deepEqual(names(d), ['ipv4', 'udp', 'ipv6', 'esp']);
  assert.equal(decryptionOf(layer(d, 'esp').fields).status, 'malformed');
  assert.equal(d.error?.code, 'BAD_LENGTH');
  assert.equal(d.error?.offset, 68 + 8); // ESP at 68 (IPv4 20, UDP 8, IPv6 40), payload after its 8-byte header
});

test('SKF: fragment 1 of 2 is shown as bytes; a single fragment is a whole chain', () => {
  const chain = encodeIkePayloads(IKE_AUTH_PAYLOADS);
  const skf = (fragmentNumber: number, totalFragments: number) =>
    encodeIkeMessage({
      header: IKE_AUTH_HEADER,
      payloads: [
        { kind: 'skf', firstPayload: 35, fragmentNumber, totalFragments, data: concatBytes([chain, fromHex('00')]) },
      ],
    });
  const two = layer(dissect(skf(1, 2), 'ike', 101, { decryptor: nullKeys }), 'ike').decrypted!;
  assert.deepEqual(names(two), ['skf-fragment']);
  assert.deepEqual((two.layers[0]!.fields as { data: Uint8Array }).data, chain);
  assert.deepEqual(names(layer(dissect(skf(1, 1), 'ike', 101, { decryptor: nullKeys }), 'ike').decrypted), [
    'sk-payloads',
    'eap',
  ]);
});

/** Every error anywhere in a dissection, decrypted ones included. */
function errors(d: Dissection): unknown[] {
  return [...(d.error ? [d.error] : []), ...d.layers.flatMap((l) => (l.decrypted ? errors(l.decrypted) : []))];
}

test('random bytes and bit flips in encrypted packets with valid keys give nodes and WireErrors, never a throw', () => {
  const nullIke = encodeIkeMessage({
    header: IKE_AUTH_HEADER,
    payloads: [
      { kind: 'sk', firstPayload: 35, data: concatBytes([encodeIkePayloads(IKE_AUTH_PAYLOADS), fromHex('00')]) },
    ],
  });
  const seeds: [Uint8Array, KeyLogDecryptor][] = [
    [ikeInUdp500(ike.message), keys],
    [buInUdp4191(bu.packet), keys],
    [espInUdp4500(tunnel.packet), keys],
    [ikeInUdp500(nullIke), nullKeys],
    [nullEsp(buildEspPlaintext(sample('dhcpinform-in-tunnel').subarray(28), 4, 4)), nullKeys],
    [nullEsp(buildEspPlaintext(BU_MH, IpProtocol.MH, 4)), nullKeys],
  ];
  fc.assert(
    fc.property(
      fc.constantFrom(...seeds),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 }), fc.boolean(), fc.integer({ min: 0, max: 255 })), {
        maxLength: 5,
      }),
      fc.nat(40),
      ([seed, decryptor], edits, cut) => {
        const b = seed.slice(0, Math.max(0, seed.length - cut));
        for (const [at, bit, replace, value] of edits) {
          if (b.length === 0) break;
          const i = at % b.length;
          b[i] = replace ? value : b[i]! ^ (1 << bit);
        }
        for (const e of errors(dissect(b, 'ip', 101, { decryptor }))) assert.ok(e instanceof WireError);
      },
    ),
    { numRuns: 3000 },
  );
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 120 }),
      fc.constantFrom('esp', 'ike', 'ip') as fc.Arbitrary<'esp' | 'ike' | 'ip'>,
      (b, start) => {
        for (const e of errors(dissect(b, start, 101, { decryptor: nullKeys }))) assert.ok(e instanceof WireError);
      },
    ),
    { numRuns: 2000 },
  );
});
