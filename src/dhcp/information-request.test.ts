import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromHex, toHex } from '../util/hex.ts';
import { Ipv6Address } from '../util/ip-address.ts';
import { type Dhcpv6Message, decodeDhcpv6Message, encodeDhcpv6Message } from '../wire/dhcpv6/message.ts';
import type { Dhcpv6Option } from '../wire/dhcpv6/option-types.ts';
import {
  InformationRequestClient as Client,
  type InformationRequestClient,
  type InformationRequestEvent,
} from './information-request.ts';
import { constantRandom, HA_SERVER_DUID, seededRandom, UE_DUID } from './test-support.ts';
import { createTunnelInformationRequestClient } from './tunnel-clients.ts';

const HOA = Ipv6Address.parse('2001:db8:1:2::1');

function tunnelClient(
  unit = 0.5,
  extra: Partial<ConstructorParameters<typeof Client>[0]> = {},
): InformationRequestClient {
  return new Client({
    clientDuid: UE_DUID,
    requestedOptions: [17, 23],
    source: HOA,
    random: constantRandom(unit),
    ...extra,
  });
}

function drain(c: InformationRequestClient): InformationRequestEvent[] {
  const out: InformationRequestEvent[] = [];
  for (let e = c.pollEvent(); e; e = c.pollEvent()) out.push(e);
  return out;
}

/** Runs the client's timers up to `until`, returning (time, message) of every transmission. */
function runUntil(c: InformationRequestClient, until: number): { at: number; m: Dhcpv6Message }[] {
  const sent: { at: number; m: Dhcpv6Message }[] = [];
  for (let i = 0; i < 10_000; i++) {
    const t = c.pollTimeout();
    if (t === undefined || t > until) break;
    c.handleTimeout(t);
    for (let d = c.pollTransmit(); d; d = c.pollTransmit()) sent.push({ at: t, m: decodeDhcpv6Message(d.payload) });
  }
  return sent;
}

function reply(transactionId: number, options: Dhcpv6Option[]): Uint8Array {
  return encodeDhcpv6Message({ kind: 'client-server', msgType: 7, transactionId, options });
}

const SERVER_ID: Dhcpv6Option = { kind: 'server-id', duid: HA_SERVER_DUID };
const CLIENT_ID: Dhcpv6Option = { kind: 'client-id', duid: UE_DUID };

test('the first Information-request: delayed by 0..INF_MAX_DELAY, client id, elapsed 0, ORO 17 23 32 83 (literal)', () => {
  const c = createTunnelInformationRequestClient({
    homeAddress: HOA,
    clientDuid: UE_DUID,
    random: constantRandom(0.5),
  });
  c.start(10_000);
  assert.equal(c.pollTransmit(), undefined);
  assert.equal(c.pollTimeout(), 10_500); // 0.5 · INF_MAX_DELAY (RFC 8415 §18.2.6)
  c.handleTimeout(10_500);
  const d = c.pollTransmit()!;
  assert.equal(d.source.toString(), '2001:db8:1:2::1');
  assert.equal(d.destination.toString(), 'ff02::1:2');
  assert.deepEqual([d.sourcePort, d.destinationPort], [546, 547]);
  // msg-type 11, xid 800000 | Client Identifier DUID-LL | Elapsed Time 0 | ORO 17, 23, 32, 83
  assert.equal(
    toHex(d.payload),
    '0b800000' + '0001000a00030001020000000001' + '000800020000' + '000600080011001700200053',
  );
  assert.deepEqual(drain(c), [{ kind: 'transmitted', transactionId: 0x800000, attempt: 1 }]);
});

test('retransmissions follow RFC 8415 §15 with Elapsed Time updated, same transaction id (virtual time)', () => {
  const c = tunnelClient(0.5);
  c.start(0);
  const sent = runUntil(c, 20_000);
  assert.deepEqual(
    sent.map((s) => s.at),
    [500, 1500, 3500, 7500, 15500],
  );
  const elapsed = sent.map((s) => {
    const m = s.m;
    assert.equal(m.kind === 'client-server' && m.transactionId, 0x800000);
    const e = m.options.find((o) => o.kind === 'elapsed-time');
    return e?.kind === 'elapsed-time' ? e.elapsedCentiSec : -1;
  });
  assert.deepEqual(elapsed, [0, 100, 300, 700, 1500]);
});

