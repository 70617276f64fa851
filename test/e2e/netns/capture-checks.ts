/**
 * What every scenario's capture on the HA's WAN link must show when tshark has only the UE's key log: nothing
 * malformed, the DNS query for the HA-APN, IKE_AUTH decrypted down to EAP-AKA (RFC 4187), and every BU and BA with
 * its ESP verified and decrypted to the Mobility Header (RFC 4877 §4), in sequence, the last pair deregistering
 * with lifetime 0 (RFC 6275 §11.7.1). Returns the BUs and BAs for the scenario's framing checks.
 */
import assert from 'node:assert/strict';
import type { DecodedPacket } from './capture-decode.ts';
import { HA_APN, IPV4_HOA_POOL_FIRST } from './lab-files.ts';
import type { LogLine } from './node-process.ts';

const MH_BU = '5'; // RFC 6275 §6.1.7
const MH_BA = '6'; // RFC 6275 §6.1.8
const EAP_TYPE_AKA = '23'; // RFC 4187 §8.1
const EAP_REQUEST = '1';
const EAP_RESPONSE = '2';
const EAP_SUCCESS = '3'; // RFC 3748 §4
const AKA_CHALLENGE = '1'; // RFC 4187 §11
const AT_RAND = '1';
const AT_AUTN = '2';
const AT_RES = '3';
const AT_MAC = '11'; // RFC 4187 §11

export interface SignallingInCapture {
  readonly bus: DecodedPacket[];
  readonly bas: DecodedPacket[];
}

const mhPackets = (packets: readonly DecodedPacket[], type: string): DecodedPacket[] =>
  packets.filter((p) => p.all('mip6.mhtype').includes(type));

export function checkCapture(packets: readonly DecodedPacket[], ueLines: readonly LogLine[]): SignallingInCapture {
  assert.ok(packets.length > 0);
  assert.deepEqual(
    packets.filter((p) => p.malformed).map((p) => p.number),
    [],
    'no packet is malformed',
  );
  assert.ok(
    packets.some((p) => p.all('dns.qry.name').includes(HA_APN) && p.has('dns.a')),
    'the HA-APN answered',
  );

  // IKE_AUTH decrypted: EAP-Request/AKA-Challenge (AT_RAND, AT_AUTN, AT_MAC), the response (AT_RES, AT_MAC), Success.
  const eap = packets.filter((p) => p.all('eap.type').includes(EAP_TYPE_AKA));
  assert.deepEqual(
    eap.map((p) => [p.first('eap.code'), p.first('eap.aka.subtype'), p.all('eap.aka.subtype.type')]),
    [
      [EAP_REQUEST, AKA_CHALLENGE, [AT_RAND, AT_AUTN, AT_MAC]],
      [EAP_RESPONSE, AKA_CHALLENGE, [AT_RES, AT_MAC]],
    ],
    'AKA-Challenge request and response (RFC 4187 §9.3, §9.4)',
  );
  assert.ok(
    packets.some((p) => p.first('eap.code') === EAP_SUCCESS),
    'EAP-Success',
  );

  const bus = mhPackets(packets, MH_BU);
  const bas = mhPackets(packets, MH_BA);
  const logged = ueLines.filter((l) => l.msg === 'binding-update');
  assert.ok(bus.length >= 3, `initial, refresh and deregistration BUs: ${bus.length}`);
  assert.equal(bus.length, logged.length, 'each BU the UE sent crossed the WAN link once');
  assert.equal(bas.length, bus.length, 'each BU answered');
  for (const p of [...bus, ...bas]) assert.deepEqual(p.all('esp.icv_good'), ['1'], `frame ${p.number}: ESP ICV good`);
  assert.deepEqual(
    bas.map((p) => p.first('mip6.ba.seqnr')),
    bus.map((p) => p.first('mip6.bu.seqnr')),
  );
  assert.ok(bas.every((p) => p.first('mip6.ba.status') === '0'));
  assert.equal(bus.at(-1)?.first('mip6.bu.lifetime'), '0');
  assert.equal(bas.at(-1)?.first('mip6.ba.lifetime'), '0');
  // IPv4 Home Address option 0.0.0.0 in the first BU, the assigned address in the IPv4 Address Ack (RFC 5555 §3.1.1, §3.2.1).
  assert.equal(bus[0]?.first('mip6.ipv4ha.ha'), '0.0.0.0');
  assert.deepEqual([bas[0]?.first('mip6.ipv4aa.sts'), bas[0]?.first('mip6.ipv4ha.ha')], ['0', IPV4_HOA_POOL_FIRST]);
  return { bus, bas };
}

/** The echo datagrams (user-plane.ts) from each HoA to the CN, as seen on the WAN link: inside a tunnel. */
export function checkUserPlaneInCapture(packets: readonly DecodedPacket[], hoa6: string): DecodedPacket[] {
  const echoes = packets.filter((p) => p.all('udp.dstport').includes('7'));
  for (const hoa of [IPV4_HOA_POOL_FIRST, hoa6]) {
    const from = echoes.filter((p) => [...p.all('ip.src'), ...p.all('ipv6.src')].includes(hoa));
    assert.ok(from.length > 0, `an echo request from ${hoa} crossed the WAN link`);
    for (const p of from) {
      const ipLayers = (p.first('frame.protocols') ?? '').split(':').filter((l) => l === 'ip' || l === 'ipv6');
      assert.ok(ipLayers.length >= 2, `frame ${p.number} is tunnelled: ${p.first('frame.protocols')}`);
    }
  }
  return echoes;
}
