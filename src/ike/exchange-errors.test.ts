import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipv4Address } from '../util/ip-address.ts';
import { ExchangeType, NotifyType } from '../wire/ike/constants.ts';
import { decodeIkeMessage, encodeIkeMessage, type IkeMessage } from '../wire/ike/message.ts';
import type { IkePayload } from '../wire/ike/payload.ts';
import type { IkeTransmit } from './events.ts';
import { IkeInitiator } from './initiator.ts';
import { IkeResponder } from './responder.ts';
import { attached, FakeLink, payloadNames } from './test-link.ts';
import { HA_ADDR, haConfig, UE_ADDR, ueConfig, validNow } from './test-support.ts';

const N = (t: number) => `N(${t})`;
const FROM_UE = { localAddr: HA_ADDR, localPort: 500, remoteAddr: UE_ADDR, remotePort: 500 };

function fresh() {
  return new FakeLink(new IkeInitiator(ueConfig()), new IkeResponder(haConfig()), validNow());
}

/** Every datagram the HA wants to send, decoded (unprotected ones only). */
function haOut(ha: IkeResponder): { t: IkeTransmit; m: IkeMessage }[] {
  const out = [];
  for (let t = ha.pollTransmit(); t; t = ha.pollTransmit()) out.push({ t, m: decodeIkeMessage(t.bytes) });
  return out;
}

/** The UE's real IKE_SA_INIT request, decoded, so a test can alter it. */
function initRequest(link: FakeLink): IkeMessage {
  link.ue.connect(link.now);
  const d = link.next()!;
  link.queue.shift();
  return decodeIkeMessage(d.t.bytes);
}

test('INVALID_MAJOR_VERSION: a version-3 request is answered in version 2 and leaves no state', () => {
  const link = fresh();
  const bytes = encodeIkeMessage(initRequest(link));
  bytes[17] = 0x30; // major version 3
  link.ha.handleDatagram(link.now, bytes, FROM_UE);
  const [r] = haOut(link.ha);
  assert.ok(r);
  assert.equal(r.m.header.majorVersion, 2);
  assert.ok(r.m.header.response);
  assert.deepEqual(payloadNames(r.m.payloads), [N(NotifyType.INVALID_MAJOR_VERSION)]);
  assert.equal(link.ha.ikeSaCount, 0);
});

test('UNSUPPORTED_CRITICAL_PAYLOAD for an unknown critical payload; a non-critical one is skipped', () => {
  const link = fresh();
  const req = initRequest(link);
  const unknown = (critical: boolean): IkePayload => ({
    kind: 'unknown',
    type: 200,
    critical,
    data: new Uint8Array(3),
  });
  link.ha.handleDatagram(link.now, encodeIkeMessage({ ...req, payloads: [...req.payloads, unknown(true)] }), FROM_UE);
  const [r] = haOut(link.ha);
  assert.deepEqual(payloadNames(r!.m.payloads), [N(NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD)]);
  const n = r!.m.payloads[0];
  assert.deepEqual(n?.kind === 'notify' ? [...n.data] : [], [200]); // the payload type (RFC 7296 §3.10.1)
  assert.deepEqual(r!.m.header.responderSpi, new Uint8Array(8));
  assert.equal(link.ha.ikeSaCount, 0);
  link.ha.handleDatagram(link.now, encodeIkeMessage({ ...req, payloads: [...req.payloads, unknown(false)] }), FROM_UE);
  const [ok] = haOut(link.ha);
  assert.deepEqual(payloadNames(ok!.m.payloads).slice(0, 3), ['SA', 'KE', 'N']);
});

test('INVALID_SYNTAX for an IKE_SA_INIT request without KE', () => {
  const link = fresh();
  const req = initRequest(link);
  link.ha.handleDatagram(
    link.now,
    encodeIkeMessage({ ...req, payloads: req.payloads.filter((p) => p.kind !== 'ke') }),
    FROM_UE,
  );
  const [r] = haOut(link.ha);
  assert.deepEqual(payloadNames(r!.m.payloads), [N(NotifyType.INVALID_SYNTAX)]);
  assert.equal(link.ha.ikeSaCount, 0);
});

test('INVALID_IKE_SPI for a request on an unknown SA, rate-limited; unknown responses are ignored', () => {
  const link = fresh();
  const header = {
    initiatorSpi: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
    responderSpi: Uint8Array.of(9, 9, 9, 9, 9, 9, 9, 9),
    majorVersion: 2,
    minorVersion: 0,
    exchangeType: ExchangeType.INFORMATIONAL,
    response: false,
    higherVersion: false,
    initiator: true,
    messageId: 7,
  };
  const msg = encodeIkeMessage({ header, payloads: [{ kind: 'sk', firstPayload: 0, data: new Uint8Array(40) }] });
  link.ha.handleDatagram(link.now, msg, FROM_UE);
  link.ha.handleDatagram(link.now, msg, FROM_UE); // within the rate limit: dropped
  const out = haOut(link.ha);
  assert.equal(out.length, 1);
  assert.deepEqual(payloadNames(out[0]!.m.payloads), [N(NotifyType.INVALID_IKE_SPI)]);
  assert.equal(out[0]!.m.header.messageId, 7);
  assert.deepEqual(out[0]!.m.header.initiatorSpi, header.initiatorSpi);
  assert.equal(link.ha.counters.droppedRateLimited, 1);
  link.ha.handleDatagram(link.now, encodeIkeMessage({ header: { ...header, response: true }, payloads: [] }), FROM_UE);
  assert.equal(haOut(link.ha).length, 0);
  assert.equal(link.ha.counters.droppedUnknownSpi, 3);
});

