import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ConfigError } from '../util/errors.ts';
import { fromHex, toHex } from '../util/hex.ts';
import { Ipv4Address } from '../util/ip-address.ts';
import { type Dhcpv4Message, decodeDhcpv4Message, encodeDhcpv4Message } from '../wire/dhcpv4/message.ts';
import { ascii } from './test-support.ts';
import { dhcpv4RelayConfig, relayToClient, relayToServer } from './v4-relay.ts';

const v4 = (s: string) => Ipv4Address.parse(s);
const CONFIG = dhcpv4RelayConfig({
  relayAddress: v4('10.77.0.2'),
  serverAddresses: [v4('10.77.0.1')],
  relayAgentInformation: true,
});

const INFORM: Dhcpv4Message = {
  op: 1,
  htype: 1,
  hops: 0,
  xid: 0xcafe0001,
  secs: 3,
  broadcast: false,
  ciaddr: v4('192.0.2.10'),
  yiaddr: Ipv4Address.ANY,
  siaddr: Ipv4Address.ANY,
  giaddr: Ipv4Address.ANY,
  chaddr: fromHex('020000000001'),
  sname: new Uint8Array(0),
  file: new Uint8Array(0),
  options: [
    { kind: 'message-type', messageType: 8 },
    { kind: 'parameter-request-list', codes: [43, 125, 6] },
  ],
};

test('relaying a DHCPINFORM (RFC 1542 §4.1.1, RFC 3046 §2.1): giaddr, hops + 1, option 82 last; nothing else changes', () => {
  const original = encodeDhcpv4Message(INFORM);
  const r = relayToServer(original, ascii('b1'), CONFIG);
  assert.ok(r.kind === 'forward');
  const [d] = r.transmits;
  assert.ok(d);
  assert.deepEqual(
    [String(d.source), String(d.destination), d.sourcePort, d.destinationPort],
    ['10.77.0.2', '10.77.0.1', 67, 67],
  );
  const out = d.payload;
  assert.equal(out[3], 1); // hops
  assert.equal(toHex(out.subarray(24, 28)), '0a4d0002'); // giaddr
  // Octets other than hops and giaddr are the UE's, up to its End option ...
  assert.equal(toHex(out.subarray(0, 3)), toHex(original.subarray(0, 3)));
  assert.equal(toHex(out.subarray(4, 24)), toHex(original.subarray(4, 24)));
  assert.equal(toHex(out.subarray(28, 248)), toHex(original.subarray(28, 248)));
  // ... then 82 { circuit id "b1" } and End.
  assert.equal(toHex(out.subarray(248, 255)), '5204' + '01026231' + 'ff');
  const m = decodeDhcpv4Message(out);
  assert.deepEqual(m.options.at(-1), { kind: 'relay-agent-information', subOptions: [{ code: 1, data: ascii('b1') }] });
  assert.equal(out.length, 300);
});

test('without option 82 configured only giaddr and hops change', () => {
  const plain = dhcpv4RelayConfig({
    relayAddress: v4('10.77.0.2'),
    serverAddresses: [v4('10.77.0.1'), v4('10.77.0.3')],
  });
  const r = relayToServer(encodeDhcpv4Message(INFORM), ascii('b1'), plain);
  assert.ok(r.kind === 'forward');
  assert.equal(r.transmits.length, 2);
  const m = decodeDhcpv4Message(r.transmits[0]!.payload);
  assert.deepEqual(m, { ...INFORM, hops: 1, giaddr: v4('10.77.0.2') });
});

