// The IKE shell over traced transports (our UE and HA, EAP-AKA set 1, loopback): the attach, IKE headers reported
// for phase timing, the NAT-T port's demultiplexing (RFC 3948 §2.2, §2.3); then the tunnel's inner UDP helpers
// (total on any bytes), the IKE timers section, and the event waiter.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import fc from 'fast-check';
import { IkeInitiator } from '../../ike/initiator.ts';
import { IkeResponder } from '../../ike/responder.ts';
import { pem, testPool } from '../../ike/test-support.ts';
import { isWireError } from '../../util/errors.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { ExchangeType } from '../../wire/ike/constants.ts';
import { akaHaConfig, akaUeConfig, EventLog, set1Store } from '../ike/test-support.ts';
import type { DatagramTraceEvent } from './datagram-trace.ts';
import { IkeDatagramEndpoint, type IkeMessageSeen } from './ike-datagram-endpoint.ts';
import { ikeTimingOf } from './ike-timing.ts';
import { innerUdpOf, innerUdpPacket } from './inner-udp.ts';
import { Listeners } from './listeners.ts';
import { NodeTransportProvider } from './transport-provider.ts';

const LO = Ipv4Address.parse('127.0.0.1');
const IMSI = '001010000000001';

test('IKE shell: attach over traced sockets, headers reported, NAT-T keepalives, runts and ESP demultiplexed', async () => {
  const trace: DatagramTraceEvent[] = [];
  const provider = new NodeTransportProvider({ onTrace: (e) => trace.push(e) });
  const haLog = new EventLog();
  const ueLog = new EventLog();
  const seen: IkeMessageSeen[] = [];
  const esp: number[][] = [];
  const ha = await IkeDatagramEndpoint.open(
    provider,
    { address: LO, ikePort: 0, natTPort: 0, onEvent: haLog.push, onEsp: (b) => esp.push([...b]) },
    (local) =>
      new IkeResponder(
        akaHaConfig({
          local,
          certPem: pem('ha-ecdsa.pem'),
          keyPem: pem('ha-ecdsa.key'),
          identity: 'ha.dsmip.test',
          store: set1Store(IMSI),
          pool: testPool(),
        }),
      ),
  );
  const ue = await IkeDatagramEndpoint.open(
    provider,
    { address: LO, ikePort: 0, natTPort: 0, onEvent: ueLog.push, onMessage: (m) => seen.push(m) },
    (local) =>
      new IkeInitiator(
        akaUeConfig({
          local,
          remote: { address: ha.local.address, port: ha.local.ikePort, natTPort: ha.local.natTPort },
          imsi: IMSI,
          caCertPem: pem('ca-ecdsa.pem'),
          apn: 'ha.dsmip.test',
          homeAgentAddress: Ipv6Address.parse('2001:db8:ffff::1'),
        }),
      ),
  );
  const raw = createSocket('udp4');
  try {
    ue.run((engine, now) => engine.connect(now));
    await ueLog.waitFor((l) => l.of('child-sa-established').length === 2, 'both Child SAs');
    assert.deepEqual(seen.slice(0, 2), [
      { direction: 'sent', exchangeType: ExchangeType.IKE_SA_INIT, response: false, messageId: 0 },
      { direction: 'received', exchangeType: ExchangeType.IKE_SA_INIT, response: true, messageId: 0 },
    ]);
    assert.ok(seen.some((m) => m.exchangeType === ExchangeType.CREATE_CHILD_SA && m.response));
    assert.ok(trace.some((e) => e.label === 'ike' && e.direction === 'sent' && e.localPort === ue.local.ikePort));
    const send = (bytes: number[]) =>
      new Promise<void>((resolve, reject) =>
        raw.send(Uint8Array.from(bytes), ha.local.natTPort, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
      );
    await send([0xff]);
    await send([0, 1]);
    await send([0, 0, 0x12, 0x34, 0, 0, 0, 1, 0xaa]);
    const deadline = Date.now() + 2000;
    while (esp.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(esp, [[0, 0, 0x12, 0x34, 0, 0, 0, 1, 0xaa]]);
    assert.deepEqual([ha.counters.natKeepalives, ha.counters.runts, ha.counters.espPackets], [1, 1, 1]);
  } finally {
    raw.close();
    ue.close();
    ha.close();
    await provider.closeAll();
  }
  assert.throws(() => ue.run(() => 0), /closed/);
});

test('inner UDP: IPv6 and IPv4 round trip with checksums; other protocols are not UDP; any bytes never crash', () => {
  const hoa = Ipv6Address.parse('2001:db8:100:1::5');
  const v6 = { source: hoa, destination: Ipv6Address.parse('ff02::1:2'), sourcePort: 546, destinationPort: 547 };
  const packet6 = innerUdpPacket({ ...v6, payload: Uint8Array.of(11, 0, 0, 1) });
  const back6 = innerUdpOf(packet6);
  assert.ok(back6?.family === 6);
  assert.deepEqual(
    [back6.source.toString(), back6.destinationPort, [...back6.payload]],
    [hoa.toString(), 547, [11, 0, 0, 1]],
  );
  const v4 = { source: Ipv4Address.parse('10.10.0.1'), destination: Ipv4Address.parse('255.255.255.255') };
  const back4 = innerUdpOf(innerUdpPacket({ ...v4, sourcePort: 68, destinationPort: 67, payload: new Uint8Array(3) }));
  assert.ok(back4?.family === 4 && back4.sourcePort === 68 && back4.payload.length === 3);
  const bad = packet6.slice();
  bad[bad.length - 1]! ^= 0xff; // payload changed under the checksum
  assert.throws(
    () => innerUdpOf(bad),
    (e: unknown) => isWireError(e) && e.code === 'BAD_CHECKSUM',
  );
  const notUdp = packet6.slice();
  notUdp[6] = 59; // No Next Header
  assert.equal(innerUdpOf(notUdp), undefined);
  assert.throws(
    () =>
      innerUdpPacket({
        ...v4,
        destination: hoa,
        sourcePort: 1,
        destinationPort: 2,
        payload: new Uint8Array(0),
      } as never),
    RangeError,
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 90 }), (bytes) => {
      try {
        innerUdpOf(bytes);
      } catch (e) {
        if (!isWireError(e)) throw e;
      }
    }),
    { numRuns: 3000 },
  );
});