test('RT grows to INF_MAX_RT (3600 s ± 10 %) and stays there; Elapsed Time saturates at 0xffff', () => {
  const c = tunnelClient(0.999999);
  c.start(0);
  const sent = runUntil(c, 6 * 3600_000);
  const gaps = sent.slice(1).map((s, i) => s.at - sent[i]!.at);
  assert.ok(gaps.every((g) => g <= 3960_000));
  assert.ok(gaps.at(-1)! > 3_959_000); // MRT + RAND·MRT with RAND ≈ +0.1
  const last = sent.at(-1)!.m;
  assert.ok(last.kind === 'client-server');
  assert.deepEqual(last.options[1], { kind: 'elapsed-time', elapsedCentiSec: 0xffff });
  assert.equal(c.state, 'waiting'); // MRC = MRD = 0: never gives up
});

test('MRD and MRC bound an exchange when configured (RFC 8415 §15)', () => {
  const byMrd = tunnelClient(0.5, { retransmission: { mrdMs: 5000 } });
  byMrd.start(0);
  assert.deepEqual(
    runUntil(byMrd, 60_000).map((s) => s.at),
    [500, 1500, 3500],
  );
  assert.deepEqual(drain(byMrd).at(-1), { kind: 'failed', transactionId: 0x800000, transmissions: 3 });
  assert.equal(byMrd.state, 'failed');

  const byMrc = tunnelClient(0.5, { retransmission: { mrc: 2 }, firstTransmissionDelayMaxMs: 0 });
  byMrc.start(0); // no delay bound: the first message goes at once
  assert.ok(byMrc.pollTransmit());
  assert.deepEqual(
    runUntil(byMrc, 60_000).map((s) => s.at),
    [1000],
  );
  assert.equal(byMrc.pollTimeout(), undefined);
  assert.equal(drain(byMrc).at(-1)?.kind, 'failed');
});

test('a valid Reply ends the exchange and gives the parameters; the refresh runs at IRT (RFC 8415 §21.23)', () => {
  const c = tunnelClient(0.5);
  c.start(0);
  runUntil(c, 500);
  drain(c);
  c.handleDatagram(
    800,
    reply(0x800000, [
      SERVER_ID,
      CLIENT_ID,
      { kind: 'dns-servers', servers: [Ipv6Address.parse('2001:db8::53')] },
      { kind: 'vendor-opts', enterpriseNumber: 10415, subOptions: [{ code: 1, data: fromHex('68656c6c6f') }] },
      { kind: 'unknown', code: 99, data: fromHex('ab') },
    ]),
  );
  const [e] = drain(c);
  assert.ok(e?.kind === 'reply');
  assert.deepEqual(e.parameters.dnsServers.map(String), ['2001:db8::53']);
  assert.deepEqual(e.parameters.vendorOptions, [
    { enterpriseNumber: 10415, subOptions: [{ code: 1, data: fromHex('68656c6c6f') }] },
  ]);
  assert.equal(e.parameters.informationRefreshTimeSec, 86400); // no option: IRT_DEFAULT
  assert.deepEqual(e.parameters.otherOptions, [CLIENT_ID, { kind: 'unknown', code: 99, data: fromHex('ab') }]);
  assert.equal(c.state, 'answered');
  assert.equal(c.pollTimeout(), 800 + 86_400_000);
  // The refresh starts a new exchange at once (only the first message on an interface is delayed).
  c.handleTimeout(800 + 86_400_000);
  const again = c.pollTransmit();
  assert.ok(again);
  assert.equal(c.state, 'waiting');
});

test('Information Refresh Time below IRT_MINIMUM is raised to 600 s; infinity never refreshes', () => {
  const cases: [number, number | undefined][] = [
    [60, 500 + 600_000],
    [0xffffffff, undefined],
    [7200, 500 + 7_200_000],
  ];
  for (const [irt, deadline] of cases) {
    const c = tunnelClient(0.5);
    c.start(0);
    runUntil(c, 500);
    c.handleDatagram(
      500,
      reply(0x800000, [SERVER_ID, CLIENT_ID, { kind: 'information-refresh-time', refreshTimeSec: irt }]),
    );
    assert.equal(c.pollTimeout(), deadline, `IRT ${irt}`);
  }
});