test('what the relay drops on the way to the server', () => {
  const cases: [string, Uint8Array][] = [
    ['malformed', fromHex('0101')],
    ['not-request', encodeDhcpv4Message({ ...INFORM, op: 2 })],
    ['hop-limit', encodeDhcpv4Message({ ...INFORM, hops: 4 })],
    [
      'untrusted-relay-agent-information',
      encodeDhcpv4Message({
        ...INFORM,
        options: [...INFORM.options, { kind: 'relay-agent-information', subOptions: [{ code: 1, data: ascii('x') }] }],
      }),
    ],
  ];
  for (const [reason, bytes] of cases)
    assert.deepEqual(relayToServer(bytes, ascii('b1'), CONFIG), { kind: 'drop', reason });
  // A request already relayed once keeps its giaddr and gets no second option 82 (RFC 3046 §2.1).
  const second = relayToServer(
    encodeDhcpv4Message({ ...INFORM, hops: 1, giaddr: v4('10.9.9.9') }),
    ascii('b1'),
    CONFIG,
  );
  assert.ok(second.kind === 'forward');
  const m = decodeDhcpv4Message(second.transmits[0]!.payload);
  assert.equal(String(m.giaddr), '10.9.9.9');
  assert.equal(m.hops, 2);
  assert.ok(!m.options.some((o) => o.kind === 'relay-agent-information'));
  assert.throws(() => relayToServer(encodeDhcpv4Message(INFORM), new Uint8Array(0), CONFIG), RangeError);
});

const ACK: Dhcpv4Message = {
  ...INFORM,
  op: 2,
  hops: 0,
  giaddr: v4('10.77.0.2'),
  options: [
    { kind: 'message-type', messageType: 5 },
    { kind: 'server-identifier', address: v4('10.77.0.1') },
    { kind: 'relay-agent-information', subOptions: [{ code: 1, data: ascii('b1') }] },
    { kind: 'dns-servers', servers: [v4('10.77.0.53')] },
  ],
};

test('relaying the DHCPACK back (RFC 3046 §2.2): option 82 removed, circuit id returned, to ciaddr:68', () => {
  const r = relayToClient(encodeDhcpv4Message(ACK), CONFIG);
  assert.ok(r.kind === 'deliver');
  assert.deepEqual([String(r.destination), r.destinationPort], ['192.0.2.10', 68]);
  assert.deepEqual(r.circuitId, ascii('b1'));
  const m = decodeDhcpv4Message(r.payload);
  assert.deepEqual(m, { ...ACK, options: ACK.options.filter((o) => o.kind !== 'relay-agent-information') });
  // Without ciaddr: broadcast when the client asked for it, else yiaddr (RFC 2131 §4.1).
  const toBroadcast = relayToClient(encodeDhcpv4Message({ ...ACK, ciaddr: Ipv4Address.ANY, broadcast: true }), CONFIG);
  assert.ok(toBroadcast.kind === 'deliver' && String(toBroadcast.destination) === '255.255.255.255');
  const toYiaddr = relayToClient(
    encodeDhcpv4Message({ ...ACK, ciaddr: Ipv4Address.ANY, yiaddr: v4('192.0.2.99') }),
    CONFIG,
  );
  assert.ok(toYiaddr.kind === 'deliver' && String(toYiaddr.destination) === '192.0.2.99');
});

test('what the relay drops on the way to the UE', () => {
  assert.deepEqual(relayToClient(fromHex('02'), CONFIG), { kind: 'drop', reason: 'malformed' });
  assert.deepEqual(relayToClient(encodeDhcpv4Message({ ...ACK, op: 1 }), CONFIG), {
    kind: 'drop',
    reason: 'not-reply',
  });
  assert.deepEqual(relayToClient(encodeDhcpv4Message({ ...ACK, giaddr: v4('10.77.0.9') }), CONFIG), {
    kind: 'drop',
    reason: 'not-our-giaddr',
  });
});

test('configuration errors name their key', () => {
  assert.throws(
    () => dhcpv4RelayConfig({ relayAddress: v4('10.0.0.1'), serverAddresses: [] }),
    (e: unknown) => e instanceof ConfigError && e.code === 'MISSING' && e.path === 'ha.dhcp.v4Relay.serverAddresses',
  );
  assert.throws(
    () => dhcpv4RelayConfig({ relayAddress: v4('10.0.0.1'), serverAddresses: [v4('10.0.0.2')], maxHops: 17 }),
    (e: unknown) => e instanceof ConfigError && e.path === 'ha.dhcp.v4Relay.maxHops',
  );
});

test('any bytes from either side: a result, never an exception', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      assert.ok(['forward', 'drop'].includes(relayToServer(bytes, ascii('x'), CONFIG).kind));
      assert.ok(['deliver', 'drop'].includes(relayToClient(bytes, CONFIG).kind));
    }),
  );
});
