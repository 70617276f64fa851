import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromHex, toHex } from '../util/hex.ts';
import { Ipv4Address } from '../util/ip-address.ts';
import { type Dhcpv4Message, decodeDhcpv4Message, encodeDhcpv4Message } from '../wire/dhcpv4/message.ts';
import { type InformClient as Client, InformClient, type InformEvent } from './inform-client.ts';
import { constantRandom, seededRandom } from './test-support.ts';
import { answerInform, embeddedDhcpv4ServerConfig } from './v4-server.ts';

const HOA4 = Ipv4Address.parse('192.0.2.10');
const HA4 = Ipv4Address.parse('192.0.2.1');

function client(unit = 0.5, extra: Partial<ConstructorParameters<typeof InformClient>[0]> = {}): Client {
  return new InformClient({
    clientAddress: HOA4,
    serverAddress: HA4,
    hardwareType: 1,
    clientHardwareAddress: fromHex('020000000001'),
    random: constantRandom(unit),
    ...extra,
  });
}

function drain(c: Client): InformEvent[] {
  const out: InformEvent[] = [];
  for (let e = c.pollEvent(); e; e = c.pollEvent()) out.push(e);
  return out;
}

function run(c: Client, until: number): { at: number; m: Dhcpv4Message }[] {
  const sent: { at: number; m: Dhcpv4Message }[] = [];
  for (let d = c.pollTransmit(); d; d = c.pollTransmit()) sent.push({ at: 0, m: decodeDhcpv4Message(d.payload) });
  for (let i = 0; i < 100; i++) {
    const t = c.pollTimeout();
    if (t === undefined || t > until) break;
    c.handleTimeout(t);
    for (let d = c.pollTransmit(); d; d = c.pollTransmit()) sent.push({ at: t, m: decodeDhcpv4Message(d.payload) });
  }
  return sent;
}

const SERVER = embeddedDhcpv4ServerConfig({
  serverIdentifier: HA4,
  dnsServers: [Ipv4Address.parse('192.0.2.53')],
  viVendorOptions: [{ enterpriseNumber: 10415, subOptions: [{ code: 1, data: fromHex('68656c6c6f') }] }],
});

test('DHCPINFORM literal: ciaddr = IPv4 HoA, xid random, PRL 43 125 6, no lease time, no Rapid Commit (RFC 2131 §4.4.3)', () => {
  const c = client(0.5);
  c.start(0);
  const d = c.pollTransmit()!;
  assert.deepEqual(
    [String(d.source), String(d.destination), d.sourcePort, d.destinationPort],
    ['192.0.2.10', '192.0.2.1', 68, 67],
  );
  // op 1 htype 1 hlen 6 hops 0 | xid | secs 0, flags 0 | ciaddr 192.0.2.10 | yiaddr siaddr giaddr 0 | chaddr
  const header = [
    '01010600',
    '80000000',
    '00000000',
    'c000020a',
    '00'.repeat(12),
    '020000000001',
    '00'.repeat(10),
  ].join('');
  const options = '638253633501083703' + '2b7d06' + 'ff';
  assert.equal(toHex(d.payload), header + '00'.repeat(192) + options + '00'.repeat(300 - 236 - 13));
  const m = decodeDhcpv4Message(d.payload);
  assert.ok(!m.options.some((o) => o.kind === 'rapid-commit')); // RFC 4039 §3: not with DHCPINFORM
  assert.deepEqual(drain(c), [{ kind: 'transmitted', xid: 0x80000000, attempt: 1 }]);
});

test('RFC 2131 §4.1 schedule: 4, 8, 16, 32 s ± 1 s, same xid, secs counting; gives up after 4 tries ≈ 60 s', () => {
  const table: [unit: number, sends: number[], failAt: number][] = [
    [0.5, [0, 4000, 12000, 28000], 60000],
    [0, [0, 3000, 10000, 25000], 56000], // jitter -1 s each time
    [0.9999999, [0, 5000, 14000, 31000], 64000], // jitter ≈ +1 s
  ];
  for (const [unit, sends, failAt] of table) {
    const c = client(unit);
    c.start(0);
    const sent = run(c, 1_000_000);
    assert.deepEqual(
      sent.map((s) => s.at),
      sends,
      `unit ${unit}`,
    );
    assert.ok(sent.every((s) => s.m.xid === sent[0]!.m.xid));
    assert.deepEqual(
      sent.map((s) => s.m.secs),
      sends.map((t) => Math.floor(t / 1000)),
    );
    const events = drain(c);
    assert.deepEqual(events.at(-1), { kind: 'failed', xid: sent[0]!.m.xid, transmissions: 4 });
    assert.equal(c.state, 'failed');
    const again = client(unit);
    again.start(0);
    run(again, failAt - 1);
    assert.equal(again.state, 'waiting');
    assert.equal(again.pollTimeout(), failAt);
  }
});

