import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { ACK_EXAMPLE, INFORM_EXAMPLE } from '../../wire/dhcpv4/test-vectors.ts';
import { MIP6_INFORMATION_REQUEST, MIP6_RELAY_FORWARD, MIP6_REPLY } from '../../wire/dhcpv6/test-vectors.ts';
import { decodeDns, encodeDns } from '../../wire/dns/dns.ts';
import { ExchangeType } from '../../wire/ike/constants.ts';
import { decodeIkeMessage, decodeIkePayloads } from '../../wire/ike/message.ts';
import { IKE_AUTH_REQUEST, IKE_AUTH_RESPONSE, sampleHeader } from '../../wire/ike/test-messages.ts';
import { IKE_AUTH_INNER_PAYLOADS, IKE_SA_INIT_REQUEST } from '../../wire/ike/test-vectors.ts';
import { exampleBa, exampleBu } from '../../wire/mh/test-fixtures.ts';
import { summarizeDhcpv4, summarizeDhcpv6, summarizeDns, summarizeIcmpv6 } from './summarize-dhcp.ts';
import { summarizeEap, summarizeEsp, summarizeIke } from './summarize-ike.ts';
import { summarizeMobility } from './summarize-mh.ts';

const v4 = (s: string) => Ipv4Address.parse(s);
const v6 = (s: string) => Ipv6Address.parse(s);

test('BU and BA summaries name flags, lifetime and the RFC 5555 options', () => {
  const bu = exampleBu('AHKR', 7, 3600, [
    { kind: 'ipv4-home-address', prefixLength: 32, requestMobileNetworkPrefix: false, homeAddress: Ipv4Address.ANY },
    { kind: 'alternate-care-of-address', careOfAddress: v6('2001:db8:2::200') },
  ]);
  assert.equal(summarizeMobility(bu).summary, 'BU seq=7 H A K R lifetime=3600s HoA4=0.0.0.0 AltCoA=2001:db8:2::200');
  const ba = exampleBa('KR', 0, 7, [
    { kind: 'ipv4-address-acknowledgement', status: 0, prefixLength: 32, homeAddress: v4('10.10.0.7') },
    { kind: 'nat-detection', udpEncapsulationRequired: true, refreshTimeSec: 110 },
  ]);
  assert.equal(
    summarizeMobility(ba).summary,
    'BA status=0 (accepted) seq=7 lifetime=3600s K R IPv4Ack=0 10.10.0.7 NATD F refresh=110s',
  );
  const refused = exampleBa('', 129, 9, [
    { kind: 'ipv4-address-acknowledgement', status: 132, prefixLength: 0, homeAddress: Ipv4Address.ANY },
    { kind: 'nat-detection', udpEncapsulationRequired: false, refreshTimeSec: 0xffffffff },
    { kind: 'binding-refresh-advice', refreshIntervalSec: 3000 },
  ]);
  assert.equal(
    summarizeMobility(refused).summary,
    'BA status=129 (administratively prohibited) seq=9 lifetime=3600s ' +
      'IPv4Ack=132 (dynamic ipv4 home address assignment not available) 0.0.0.0 NATD refresh=none refresh-advice=3000s',
  );
  const v4Bu = exampleBu('AHF', 1, 0, [
    { kind: 'ipv4-care-of-address', careOfAddress: v4('192.0.2.10') },
    { kind: 'ipv4-home-address', prefixLength: 24, requestMobileNetworkPrefix: true, homeAddress: v4('10.1.0.0') },
    { kind: 'unknown', type: 99, data: fromHex('0102') },
  ]);
  assert.equal(
    summarizeMobility(v4Bu).summary,
    'BU seq=1 H A F lifetime=0s CoA4=192.0.2.10 HoA4=10.1.0.0/24 P opt99=0102',
  );
  assert.equal(
    summarizeMobility({ kind: 'unknown', type: 12, data: new Uint8Array(4) }).summary,
    'MH type=12 (Home Agent Switch) 4 bytes',
  );
  assert.equal(
    summarizeMobility({ kind: 'binding-error', status: 1, homeAddress: v6('2001:db8::1'), options: [] }).summary,
    'BE status=1 HoA=2001:db8::1',
  );
});