test('a valid INF_MAX_RT option replaces MRT for later exchanges; out-of-range values are ignored (RFC 8415 §21.25)', () => {
  for (const [value, cap] of [
    [100, 110_000],
    [30, 3_959_999],
  ] as const) {
    const c = tunnelClient(0.999999, { refresh: false });
    c.start(0);
    const [first] = runUntil(c, 1000);
    assert.ok(first?.m.kind === 'client-server');
    c.handleDatagram(
      1000,
      reply(first.m.transactionId, [SERVER_ID, CLIENT_ID, { kind: 'inf-max-rt', infMaxRtSec: value }]),
    );
    assert.equal(c.parameters?.infMaxRtSec, value === 100 ? 100 : undefined);
    c.start(2000);
    const sent = runUntil(c, 50_000_000);
    const gaps = sent.slice(1).map((s, i) => s.at - sent[i]!.at);
    assert.equal(Math.max(...gaps), cap, `INF_MAX_RT ${value}`); // MRT · (1 + RAND), RAND = 0.1 - 2e-7
  }
});

test('Replies RFC 8415 §16.10 discards, each with its reason; the exchange goes on', () => {
  const c = tunnelClient(0.5);
  c.start(0);
  runUntil(c, 500);
  drain(c);
  const bad: [string, Uint8Array][] = [
    ['malformed', fromHex('07800000000100')],
    [
      'not-reply',
      encodeDhcpv6Message({
        kind: 'client-server',
        msgType: 2,
        transactionId: 0x800000,
        options: [SERVER_ID, CLIENT_ID],
      }),
    ],
    [
      'not-reply',
      encodeDhcpv6Message({
        kind: 'relay',
        msgType: 13,
        hopCount: 0,
        linkAddress: Ipv6Address.ANY,
        peerAddress: HOA,
        options: [],
      }),
    ],
    ['transaction-id', reply(0x800001, [SERVER_ID, CLIENT_ID])],
    ['no-server-id', reply(0x800000, [CLIENT_ID])],
    ['client-id-mismatch', reply(0x800000, [SERVER_ID])],
    ['client-id-mismatch', reply(0x800000, [SERVER_ID, { kind: 'client-id', duid: HA_SERVER_DUID }])],
  ];
  for (const [reason, bytes] of bad) {
    c.handleDatagram(600, bytes);
    assert.deepEqual(drain(c), [{ kind: 'dropped', reason }], reason);
  }
  assert.equal(c.state, 'waiting');
  // Without a Client Identifier of its own, a Reply carrying one is discarded and one without is accepted.
  const anonymous = tunnelClient(0.5, { clientDuid: undefined });
  anonymous.start(0);
  runUntil(anonymous, 500);
  drain(anonymous);
  anonymous.handleDatagram(600, reply(0x800000, [SERVER_ID, CLIENT_ID]));
  assert.deepEqual(drain(anonymous), [{ kind: 'dropped', reason: 'client-id-mismatch' }]);
  anonymous.handleDatagram(600, reply(0x800000, [SERVER_ID]));
  assert.equal(drain(anonymous)[0]?.kind, 'reply');
});

test('a datagram with no exchange under way is dropped; stop() cancels timers', () => {
  const c = tunnelClient(0.5);
  c.handleDatagram(0, reply(1, [SERVER_ID]));
  assert.deepEqual(drain(c), [{ kind: 'dropped', reason: 'no-exchange' }]);
  c.start(0);
  c.stop();
  assert.equal(c.pollTimeout(), undefined);
});

test('any bytes from the network become an event, never an exception', () => {
  const c = new Client({ clientDuid: UE_DUID, requestedOptions: [], source: HOA, random: seededRandom(7) });
  c.start(0);
  runUntil(c, 1000);
  drain(c);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      c.handleDatagram(1000, bytes);
      const e = drain(c);
      assert.equal(e.length, 1);
    }),
  );
});

test('ORO codes outside 16 bits are the caller’s bug', () => {
  assert.throws(() => tunnelClient(0.5, { requestedOptions: [70000] }), RangeError);
});
