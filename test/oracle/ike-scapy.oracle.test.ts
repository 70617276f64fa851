/**
 * IKEv2 and ESP framing against scapy 2.5 (one process for the file):
 * - IKE_SA_INIT / IKE_AUTH / UDP 4500 datagrams built by scapy.contrib.ikev2 are read by our decoders;
 * - transport-mode ESP built by scapy's SecurityAssociation (NULL cipher, NULL or HMAC-SHA1-96) over IPv6
 *   carrying a Binding Update, and NAT-T ESP over IPv4, go through our ESP framing and trailer parser;
 * - our messages are read back by scapy's IKEv2 dissector.
 * scapy quirks worked around: payloads after the first get Next Payload 0 unless set by hand; its CP class
 * announces itself as 46 instead of 47 and cannot compute its length (we write the CP header and wrap
 * scapy-built attributes in a generic payload); IDi cannot compute its length; Delete's body field is named
 * `vendorID`; the IPv6 selector defaults to length 20; Notify lengths ignore the SPI (no SPI notify is sent
 * to scapy); a transform's Key Length only appears when its length is set to 12.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex, toHex } from '../../src/util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../src/util/ip-address.ts';
import { buildEspPlaintext, decodeEspPacket, parseEspPlaintext, splitEspPayload } from '../../src/wire/esp/esp.ts';
import { classifyUdpEncap } from '../../src/wire/esp/udp-encap.ts';
import { readIdentity } from '../../src/wire/ike/identity.ts';
import { decodeIkeMessage, decodeIkePayloads, encodeIkeMessage, type IkeMessage } from '../../src/wire/ike/message.ts';
import { transform, transformKeyLength } from '../../src/wire/ike/sa.ts';
import { IKE_AUTH_REQUEST } from '../../src/wire/ike/test-messages.ts';
import { IKE_AUTH_INNER_PAYLOADS, IKE_SA_INIT_REQUEST } from '../../src/wire/ike/test-vectors.ts';
import { runScapy, SCAPY_PRELUDE } from './scapy.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const none = new Uint8Array(0);
const OUR_MESSAGES = [IKE_SA_INIT_REQUEST, encodeIkeMessage(IKE_AUTH_REQUEST)];

const SCAPY_PROGRAM = `${SCAPY_PRELUDE}
import struct, socket
from scapy.contrib.ikev2 import *
from scapy.layers.ipsec import SecurityAssociation, ESP
H = bytes.fromhex
T = IKEv2_payload_Transform
SPIS = dict(init_SPI=H('0102030405060708'), resp_SPI=H('1112131415161718'))
init = (IKEv2(init_SPI=H('0102030405060708'), resp_SPI=bytes(8), exch_type=34, flags='Initiator', id=0)
  / IKEv2_payload_SA(next_payload=34, prop=IKEv2_payload_Proposal(proposal=1, proto=1, trans_nb=4, trans=
    T(transform_type=1, transform_id=12, length=12, key_length=256) / T(transform_type=2, transform_id=5)
    / T(transform_type=3, transform_id=12) / T(transform_type=4, transform_id=19)))
  / IKEv2_payload_KE(next_payload=40, group=19, load=H('${toHex(IKE_SA_INIT_REQUEST.subarray(84, 148))}'))
  / IKEv2_payload_Nonce(next_payload=41, load=bytes(range(32)))
  / IKEv2_payload_Notify(next_payload=41, type=16388, load=bytes(20))
  / IKEv2_payload_Notify(next_payload=0, type=16389, load=H('ff' * 20)))
emit('sa-init', init)
attrs = [ConfigurationAttribute(type=8), ConfigurationAttribute(type=16), ConfigurationAttribute(type=19),
         ConfigurationAttribute(type=3, length=4, value='192.0.2.53'),
         ConfigurationAttribute(type=16, value=struct.pack('!I', 3600) + socket.inet_pton(socket.AF_INET6, '2001:db8:1::') + bytes([64]))]
cp_body = bytes([1, 0, 0, 0]) + b''.join(bytes(a) for a in attrs)
hoa, ha = '2001:db8::1', '2001:db8::ff'
auth = (IKEv2(exch_type=35, flags='Initiator', id=1, **SPIS)
  / IKEv2_payload_IDi(next_payload=47, length=22, IDtype=2, ID=b'mn.example.com')
  / IKEv2_payload(next_payload=33, load=cp_body)
  / IKEv2_payload_SA(next_payload=44, prop=IKEv2_payload_Proposal(proposal=1, proto=3, SPIsize=4, SPI=H('c0ffee01'), trans_nb=3, trans=
    T(transform_type=1, transform_id=12, length=12, key_length=128) / T(transform_type=3, transform_id=12) / T(transform_type=5, transform_id=0)))
  / IKEv2_payload_TSi(next_payload=45, traffic_selector=[IPv6TrafficSelector(IP_protocol_ID=135, length=40, start_port=0x0500, end_port=0x0500, starting_address_v6=hoa, ending_address_v6=hoa)])
  / IKEv2_payload_TSr(next_payload=41, traffic_selector=[IPv6TrafficSelector(IP_protocol_ID=135, length=40, start_port=0x0600, end_port=0x0600, starting_address_v6=ha, ending_address_v6=ha),
      IPv4TrafficSelector(IP_protocol_ID=0, start_port=0, end_port=65535, starting_address_v4='0.0.0.0', ending_address_v4='255.255.255.255')])
  / IKEv2_payload_Notify(next_payload=39, type=16391) / IKEv2_payload_AUTH(next_payload=36, auth_type=2, load=bytes(32))
  / IKEv2_payload_IDr(next_payload=43, IDtype=5, ID=ha) / IKEv2_payload_VendorID(next_payload=38, vendorID=b'dsmip-oracle')
  / IKEv2_payload_CERTREQ(next_payload=42, cert_type=4, cert_data=H('aa' * 20))
  / IKEv2_payload_Delete(next_payload=46, vendorID=H('0304 0001 aabbccdd'))
  / IKEv2_payload_Encrypted(next_payload=41, load=H('00' * 16 + '11' * 16 + '22' * 12)))
emit('ike-auth', auth)
nat = (IP() / UDP(sport=4500, dport=4500) / NON_ESP() / IKEv2(exch_type=37, flags='Response', id=2, **SPIS)
  / IKEv2_payload_Encrypted(next_payload=0, load=H('33' * 28)))
emit('nat-t-ike', nat[UDP].payload)
emit('keepalive', (IP() / UDP(sport=4500, dport=4500) / NAT_KEEPALIVE())[UDP].payload)
bu = IPv6(src=hoa, dst=ha) / MIP6MH_BU(seq=7, flags=0x60, mhtime=0x384)
for auth_algo, key in (('NULL', None), ('HMAC-SHA1-96', b'k' * 20)):
    sa = SecurityAssociation(ESP, spi=0x1234, crypt_algo='NULL', crypt_key=None, auth_algo=auth_algo, auth_key=key)
    emit('esp6-' + auth_algo, sa.encrypt(bu, seq_num=42), mh=bytes(bu[MIP6MH_BU]).hex())
sa4 = SecurityAssociation(ESP, spi=0x5678, crypt_algo='NULL', crypt_key=None, auth_algo='HMAC-SHA1-96', auth_key=b'k' * 20,
                          nat_t_header=UDP(sport=4500, dport=4500))
inner = UDP(sport=4191, dport=4191) / Raw(b'dsmip')
e4 = sa4.encrypt(IP(src='192.0.2.1', dst='198.51.100.7') / inner, seq_num=3)
emit('esp4-nat-t', e4[UDP].payload, udp=bytes(IP(src='192.0.2.1', dst='198.51.100.7') / inner)[20:].hex())
for line in sys.stdin:
    pkt = IKEv2(H(line.strip()))
    layers, p = [], pkt.payload
    while p and not isinstance(p, (Raw, NoPayload)):
        f = {n: p.getfieldval(n) for n in ('next_payload', 'length', 'IDtype', 'group', 'type', 'auth_type', 'cert_type', 'CFGType') if n in p.fields}
        if isinstance(p, IKEv2_payload_SA):
            f['trans'], t = [], p.prop.trans
            while isinstance(t, T):
                f['trans'].append([t.transform_type, t.transform_id] + ([t.key_length] if t.length > 8 else []))
                t = t.payload
        if isinstance(p, (IKEv2_payload_TSi, IKEv2_payload_TSr)):
            f['ts'] = [[s.TS_type, s.IP_protocol_ID, s.start_port, s.end_port, str(s.starting_address_v6 if s.TS_type == 8 else s.starting_address_v4)] for s in p.traffic_selector]
        layers.append(f)
        p = p.payload
    print(json.dumps(dict(name='decoded', exch=pkt.exch_type, flags=int(pkt.flags), id=pkt.id, length=pkt.length, layers=layers)))
`;

interface ScapyLine {
  name: string;
  hex?: string;
  mh?: string;
  udp?: string;
  layers?: Record<string, number | number[] | unknown[]>[];
  exch?: number;
  flags?: number;
  id?: number;
  length?: number;
}
const scapy = runScapy<ScapyLine>(SCAPY_PROGRAM, `${OUR_MESSAGES.map(toHex).join('\n')}\n`);
const built = async (name: string) => {
  const line = (await scapy).find((l) => l.name === name);
  assert.ok(line?.hex !== undefined, `scapy did not build ${name}`);
  return { ...line, bytes: fromHex(line.hex) };
};
const kinds = (m: IkeMessage) => m.payloads.map((p) => p.kind);

test('our decoder reads scapy-built IKE_SA_INIT and IKE_AUTH messages field by field', async () => {
  const init = decodeIkeMessage((await built('sa-init')).bytes);
  assert.deepEqual([init.header.exchangeType, init.header.initiator, init.header.response], [34, true, false]);
  assert.deepEqual(kinds(init), ['sa', 'ke', 'nonce', 'notify', 'notify']);
  const sa = init.payloads[0]!;
  assert.ok(sa.kind === 'sa');
  assert.deepEqual(sa.proposals[0]!.transforms, [
    transform(1, 12, 256),
    transform(2, 5),
    transform(3, 12),
    transform(4, 19),
  ]);
  assert.deepEqual(
    init.payloads.slice(1),
    decodeIkeMessage(IKE_SA_INIT_REQUEST)
      .payloads.slice(1, 3)
      .concat([
        { kind: 'notify', protocolId: 0, spi: none, notifyType: 16388, data: new Uint8Array(20) },
        { kind: 'notify', protocolId: 0, spi: none, notifyType: 16389, data: fromHex('ff'.repeat(20)) },
      ]),
  );

  const auth = decodeIkeMessage((await built('ike-auth')).bytes);
  assert.deepEqual([auth.header.exchangeType, auth.header.messageId], [35, 1]);
  assert.deepEqual(kinds(auth), [
    'idi',
    'cp',
    'sa',
    'tsi',
    'tsr',
    'notify',
    'auth',
    'idr',
    'vendor-id',
    'certreq',
    'delete',
    'sk',
  ]);
  const [idi, cp, saAuth, tsi, tsr, n, a, idr, v, certreq, del, sk] = auth.payloads;
  assert.deepEqual(readIdentity(idi as never), { kind: 'fqdn', name: 'mn.example.com' });
  assert.deepEqual(cp, {
    kind: 'cp',
    cfgType: 1,
    attributes: [
      { kind: 'ipv6-prefix', type: 8, value: undefined },
      { kind: 'mip6-home-prefix', value: undefined },
      { kind: 'home-agent-address', value: undefined },
      { kind: 'ipv4', type: 3, address: Ipv4Address.parse('192.0.2.53') },
      {
        kind: 'mip6-home-prefix',
        value: { prefixLifetimeSec: 3600, prefix: Ipv6Address.parse('2001:db8:1::'), prefixLength: 64 },
      },
    ],
  });
  assert.deepEqual(saAuth, {
    kind: 'sa',
    proposals: [
      {
        number: 1,
        protocolId: 3,
        spi: fromHex('c0ffee01'),
        transforms: [transform(1, 12, 128), transform(3, 12), transform(5, 0)],
      },
    ],
  });
  const [ours] = decodeIkePayloads(35, IKE_AUTH_INNER_PAYLOADS).filter((p) => p.kind === 'tsi');
  assert.deepEqual(tsi, ours);
  assert.ok(tsr?.kind === 'tsr' && tsr.selectors.length === 2);
  assert.deepEqual(tsr.selectors[1], {
    kind: 'ipv4-range',
    ipProtocol: 0,
    startPort: 0,
    endPort: 65535,
    startAddress: Ipv4Address.parse('0.0.0.0'),
    endAddress: Ipv4Address.parse('255.255.255.255'),
  });
  assert.deepEqual(n, { kind: 'notify', protocolId: 0, spi: none, notifyType: 16391, data: none });
  assert.deepEqual(a, { kind: 'auth', method: 2, data: new Uint8Array(32) });
  assert.deepEqual(readIdentity(idr as never), { kind: 'ipv6', address: Ipv6Address.parse('2001:db8::ff') });
  assert.deepEqual(v, { kind: 'vendor-id', data: enc('dsmip-oracle') });
  assert.deepEqual(certreq, { kind: 'certreq', encoding: 4, data: fromHex('aa'.repeat(20)) });
  assert.deepEqual(del, { kind: 'delete', protocolId: 3, spiSize: 4, spis: [fromHex('aabbccdd')] });
  assert.ok(sk?.kind === 'sk' && sk.firstPayload === 41 && sk.data.length === 44);
});

test('UDP 4500 datagrams built by scapy: non-ESP marker + IKE, keepalive, ESP', async () => {
  const nat = classifyUdpEncap((await built('nat-t-ike')).bytes);
  assert.ok(nat.kind === 'ike');
  const m = decodeIkeMessage(nat.message);
  assert.deepEqual([m.header.exchangeType, m.header.response, m.header.messageId, kinds(m)], [37, true, 2, ['sk']]);
  assert.deepEqual(classifyUdpEncap((await built('keepalive')).bytes), { kind: 'keepalive' });
  const e4 = await built('esp4-nat-t');
  const esp = classifyUdpEncap(e4.bytes);
  assert.ok(esp.kind === 'esp');
  const packet = decodeEspPacket(esp.packet);
  assert.deepEqual([packet.spi, packet.sequence], [0x5678, 3]);
  const plain = parseEspPlaintext(splitEspPayload(packet.payload, { ivLength: 0, icvLength: 12 }).ciphertext);
  assert.deepEqual([plain.nextHeader, plain.padding.length, plain.paddingMonotonic], [17, 1, true]);
  assert.equal(toHex(plain.data), e4.udp);
});

test('scapy transport-mode ESP over IPv6 carrying a Binding Update: SPI, sequence, trailer, next header 135', async () => {
  for (const [name, icvLength] of [
    ['esp6-NULL', 0],
    ['esp6-HMAC-SHA1-96', 12],
  ] as const) {
    const { bytes, mh } = await built(name);
    assert.equal(bytes[6], 50, 'IPv6 next header is ESP');
    const packet = decodeEspPacket(bytes.subarray(40));
    assert.deepEqual([packet.spi, packet.sequence], [0x1234, 42]);
    const parts = splitEspPayload(packet.payload, { ivLength: 0, icvLength });
    assert.equal(parts.icv.length, icvLength);
    const plain = parseEspPlaintext(parts.ciphertext);
    assert.deepEqual([plain.nextHeader, plain.padding.length, plain.paddingMonotonic], [135, 2, true]);
    assert.equal(toHex(plain.data), mh);
    assert.equal(toHex(buildEspPlaintext(plain.data, 135)), toHex(parts.ciphertext), 'our trailer builder agrees');
  }
});

test("scapy's IKEv2 dissector reads our messages: chain, lengths, types, transforms, selectors", async () => {
  const decoded = (await scapy).filter((l) => l.name === 'decoded');
  assert.equal(decoded.length, 2);
  decoded.forEach((d, i) => {
    const bytes = OUR_MESSAGES[i]!;
    const m = decodeIkeMessage(bytes);
    assert.deepEqual([d.exch, d.id, d.length], [m.header.exchangeType, m.header.messageId, bytes.length]);
    assert.equal(d.layers!.length, m.payloads.length);
    let at = 28;
    m.payloads.forEach((p, j) => {
      const f = d.layers![j]!;
      assert.deepEqual(
        [f.next_payload, f.length],
        [bytes[at], (bytes[at + 2]! << 8) | bytes[at + 3]!],
        `message ${i} payload ${j}`,
      );
      at += f.length as number;
      if (p.kind === 'sa')
        assert.deepEqual(
          f.trans,
          p.proposals[0]!.transforms.map((t) => [
            t.type,
            t.id,
            ...(t.attributes.length ? [transformKeyLength(t)] : []),
          ]),
        );
      if (p.kind === 'notify') assert.equal(f.type, p.notifyType);
      if (p.kind === 'idi' || p.kind === 'idr') assert.equal(f.IDtype, p.idType);
      if (p.kind === 'ke') assert.equal(f.group, p.dhGroup);
      if (p.kind === 'auth') assert.equal(f.auth_type, p.method);
      if (p.kind === 'cp') assert.equal(f.CFGType, p.cfgType);
      if (p.kind === 'tsi' || p.kind === 'tsr') {
        assert.deepEqual(
          f.ts,
          p.selectors.map((s) =>
            s.kind === 'unknown'
              ? []
              : [s.kind === 'ipv4-range' ? 7 : 8, s.ipProtocol, s.startPort, s.endPort, s.startAddress.toString()],
          ),
        );
      }
    });
    assert.equal(at, bytes.length);
  });
});