test('IKE summaries: exchange, direction, message ID and payloads in RFC 7296 notation', () => {
  const init = summarizeIke(decodeIkeMessage(IKE_SA_INIT_REQUEST));
  assert.equal(init.protocol, 'IKE');
  assert.equal(
    init.summary,
    'IKE_SA_INIT request #0 SA(IKE AES_CBC-128 PRF_HMAC_SHA2_256 HMAC_SHA2_256_128 ECP_256) KE(ECP_256) Ni ' +
      'N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP)',
  );
  assert.ok(init.details.includes('KE: group 19, 64 bytes'));
  const sk = { kind: 'sk' as const, firstPayload: 35, data: new Uint8Array(200) };
  const header = sampleHeader(ExchangeType.IKE_AUTH, 1, false);
  assert.equal(summarizeIke({ header, payloads: [sk] }).summary, 'IKE_AUTH request #1 SK(200 bytes)');
  const inner = decodeIkePayloads(35, IKE_AUTH_INNER_PAYLOADS);
  const auth = summarizeIke({ header, payloads: [sk] }, inner);
  assert.equal(
    auth.summary,
    'IKE_AUTH request #1 SK{IDi(mn.example.com) CP(CFG_REQUEST INTERNAL_IP6_ADDRESS MIP6_HOME_PREFIX ' +
      'HOME_AGENT_ADDRESS) SA(ESP AES_GCM_16-128 NO_ESN) TSi(2001:db8::1 MH 5) TSr(2001:db8::ff MH 6)}',
  );
  assert.ok(auth.details.includes('IDi: type 2 mn.example.com'));
  // RFC 4877 §7.3: the MH type rides in the high byte of the port fields (BU = 5, BA = 6).
  assert.ok(auth.details.includes('TSi: 2001:db8::1 MH 5'));
  assert.ok(auth.details.includes('SA: #1 ESP AES_GCM_16-128 NO_ESN'));
  assert.equal(
    summarizeIke(IKE_AUTH_RESPONSE).summary,
    'IKE_AUTH response #1 CP(CFG_REPLY INTERNAL_IP6_ADDRESS=2001:db8:1::10/64 MIP6_HOME_PREFIX=2001:db8:1::/64 (3600s) ' +
      'HOME_AGENT_ADDRESS=2001:db8::ff,192.0.2.1) IDr(2001:db8::ff) AUTH(RSA_SIGNATURE) SA(ESP AES_CBC-256 HMAC_SHA2_256_128 NO_ESN) ' +
      'N(REKEY_SA) N(USE_ASSIGNED_HOA)',
  );
  assert.ok(summarizeIke(IKE_AUTH_RESPONSE).details.includes('IDr: type 5 2001:db8::ff'));
  assert.match(summarizeIke(IKE_AUTH_REQUEST).summary, / V D\(aabbccdd,11223344\) EAP\(Response\/Identity id=1\)$/);
});

test('Ni/Nr follow who started the exchange (RFC 7296 §1.3), also when the original responder rekeys', () => {
  const sk = { kind: 'sk' as const, firstPayload: 40, data: new Uint8Array(64) };
  const nonce = { kind: 'nonce' as const, data: new Uint8Array(32) };
  const create = (response: boolean, initiator: boolean) => ({
    ...sampleHeader(ExchangeType.CREATE_CHILD_SA, 7, response),
    initiator,
  });
  // The HA (I = 0) starts a CREATE_CHILD_SA: its request carries Ni, the UE's (I = 1) response Nr.
  const request = summarizeIke({ header: create(false, false), payloads: [sk] }, [nonce]);
  assert.equal(request.summary, 'CREATE_CHILD_SA request #7 SK{Ni}');
  const response = summarizeIke({ header: create(true, true), payloads: [sk] }, [nonce]);
  assert.equal(response.summary, 'CREATE_CHILD_SA response #7 SK{Nr}');
});

