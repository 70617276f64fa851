import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { IKE_SA_INIT_REQUEST } from '../../wire/ike/test-vectors.ts';
import { buildIpv6Packet, buildUdp4 } from '../../wire/ip/build.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { encodeMobilityHeader } from '../../wire/mh/header.ts';
import { exampleBu } from '../../wire/mh/test-fixtures.ts';
import { summarizeMobility } from './summarize-mh.ts';
import { summarizePacket, traceDatagram, traceMessage, tracePacket } from './summarize-packet.ts';
import { TraceRecorder } from './trace.ts';

const COA4 = Ipv4Address.parse('192.0.2.10');
const HA4 = Ipv4Address.parse('203.0.113.1');
const HOA = Ipv6Address.parse('2001:db8:100:1::5');
const HA6 = Ipv6Address.parse('2001:db8:1::1');

const BU = exampleBu('AHKR', 7, 3600, [{ kind: 'ipv4-care-of-address', careOfAddress: COA4 }]);

/** The BU as RFC 5555 §4.1 sends it from an IPv4-only network: IPv6 in UDP 4191 in IPv4. */
function buOverUdp(): Uint8Array {
  const inner = buildIpv6Packet({
    src: HOA,
    dst: HA6,
    nextHeader: IpProtocol.MH,
    payload: encodeMobilityHeader(BU, { src: HOA, dst: HA6 }),
  });
  return buildUdp4({ src: COA4, dst: HA4, sourcePort: 4191, destinationPort: 4191, payload: inner });
}

test('the innermost message is summarized, the headers around it become the route', () => {
  const s = summarizePacket(buOverUdp());
  assert.equal(s.protocol, 'MH');
  assert.equal(s.summary, summarizeMobility(BU).summary);
  assert.equal(
    s.details[0],
    'IPv4 192.0.2.10 → 203.0.113.1 | UDP 4191 → 4191 | IPv6 2001:db8:100:1::5 → 2001:db8:1::1',
  );
  assert.equal(s.error, undefined);
});

test('UDP-encapsulated ESP, NAT keepalives and unknown payloads', () => {
  const esp = Uint8Array.of(0xc0, 0xff, 0xee, 0x01, 0, 0, 0, 9, ...new Uint8Array(40));
  const espPacket = buildUdp4({ src: COA4, dst: HA4, sourcePort: 4500, destinationPort: 4500, payload: esp });
  assert.deepEqual(
    [summarizePacket(espPacket).protocol, summarizePacket(espPacket).summary],
    ['ESP', 'ESP spi=0xc0ffee01 seq=9 (40 bytes encrypted)'],
  );
  const keepalive = buildUdp4({
    src: COA4,
    dst: HA4,
    sourcePort: 4500,
    destinationPort: 4500,
    payload: Uint8Array.of(0xff),
  });
  assert.equal(summarizePacket(keepalive).summary, 'NAT keepalive');
  const other = buildUdp4({
    src: COA4,
    dst: HA4,
    sourcePort: 40000,
    destinationPort: 40001,
    payload: new Uint8Array(10),
  });
  assert.deepEqual([summarizePacket(other).protocol, summarizePacket(other).summary], ['UDP', 'data, 10 bytes']);
  assert.equal(summarizePacket(IKE_SA_INIT_REQUEST, 'ike').summary.slice(0, 19), 'IKE_SA_INIT request');
});

test('a malformed packet is summarized as far as it goes, with the error', () => {
  const truncated = buildUdp4({
    src: COA4,
    dst: HA4,
    sourcePort: 500,
    destinationPort: 500,
    payload: IKE_SA_INIT_REQUEST.subarray(0, 100),
  });
  const s = summarizePacket(truncated);
  assert.equal(s.error?.layer, 'ike');
  assert.match(s.summary, /^malformed ike: (BAD_LENGTH|TRUNCATED) at \d+$/);
  assert.equal(s.details[0], 'IPv4 192.0.2.10 → 203.0.113.1 | UDP 500 → 500');
  assert.equal(summarizePacket(new Uint8Array(0)).error?.code, 'TRUNCATED');
});

test('any bytes give a summary, never an exception', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const s = summarizePacket(bytes);
      assert.equal(typeof s.summary, 'string');
    }),
  );
  const packet = buOverUdp();
  fc.assert(
    fc.property(fc.integer({ min: 0, max: packet.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, value) => {
      const mutated = packet.slice();
      mutated[at] = value;
      assert.equal(typeof summarizePacket(mutated).summary, 'string');
    }),
  );
});

test('tracing datagrams, packets and pre-summarized messages', () => {
  let now = 1000;
  const trace = new TraceRecorder(() => now);
  trace.setPhase('ike');
  now = 1012.5;
  const e = traceDatagram(
    trace,
    { from: 'UE', to: 'HA' },
    { source: COA4, destination: HA4, sourcePort: 500, destinationPort: 500, payload: IKE_SA_INIT_REQUEST },
  );
  assert.deepEqual([e.tMs, e.from, e.to, e.protocol, e.bytes, e.phase], [12.5, 'UE', 'HA', 'IKE', 20 + 8 + 240, 'ike']);
  trace.setPhase('registration');
  const p = tracePacket(trace, { from: 'UE', to: 'HA', tMs: 20 }, buOverUdp());
  assert.deepEqual([p.tMs, p.protocol, p.phase], [20, 'MH', 'registration']);
  const m = traceMessage(trace, { from: 'HA', to: 'UE', phase: 'other' }, summarizeMobility(BU), 56);
  assert.deepEqual([m.protocol, m.bytes, m.phase], ['MH', 56, 'other']);
  assert.equal(trace.entries.length, 3);
});