test('the IKE timers section becomes the engine timing, lifetimes and all', () => {
  const d = (ms: number) => ({ ms, sec: ms / 1000 });
  const t = ikeTimingOf({
    retransmitTimeout: d(500),
    retransmitTries: 3,
    dpdInterval: d(0),
    ikeRekey: d(3_600_000),
    ikeLifetime: d(4_000_000),
    childRekey: d(0),
    childLifetime: d(7_200_000),
  });
  assert.deepEqual(
    [t.retransmitTimeoutMs, t.retransmitTries, t.dpdIntervalMs, t.ikeLifetime, t.childLifetime],
    [500, 3, 0, { rekeyMs: 3_600_000, hardMs: 4_000_000 }, { rekeyMs: 0, hardMs: 7_200_000 }],
  );
});

test('listeners: in order, removable, and waitFor resolves on the first match or times out', async () => {
  const l = new Listeners<number>();
  const got: string[] = [];
  const off = l.on((n) => got.push(`a${n}`));
  l.on((n) => got.push(`b${n}`));
  l.emit(1);
  off();
  l.emit(2);
  assert.deepEqual(got, ['a1', 'b1', 'b2']);
  const even = l.waitFor((n) => (n % 2 === 0 ? n * 10 : undefined), 'an even number', 1000);
  l.emit(3);
  l.emit(4);
  assert.equal(await even, 40);
  await assert.rejects(
    l.waitFor(() => undefined, 'anything', 10),
    /no anything within 10 ms/,
  );
});