test('ESP and EAP summaries', () => {
  assert.equal(
    summarizeEsp({ spi: 0xc0ffee01, sequence: 3, payload: new Uint8Array(48) }).summary,
    'ESP spi=0xc0ffee01 seq=3 (48 bytes encrypted)',
  );
  const challenge = summarizeEap({
    kind: 'request',
    identifier: 2,
    body: {
      kind: 'aka',
      type: 23,
      subtype: 1,
      attributes: [
        { kind: 'rand', rand: new Uint8Array(16) },
        { kind: 'autn', autn: new Uint8Array(16) },
        { kind: 'mac', mac: new Uint8Array(16) },
      ],
    },
  });
  assert.deepEqual(
    [challenge.summary, challenge.details],
    ['EAP Request/AKA-Challenge id=2', ['attributes: rand, autn, mac']],
  );
  assert.equal(summarizeEap({ kind: 'success', identifier: 3 }).summary, 'EAP Success id=3');
});

test('DHCP summaries show the configuration options', () => {
  assert.equal(
    summarizeDhcpv6(MIP6_INFORMATION_REQUEST).summary,
    'Information-request xid=0x123456 ORO(17,23,24,32,49,50,69,70,71,72,73,83) ' +
      'HNIDF=internet.ha-apn.mnc012.mcc345.pub.3gppnetwork.org',
  );
  assert.equal(
    summarizeDhcpv6(MIP6_REPLY).summary,
    'Reply xid=0x123456 status=0 "all good" VENDOR(3GPP 1=aabb) vendor-class(3GPP) DNS=2001:db8::53,2001:db8::54 ' +
      'domains=example.com,ims.mnc001.mcc001.3gppnetwork.org refresh=86400s ' +
      'IDINF{HNIDF=internet.ha-apn.mnc012.mcc345.pub.3gppnetwork.org HNP=2001:db8:1::/64 HAA=64:ff9b::c000:221 ' +
      'HAF=ha.example.com} VDINF{HAA=2001:db8::1}',
  );
  assert.match(
    summarizeDhcpv6(MIP6_RELAY_FORWARD).summary,
    /^Relay-forward hops=0 link=2001:db8::1 peer=fe80::211:22ff:fe33:4455 interface-id="eth0" \[Information-request xid=0x123456 /,
  );
  assert.equal(
    summarizeDhcpv4(INFORM_EXAMPLE).summary,
    'DHCPINFORM xid=0xdeadbeef ciaddr=192.0.2.10 PRL(1,3,6,43,125) class="dsmip"',
  );
  assert.equal(
    summarizeDhcpv4(ACK_EXAMPLE).summary,
    'DHCPACK xid=0xdeadbeef ciaddr=192.0.2.10 server=192.0.2.1 mask=255.255.255.0 DNS=192.0.2.53,192.0.2.54 ' +
      'agent-info(1) V-I(3GPP 1=c0000201)',
  );
});

test('DNS and ICMPv6 summaries', () => {
  const name = 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';
  const query = decodeDns(encodeDns({ type: 'query', id: 7, questions: [{ type: 'AAAA', name }] }));
  assert.equal(summarizeDns(query).summary, `query AAAA ${name}`);
  const answer = decodeDns(
    encodeDns({
      type: 'response',
      id: 7,
      questions: [{ type: 'AAAA', name }],
      answers: [{ type: 'AAAA', name, ttl: 300, data: '2001:db8:1::1' }],
    }),
  );
  assert.equal(summarizeDns(answer).summary, `response AAAA ${name}: AAAA 2001:db8:1::1 ttl=300`);
  const nx = decodeDns(encodeDns({ type: 'response', id: 8, flags: 3, questions: [{ type: 'A', name: 'x.example' }] }));
  assert.equal(summarizeDns(nx).summary, 'response A x.example: NXDOMAIN no answer');
  assert.equal(summarizeIcmpv6({ type: 134, code: 0, body: new Uint8Array(12) }).summary, 'Router Advertisement');
  assert.equal(
    summarizeIcmpv6({ type: 1, code: 3, body: new Uint8Array(4) }).summary,
    'Destination Unreachable code=3',
  );
  assert.equal(summarizeIcmpv6({ type: 200, code: 0, body: new Uint8Array(0) }).summary, 'ICMPv6(200)');
});
