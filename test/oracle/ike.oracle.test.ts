/**
 * Our IKEv2 encoder against tshark (one process for the file): messages in IPv4/UDP 500 headers built here,
 * plus UDP 4500 with the non-ESP marker, a NAT-keepalive and UDP-encapsulated ESP, are dissected by tshark
 * and compared payload by payload with what our decoder reads. The scapy side is ike-scapy.oracle.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { internetChecksum } from '../../src/util/checksum.ts';
import { fromHex } from '../../src/util/hex.ts';
import { buildEspPlaintext, encodeEspPacket } from '../../src/wire/esp/esp.ts';
import { encodeNatKeepalive, encodeUdpEncap, encodeUdpEncapIke } from '../../src/wire/esp/udp-encap.ts';
import { readIdentity } from '../../src/wire/ike/identity.ts';
import { decodeIkeMessage, encodeIkeMessage, encodeIkePayloads } from '../../src/wire/ike/message.ts';
import { type IkePayload, payloadType } from '../../src/wire/ike/payload.ts';
import { transformKeyLength } from '../../src/wire/ike/sa.ts';
import { IKE_AUTH_REQUEST, IKE_AUTH_RESPONSE, INFORMATIONAL_WITH_SK } from '../../src/wire/ike/test-messages.ts';
import { IKE_SA_INIT_REQUEST } from '../../src/wire/ike/test-vectors.ts';
import { hasMalformed, tsharkDecode } from './tshark.ts';

/** IPv4 (192.0.2.1 → 198.51.100.7) + UDP with a valid header checksum and a zero UDP checksum (RFC 3948 §2.1). */
function ipv4Udp(port: number, payload: Uint8Array): Uint8Array {
  const p = new Uint8Array(28 + payload.length);
  const v = new DataView(p.buffer);
  p.set([0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 192, 0, 2, 1, 198, 51, 100, 7]);
  v.setUint16(2, p.length);
  v.setUint16(10, internetChecksum(p.subarray(0, 20)));
  v.setUint16(20, port);
  v.setUint16(22, port);
  v.setUint16(24, 8 + payload.length);
  p.set(payload, 28);
  return p;
}

const ESP_PACKET = encodeEspPacket({
  spi: 0x1234,
  sequence: 7,
  payload: buildEspPlaintext(fromHex('3b00010000000000'), 135),
});

const OUR_MESSAGES = [IKE_SA_INIT_REQUEST, encodeIkeMessage(IKE_AUTH_REQUEST), encodeIkeMessage(IKE_AUTH_RESPONSE)];
const tshark = tsharkDecode([
  ...OUR_MESSAGES.map((m) => ipv4Udp(500, m)),
  ipv4Udp(4500, encodeUdpEncapIke(encodeIkeMessage(INFORMATIONAL_WITH_SK))),
  ipv4Udp(4500, encodeNatKeepalive()),
  ipv4Udp(4500, encodeUdpEncap({ kind: 'esp', packet: ESP_PACKET })),
]);

type Tree = Record<string, unknown>;
const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const trees = (t: Tree): Tree[] => list(t['isakmp.typepayload_tree']) as Tree[];
const colon = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
const num = (v: unknown) => Number(v);
const TF_ID_FIELD = ['', 'encr', 'prf', 'integ', 'dh', 'esn'];