test('the give-up time is the last try plus its 32 s wait', () => {
  const c = client(0.5);
  c.start(0);
  run(c, 28_000);
  assert.equal(c.pollTimeout(), 60_000);
  c.handleTimeout(59_999);
  assert.equal(c.state, 'waiting');
  c.handleTimeout(60_000);
  assert.equal(c.state, 'failed');
});

test('the DHCPACK of the embedded server gives DNS and option 125 per enterprise; retransmission stops', () => {
  const c = client(0.5);
  c.start(0);
  const inform = c.pollTransmit()!;
  drain(c);
  const r = answerInform(inform.payload, SERVER, HOA4);
  assert.ok(r.kind === 'ack');
  c.handleDatagram(10, r.payload);
  const [e] = drain(c);
  assert.ok(e?.kind === 'ack');
  assert.deepEqual(e.parameters.dnsServers.map(String), ['192.0.2.53']);
  assert.deepEqual(e.parameters.viVendorOptions, [
    { enterpriseNumber: 10415, subOptions: [{ code: 1, data: fromHex('68656c6c6f') }] },
  ]);
  assert.equal(String(e.parameters.serverIdentifier), '192.0.2.1');
  assert.equal(e.parameters.unexpectedLeaseTime, false);
  assert.equal(c.state, 'answered');
  assert.equal(c.pollTimeout(), undefined);
});

test('answers that are not our DHCPACK are dropped with their reason', () => {
  const c = client(0.5);
  c.start(0);
  const inform = decodeDhcpv4Message(c.pollTransmit()!.payload);
  drain(c);
  const ack = (over: Partial<Dhcpv4Message>, type = 5) =>
    encodeDhcpv4Message({
      ...inform,
      op: 2,
      options: [{ kind: 'message-type', messageType: type }],
      ...over,
    });
  const cases: [string, Uint8Array][] = [
    ['malformed', fromHex('0201')],
    ['not-reply', ack({ op: 1 })],
    ['xid', ack({ xid: 1 })],
    ['not-ack', ack({}, 6)], // DHCPNAK
  ];
  for (const [reason, bytes] of cases) {
    c.handleDatagram(5, bytes);
    assert.deepEqual(drain(c), [{ kind: 'dropped', reason }]);
  }
  // A lease time in an ACK to DHCPINFORM is reported, not used (RFC 2131 §4.3.5).
  c.handleDatagram(
    5,
    ack({
      options: [
        { kind: 'message-type', messageType: 5 },
        { kind: 'unknown', code: 51, data: fromHex('00000e10') },
      ],
    }),
  );
  const [e] = drain(c);
  assert.ok(e?.kind === 'ack' && e.parameters.unexpectedLeaseTime);
  c.handleDatagram(6, ack({}));
  assert.deepEqual(drain(c), [{ kind: 'dropped', reason: 'no-exchange' }]);
});

test('options a DHCPINFORM must not carry are refused at construction', () => {
  for (const code of [50, 51, 80, 53, 55, 61])
    assert.throws(
      () => client(0.5, { extraOptions: [{ kind: 'unknown', code, data: new Uint8Array(1) }] }),
      RangeError,
      `${code}`,
    );
  assert.throws(() => client(0.5, { extraOptions: [{ kind: 'rapid-commit' }] }), RangeError);
  assert.throws(() => client(0.5, { clientAddress: Ipv4Address.ANY }), RangeError);
  assert.throws(() => client(0.5, { clientHardwareAddress: new Uint8Array(17) }), RangeError);
  const withClass = client(0.5, {
    requestedOptions: [6, 1],
    clientIdentifier: { type: 0, identifier: fromHex('0102') },
    extraOptions: [{ kind: 'vendor-class-identifier', data: fromHex('3367707075') }],
  });
  withClass.start(0);
  const m = decodeDhcpv4Message(withClass.pollTransmit()!.payload);
  assert.deepEqual(m.options, [
    { kind: 'message-type', messageType: 8 },
    { kind: 'client-identifier', type: 0, identifier: fromHex('0102') },
    { kind: 'parameter-request-list', codes: [43, 125, 6, 1] },
    { kind: 'vendor-class-identifier', data: fromHex('3367707075') },
  ]);
});

test('any bytes become an event, never an exception', () => {
  const c = client(0.5, { random: seededRandom(3) });
  c.start(0);
  drain(c);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      c.handleDatagram(1, bytes);
      assert.equal(drain(c).length, 1);
    }),
  );
});