test('malformed datagrams are dropped and counted, never answered', () => {
  const link = fresh();
  for (const junk of [new Uint8Array(0), new Uint8Array(27), new Uint8Array(100).fill(0xff)]) {
    link.ha.handleDatagram(link.now, junk, FROM_UE);
  }
  assert.equal(haOut(link.ha).length, 0);
  assert.equal(link.ha.counters.droppedMalformed, 3);
});

test('a corrupted IKE_AUTH request fails integrity: dropped silently, the retransmission succeeds', () => {
  const link = fresh();
  link.ue.connect(link.now);
  link.step();
  link.step();
  const auth = link.next()!;
  link.queue.shift();
  const bad = auth.t.bytes.slice();
  bad[bad.length - 20]! ^= 1;
  link.deliver({ from: 'ue', t: { ...auth.t, bytes: bad } });
  link.collect();
  assert.equal(link.next(), undefined);
  assert.equal(link.ha.counters.droppedIntegrity, 1);
  link.runUntil(() => link.eventsOf('ue', 'child-sa-established').length >= 2);
  assert.equal(link.ue.counters.retransmitted, 1);
});

test('INVALID_SYNTAX in an authenticated request is fatal on both sides (RFC 7296 §2.21.3)', () => {
  const link = fresh();
  const { ueSa } = attached(link);
  const sa = link.ue.ikeSa(ueSa)!;
  // INFORMATIONAL { CP, CP } -->   (two CP payloads: not allowed)
  const cp: IkePayload = { kind: 'cp', cfgType: 1, attributes: [] };
  const bytes = sa.encodeMessage(ExchangeType.INFORMATIONAL, false, sa.tasks.takeRequestId(), [cp, cp]);
  link.queue.push({ from: 'ue', t: { ...sa.path, bytes, nonEspMarker: false } });
  // <-- INFORMATIONAL { N(INVALID_SYNTAX) }
  const m = link.step();
  assert.equal(m.from, 'ue');
  link.collect();
  const reply = link.queue.shift()!;
  assert.deepEqual(link.inspect(reply).names, [N(NotifyType.INVALID_SYNTAX)]);
  assert.deepEqual(
    link.eventsOf('ha', 'ike-sa-deleted').map((e) => e.kind === 'ike-sa-deleted' && e.reason),
    [`sent-notify-${NotifyType.INVALID_SYNTAX}`],
  );
});

test('a request outside the window is dropped; the HA reports INVALID_MESSAGE_ID in its own INFORMATIONAL', () => {
  const link = fresh();
  link.ue.connect(link.now);
  link.step();
  link.step();
  const firstAuth = link.next()!; // IKE_AUTH request, Message ID 1
  link.runUntil(() => link.eventsOf('ue', 'child-sa-established').length >= 2);
  link.deliver(firstAuth); // replayed long after: outside the window (RFC 7296 §2.3)
  link.collect();
  assert.equal(link.ha.counters.droppedMessageId, 1);
  // INFORMATIONAL { N(INVALID_MESSAGE_ID, 1) } <--   (from the HA, a request of its own)
  const m = link.step();
  assert.deepEqual([m.from, m.response, m.names], ['ha', false, [N(NotifyType.INVALID_MESSAGE_ID)]]);
  const n = m.payloads[0];
  assert.deepEqual(n?.kind === 'notify' ? [...n.data] : [], [0, 0, 0, 1]);
  link.flush();
  const got = link.eventsOf('ue', 'error-notify');
  assert.ok(
    got.some((e) => e.kind === 'error-notify' && e.notifyType === NotifyType.INVALID_MESSAGE_ID && !e.unauthenticated),
  );
  assert.equal(link.eventsOf('ue', 'ike-sa-deleted').length, 0);
});

test('an unprotected INVALID_IKE_SPI answer is only a hint: reported, no state change', () => {
  const link = fresh();
  const { ueSa } = attached(link);
  link.ue.checkLiveness(link.now, ueSa);
  const req = link.next()!;
  link.queue.shift();
  const h = decodeIkeMessage(req.t.bytes).header;
  const forged = encodeIkeMessage({
    header: { ...h, response: true, initiator: false },
    payloads: [
      {
        kind: 'notify',
        protocolId: 0,
        spi: new Uint8Array(0),
        notifyType: NotifyType.INVALID_IKE_SPI,
        data: new Uint8Array(0),
      },
    ],
  });
  link.ue.handleDatagram(link.now, forged, {
    localAddr: UE_ADDR,
    localPort: 500,
    remoteAddr: Ipv4Address.parse('198.51.100.1'),
    remotePort: 500,
  });
  const e = link.eventsOf('ue', 'error-notify');
  assert.ok(
    e.some((x) => x.kind === 'error-notify' && x.notifyType === NotifyType.INVALID_IKE_SPI && x.unauthenticated),
  );
  assert.equal(link.ue.ikeSa(ueSa)?.established, true);
  link.deliver(req); // the genuine exchange still completes
  link.flush();
  assert.equal(link.eventsOf('ue', 'ike-sa-deleted').length, 0);
});