/** Compares one payload's tshark tree with our decoded value. */
function checkPayload(t: Tree, p: IkePayload, where: string): void {
  const eq = (field: string, want: unknown) => assert.deepEqual(t[field], want, `${where} ${field}`);
  eq('isakmp.criticalpayload', p.critical ? '1' : '0');
  switch (p.kind) {
    case 'sa':
      trees(t).forEach((pt, i) => {
        const prop = p.proposals[i]!;
        assert.deepEqual([pt['isakmp.prop.number'], pt['isakmp.prop.protoid'], pt['isakmp.spisize']].map(num), [
          prop.number,
          prop.protocolId,
          prop.spi.length,
        ]);
        if (prop.spi.length) assert.equal(pt['isakmp.spi'], colon(prop.spi));
        assert.equal(num(pt['isakmp.prop.transforms']), prop.transforms.length);
        trees(pt).forEach((tt, j) => {
          const tf = prop.transforms[j]!;
          assert.equal(num(tt['isakmp.tf.type']), tf.type, `${where} transform ${j}`);
          assert.equal(num(tt[`isakmp.tf.id.${TF_ID_FIELD[tf.type]}`]), tf.id, `${where} transform ${j}`);
          const key = (tt['isakmp.ike2.attr'] as Tree | undefined)?.['isakmp.ike2.attr.key_length'];
          assert.equal(key === undefined ? undefined : num(key), transformKeyLength(tf), `${where} key length`);
        });
      });
      return;
    case 'ke':
      eq('isakmp.key_exchange.dh_group', String(p.dhGroup));
      eq('isakmp.key_exchange.data', colon(p.data));
      return;
    case 'nonce':
      eq('isakmp.nonce', colon(p.data));
      return;
    case 'idi':
    case 'idr': {
      eq('isakmp.id.type', String(p.idType));
      const id = readIdentity(p);
      const data = t['isakmp.id.data'] as Tree;
      if (id.kind === 'fqdn') assert.equal(data['isakmp.id.data.fqdn'], id.name);
      else if (id.kind === 'ipv6') assert.equal(data['isakmp.id.data.ipv6_addr'], id.address.toString());
      else assert.fail(`${where}: identity ${id.kind} not checked`);
      return;
    }
    case 'cert':
      eq('isakmp.cert.encoding', String(p.encoding));
      eq('isakmp.cert.x509.hash', colon(p.data.subarray(0, 20)));
      eq('isakmp.cert.x509.url', new TextDecoder().decode(p.data.subarray(20)));
      return;
    case 'certreq':
      eq('isakmp.certreq.type', String(p.encoding));
      eq('isakmp.ike.certreq.authority', colon(p.data));
      return;
    case 'auth':
      eq('isakmp.auth.method', String(p.method));
      eq('isakmp.auth.data', colon(p.data));
      return;
    case 'notify':
      assert.deepEqual(
        [t['isakmp.notify.protoid'], t['isakmp.spisize'], t['isakmp.notify.msgtype']].map(num),
        [p.protocolId, p.spi.length, p.notifyType],
        where,
      );
      if (p.spi.length) eq('isakmp.spi', colon(p.spi));
      eq('isakmp.notify.data', colon(p.data));
      return;
    case 'delete':
      assert.deepEqual([t['isakmp.delete.protoid'], t['isakmp.spisize'], t['isakmp.spinum']].map(num), [
        p.protocolId,
        p.spiSize,
        p.spis.length,
      ]);
      assert.deepEqual(list(t['isakmp.delete.spi']), p.spis.map(colon));
      return;
    case 'vendor-id':
      eq('isakmp.vid_bytes', colon(p.data));
      return;
    case 'tsi':
    case 'tsr': {
      eq('isakmp.ts.number', String(p.selectors.length));
      const sel = list(t['isakmp.ts.data']) as Tree[];
      p.selectors.forEach((s, i) => {
        assert.ok(s.kind !== 'unknown');
        const v = s.kind === 'ipv4-range' ? 'ipv4' : 'ipv6';
        const got = ['type', 'protoid', 'selector_length', 'start_port', 'end_port', `start_${v}`, `end_${v}`].map(
          (f) => sel[i]![`isakmp.ts.${f}`],
        );
        const want = [
          s.kind === 'ipv4-range' ? 7 : 8,
          s.ipProtocol,
          v === 'ipv4' ? 16 : 40,
          s.startPort,
          s.endPort,
        ].map(String);
        assert.deepEqual(got, [...want, s.startAddress.toString(), s.endAddress.toString()], `${where} selector ${i}`);
      });
      return;
    }
    case 'cp': {
      eq('isakmp.cfg.type', String(p.cfgType));
      const attrs = list(t['isakmp.cfg.attr']) as Tree[];
      const ours = encodeIkePayloads([p]).subarray(8);
      let at = 0;
      attrs.forEach((a, i) => {
        const type = (ours[at]! << 8) | ours[at + 1]!;
        const length = (ours[at + 2]! << 8) | ours[at + 3]!;
        assert.deepEqual(
          [a['isakmp.cfg.attr.type'], a['isakmp.cfg.attr.length']].map(num),
          [type, length],
          `${where} attr ${i}`,
        );
        // Raw value: the only way tshark shows MIP6_HOME_PREFIX (16) and HOME_AGENT_ADDRESS (19).
        if (length) assert.equal(a['isakmp.cfg.attr.value'], colon(ours.subarray(at + 4, at + 4 + length)));
        at += 4 + length;
      });
      assert.equal(attrs.length, p.attributes.length);
      return;
    }
    case 'eap': {
      const eap = t.eap as Tree;
      assert.deepEqual([eap['eap.code'], eap['eap.id'], eap['eap.len'], eap['eap.type']].map(num), [
        p.data[0],
        p.data[1],
        p.data.length,
        p.data[4],
      ]);
      return;
    }
    case 'sk':
      eq('isakmp.nextpayload', String(p.firstPayload));
      return;
    default:
      assert.fail(`${where}: ${p.kind} not compared`);
  }
}

test('tshark reads our IKE messages on UDP 500 and 4500 payload by payload, without malformed', async () => {
  const layers = await tshark;
  const messages = [...OUR_MESSAGES.map(decodeIkeMessage), INFORMATIONAL_WITH_SK];
  messages.forEach((m, i) => {
    assert.ok(!hasMalformed(layers[i]!), `packet ${i} malformed`);
    const ike = layers[i]!.isakmp as Tree;
    const h = m.header;
    assert.deepEqual(
      [
        ike['isakmp.ispi'],
        ike['isakmp.rspi'],
        num(ike['isakmp.exchangetype']),
        num(ike['isakmp.messageid']),
        num(ike['isakmp.length']),
      ],
      [colon(h.initiatorSpi), colon(h.responderSpi), h.exchangeType, h.messageId, encodeIkeMessage(m).length],
    );
    const flags = ike['isakmp.flags_tree'] as Tree;
    assert.deepEqual(
      [flags['isakmp.flag_r'], flags['isakmp.flag_i']],
      [h.response ? '1' : '0', h.initiator ? '1' : '0'],
    );
    assert.deepEqual(
      list(ike['isakmp.typepayload']).map(num),
      m.payloads.map(payloadType),
      `packet ${i} payload types`,
    );
    const payloadTrees = trees(ike);
    assert.equal(payloadTrees.length, m.payloads.length);
    for (const [j, t] of payloadTrees.entries()) checkPayload(t, m.payloads[j]!, `packet ${i} payload ${j}`);
  });
  assert.ok('udpencap.non_esp_marker' in (layers[3]!.udpencap as Tree));
  assert.ok('udpencap.nat_keepalive' in (layers[4]!.udpencap as Tree));
  const esp = layers[5]!.esp as Tree;
  assert.deepEqual([esp['esp.spi'], esp['esp.sequence']], ['0x00001234', '7']);
  for (const l of layers.slice(3)) assert.ok(!hasMalformed(l));
});
