import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesEqual } from '../util/hex.ts';
import { ExchangeType } from '../wire/ike/constants.ts';
import type { IkeEvent, MessagePayloadsEvent } from './events.ts';
import { IkeInitiator } from './initiator.ts';
import { IkeResponder } from './responder.ts';
import { FakeLink, payloadNames, type Seen } from './test-link.ts';
import { haConfig, ueConfig, validNow } from './test-support.ts';

const traces = (events: readonly IkeEvent[]) =>
  events.filter((e): e is MessagePayloadsEvent => e.kind === 'message-payloads');

test('messageTrace: each protected message is reported once by its sender and once by its receiver, in the clear', () => {
  const ue = new IkeInitiator(ueConfig({ messageTrace: true }));
  const ha = new IkeResponder(haConfig({ messageTrace: true }));
  const link = new FakeLink(ue, ha, validNow());
  ue.connect(link.now);
  // IKE_SA_INIT is not protected; three IKE_AUTH round trips (EAP, EAP Success, AUTH) and the CREATE_CHILD_SA are.
  const seen: Seen[] = link.flush();
  const protectedSeen = seen.filter((s) => s.exchangeType !== ExchangeType.IKE_SA_INIT);
  assert.equal(protectedSeen.length, 8);
  const ueSent = traces(link.ueEvents).filter((e) => e.direction === 'sent');
  const ueReceived = traces(link.ueEvents).filter((e) => e.direction === 'received');
  const haSent = traces(link.haEvents).filter((e) => e.direction === 'sent');
  const haReceived = traces(link.haEvents).filter((e) => e.direction === 'received');
  // What the link decrypted with the receiver's keys is what both engines reported, message by message.
  const fromUe = protectedSeen.filter((s) => s.from === 'ue');
  const fromHa = protectedSeen.filter((s) => s.from === 'ha');
  for (const [reports, expected] of [
    [ueSent, fromUe],
    [haReceived, fromUe],
    [haSent, fromHa],
    [ueReceived, fromHa],
  ] as const) {
    assert.deepEqual(
      reports.map((e) => [e.header.exchangeType, e.header.messageId, e.header.response, payloadNames(e.payloads)]),
      expected.map((s) => [s.exchangeType, s.messageId, s.response, s.names]),
    );
  }
  // IKE_AUTH #1 { IDi, CERTREQ, IDr, N(MULTIPLE_AUTH_SUPPORTED), CP(CFG_REQUEST), SA, TSi, TSr } -->
  assert.deepEqual(payloadNames(ueSent[0]!.payloads).slice(0, 3), ['IDi', 'CERTREQ', 'IDr']);
  // Both sides name the same IKE SA by its SPIs.
  const h = ueSent[0]!.header;
  assert.ok(bytesEqual(h.initiatorSpi, haReceived[0]!.header.initiatorSpi));
  assert.ok(bytesEqual(h.responderSpi, haReceived[0]!.header.responderSpi));
  assert.ok(ueSent.every((e) => e.ikeSaId === ueSent[0]!.ikeSaId));
});

test('a retransmission is not reported again; without messageTrace nothing is reported', () => {
  const ue = new IkeInitiator(ueConfig({ messageTrace: true }));
  const ha = new IkeResponder(haConfig());
  const link = new FakeLink(ue, ha, validNow());
  ue.connect(link.now);
  link.step(); // IKE_SA_INIT request -->
  link.step(); // <-- IKE_SA_INIT response
  link.step({ drop: true }); // IKE_AUTH #1 lost
  link.advance(); // retransmitted (RFC 7296 §2.1: the same bytes)
  link.flush();
  const auth1 = traces(link.ueEvents).filter((e) => e.direction === 'sent' && e.header.messageId === 1);
  assert.equal(auth1.length, 1);
  assert.ok(traces(link.ueEvents).some((e) => e.direction === 'received'));
  assert.deepEqual(traces(link.haEvents), []);
});
