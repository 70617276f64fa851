/**
 * The HA's S6b client and the AAA server app joined in virtual time: capabilities exchange, DER/DEA rounds to
 * success, failures, STR, ASR, RAR, the watchdog, failover with the T flag, DPR. The EAP method is a two-round fake
 * here (src/node/aaa tests run the real EAP-AKA).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ApplicationId,
  AvpDefs,
  CommandCode,
  CommandFlag,
  decodeDiameter,
  encodeDiameter,
  findAvp,
  readGrouped,
  readUnsigned32,
  readUnsigned64,
  readUtf8,
  u32Avp,
  utf8Avp,
} from '../../wire/diameter/index.ts';
import type { EapAuthenticatorFactory } from './eap-server-app.ts';
import type { EapOutcome } from './s6b.ts';
import { TestLink } from './test-link.ts';

const MSK = Uint8Array.from({ length: 64 }, (_, i) => i);
const resp = (id: number, data: string) => Uint8Array.from([2, id, 0, 5 + data.length, 254, ...Buffer.from(data)]);

/** Start → Request id 1; a Response with "ok" → success, anything else → rejected. User "nobody" is unknown. */
const fakeMethod: EapAuthenticatorFactory = ({ identity }) => ({
  start: () =>
    identity.startsWith('nobody')
      ? { result: { ok: false, reason: 'unknown-subscriber' } }
      : { request: Uint8Array.of(1, 1, 0, 5, 254) },
  handle: (r) =>
    Buffer.from(r.subarray(5)).toString() === 'ok'
      ? { result: { ok: true, msk: MSK, identity: `imsi-of-${identity}` } }
      : { result: { ok: false, reason: 'rejected' } },
});

const reasonOf = (o: EapOutcome | undefined) => (o?.kind === 'failure' ? o.reason : o?.kind);

const IDENTITY = (sessionKey: string, eap: Uint8Array, userName = '0001010000000001@nai.example') => ({
  sessionKey,
  userName,
  eap,
  apn: 'internet',
});

function opened(n = 1): TestLink {
  const l = new TestLink(fakeMethod, n, { ratType: 0, mip6FeatureVector: 0x200_0000_0000n });
  for (let i = 0; i < n; i++) l.connect(i);
  return l;
}

test('CER/CEA then DER/DEA: MULTI_ROUND_AUTH, then SUCCESS with the MSK; the DER carries the S6b AVPs', () => {
  const l = opened();
  // CER --> <-- CEA (RFC 6733 §5.3)
  assert.equal(l.sent[0]!.message.commandCode, CommandCode.CAPABILITIES_EXCHANGE);
  assert.ok(l.client.router.isOpen(0));
  assert.deepEqual(l.clientEvents[0], { kind: 'peer-open', peer: 0, originHost: 'aaa1.aaa.example' });
  // DER { EAP-Response/Identity } --> <-- DEA 1001 { EAP-Request }
  const t1 = l.client.exchange(l.now, IDENTITY('ue1', resp(0, 'id')));
  l.run();
  assert.equal(l.outcomeOf(t1)?.kind, 'continue');
  const der = l.sent.find((s) => s.message.commandCode === 268)!.message;
  assert.equal(der.applicationId, ApplicationId.S6B);
  assert.equal(der.flags, CommandFlag.REQUEST | CommandFlag.PROXIABLE);
  const sid = readUtf8(findAvp(der.avps, 263)!);
  assert.match(sid, /^pgw\.epc\.example;\d+;1$/); // RFC 6733 §8.8
  assert.equal(der.avps[0]!.code, 263); // Session-Id first (RFC 6733 §8.8)
  assert.equal(readUnsigned32(findAvp(der.avps, 258)!), ApplicationId.S6B);
  assert.equal(readUnsigned32(findAvp(der.avps, 274)!), 3); // AUTHORIZE_AUTHENTICATE
  assert.equal(readUtf8(findAvp(der.avps, 493)!), 'internet');
  assert.equal(readUnsigned32(findAvp(der.avps, 1032, 10415)!), 0); // RAT-Type WLAN
  assert.equal(readUnsigned64(findAvp(der.avps, 124)!), 0x200_0000_0000n);
  assert.equal(readUtf8(findAvp(der.avps, 283)!), 'aaa.example');
  // DER { EAP-Response } --> <-- DEA 2001 { EAP-Success, EAP-Master-Session-Key }
  const t2 = l.client.exchange(l.now, IDENTITY('ue1', resp(1, 'ok')));
  l.run();
  const out = l.outcomeOf(t2);
  assert.equal(out?.kind, 'success');
  if (out?.kind === 'success') {
    assert.deepEqual(out.msk, MSK);
    assert.deepEqual(out.eap, Uint8Array.of(3, 1, 0, 4));
    assert.equal(out.identity, 'imsi-of-0001010000000001@nai.example');
  }
  // The second DER names the server that answered the first (RFC 6733 §6.1).
  const der2 = l.sent.filter((s) => s.message.commandCode === 268 && s.dir === 'up')[1]!.message;
  assert.equal(readUtf8(findAvp(der2.avps, 293)!), 'aaa1.aaa.example');
  assert.equal(readUtf8(findAvp(der2.avps, 263)!), sid);
  assert.deepEqual(l.serverEvents[0]!.at(-1), {
    kind: 'authenticated',
    sessionId: sid,
    identity: 'imsi-of-0001010000000001@nai.example',
  });
});

test('failures: EAP rejected → 4001 rejected with EAP-Failure; unknown user → Experimental-Result 5001', () => {
  const l = opened();
  l.client.exchange(l.now, IDENTITY('a', resp(0, 'id')));
  const bad = l.client.exchange(l.now, IDENTITY('a', resp(1, 'wrong')));
  const unknown = l.client.exchange(l.now, IDENTITY('b', resp(0, 'id'), 'nobody@nai.example'));
  l.run();
  assert.deepEqual(l.outcomeOf(bad), {
    kind: 'failure',
    reason: 'rejected',
    detail: 'Result-Code 4001',
    eap: Uint8Array.of(4, 1, 0, 4),
  });
  assert.equal(reasonOf(l.outcomeOf(unknown)), 'unknown-subscriber');
  const dea = l.sent.filter((s) => s.dir === 'down' && s.message.commandCode === 268).at(-1)!.message;
  const er = readGrouped(findAvp(dea.avps, 297)!);
  assert.equal(readUnsigned32(findAvp(er, 266)!), 10415);
  assert.equal(readUnsigned32(findAvp(er, 298)!), 5001);
  assert.equal(l.servers[0]!.sessionCount, 0);
});

test('endSession sends STR; the server ends the session and answers STA 2001', () => {
  const l = opened();
  l.client.exchange(l.now, IDENTITY('s', resp(0, 'id')));
  l.client.exchange(l.now, IDENTITY('s', resp(1, 'ok')));
  l.run();
  assert.equal(l.servers[0]!.sessionCount, 1);
  l.client.endSession(l.now, 's', 'logout');
  l.run();
  const str = l.sent.find((s) => s.message.commandCode === CommandCode.SESSION_TERMINATION)!.message;
  assert.equal(readUnsigned32(findAvp(str.avps, 295)!), 1); // Termination-Cause LOGOUT
  assert.equal(l.servers[0]!.sessionCount, 0);
  assert.equal(l.serverEvents[0]!.at(-1)?.kind, 'terminated');
  // A second endSession for the same key sends nothing.
  const before = l.sent.length;
  l.client.endSession(l.now, 's', 'logout');
  l.run();
  assert.equal(l.sent.length, before);
});

test('ASR from the server: ASA 2001, an abort event for the HA, then STR (RFC 6733 §8.5)', () => {
  const l = opened();
  l.client.exchange(l.now, IDENTITY('x', resp(0, 'id')));
  l.client.exchange(l.now, IDENTITY('x', resp(1, 'ok')));
  l.run();
  const [sid] = l.servers[0]!.sessionsOf('0001010000000001@nai.example');
  assert.ok(l.servers[0]!.abortSession(l.now, sid!));
  l.run();
  assert.ok(l.clientEvents.some((e) => e.kind === 'abort' && e.sessionKey === 'x'));
  assert.ok(l.serverEvents[0]!.some((e) => e.kind === 'abort-answered' && e.resultCode === 2001));
  assert.ok(l.serverEvents[0]!.some((e) => e.kind === 'terminated' && e.sessionId === sid));
  assert.equal(l.client.counters.asr, 1);
  assert.equal(l.servers[0]!.abortSession(l.now, sid!), false);
});

test('RAR: RAA 2001 and a reauth event for a known session, 5002 for an unknown one', () => {
  const l = opened();
  l.client.exchange(l.now, IDENTITY('r', resp(0, 'id')));
  l.run();
  const sid = readUtf8(findAvp(l.sent.find((s) => s.message.commandCode === 268)!.message.avps, 263)!);
  const rar = (session: string, hop: number) =>
    encodeDiameter({
      flags: CommandFlag.REQUEST | CommandFlag.PROXIABLE,
      commandCode: CommandCode.RE_AUTH,
      applicationId: ApplicationId.S6B,
      hopByHop: hop,
      endToEnd: hop,
      avps: [
        utf8Avp(AvpDefs['Session-Id'], session),
        utf8Avp(AvpDefs['Origin-Host'], 'aaa1.aaa.example'),
        utf8Avp(AvpDefs['Origin-Realm'], 'aaa.example'),
        utf8Avp(AvpDefs['Destination-Realm'], 'epc.example'),
        utf8Avp(AvpDefs['Destination-Host'], 'pgw.epc.example'),
        u32Avp(AvpDefs['Auth-Application-Id'], ApplicationId.S6B),
        u32Avp(AvpDefs['Re-Auth-Request-Type'], 0),
      ],
    });
  l.client.bytes(l.now, 0, rar(sid, 77));
  l.client.bytes(l.now, 0, rar('nope;1;1', 78));
  l.run();
  const raas = l.sent.filter((s) => s.dir === 'up' && s.message.commandCode === CommandCode.RE_AUTH);
  assert.deepEqual(
    raas.map((r) => [r.message.hopByHop, readUnsigned32(findAvp(r.message.avps, 268)!)]),
    [
      [77, 2001],
      [78, 5002],
    ],
  );
  assert.ok(l.clientEvents.some((e) => e.kind === 'reauth' && e.sessionKey === 'r'));
});

test('watchdog: DWR after Tw of silence, answered; a silent peer turns suspect, pending DER fails over with T', () => {
  const l = opened(2);
  l.advanceTo(l.now + 33_000);
  assert.ok(l.sent.some((s) => s.dir === 'up' && s.message.commandCode === CommandCode.DEVICE_WATCHDOG));
  assert.ok(l.client.router.isOpen(0) && l.client.router.isOpen(1));
  // Server 1 goes silent (its answers are lost); a DER is sent to it and waits.
  l.dropDown[0] = true;
  const t = l.client.exchange(l.now, IDENTITY('f', resp(0, 'id')));
  l.run();
  assert.equal(l.outcomeOf(t), undefined);
  // Tw: DWR unanswered; 2 Tw: suspect → the DER goes to server 2 with the T flag (RFC 6733 §5.5.4).
  l.advanceTo(l.now + 70_000);
  assert.equal(l.outcomeOf(t)?.kind, 'continue');
  const copies = l.sent.filter((s) => s.dir === 'up' && s.message.commandCode === 268);
  assert.deepEqual(
    copies.map((c) => [c.peer, (c.message.flags & CommandFlag.RETRANSMIT) !== 0]),
    [
      [0, false],
      [1, true],
    ],
  );
  assert.equal(copies[0]!.message.endToEnd, copies[1]!.message.endToEnd);
  assert.equal(l.client.counters.failovers, 1);
  // A third Tw: server 1 is declared down (RFC 3539 DOWN).
  l.advanceTo(l.now + 40_000);
  assert.ok(l.clientEvents.some((e) => e.kind === 'peer-down' && e.peer === 0 && e.reason === 'watchdog'));
});

test('no answer within the request timeout → timeout; no open peer → no-server', () => {
  const l = new TestLink(fakeMethod, 1, { requestTimeoutMs: 5_000 });
  const none = l.client.exchange(l.now, IDENTITY('n', resp(0, 'id')));
  l.run();
  assert.equal(reasonOf(l.outcomeOf(none)), 'no-server');
  l.connect(0);
  l.dropDown[0] = true;
  const t = l.client.exchange(l.now, IDENTITY('n', resp(0, 'id')));
  l.advanceTo(l.now + 6_000);
  assert.equal(reasonOf(l.outcomeOf(t)), 'timeout');
  assert.equal(l.client.counters.timeouts, 1);
});

test('capabilities: a server without S6b is refused (DIAMETER_NO_COMMON_APPLICATION), DPR/DPA closes both ends', () => {
  const l = new TestLink(fakeMethod, 1, {}, (n) => ({
    originHost: `acct${n}.example`,
    originRealm: 'aaa.example',
    hostIpAddresses: [],
    vendorId: 0,
    productName: 'x',
    originStateId: 1,
    authApplications: [{ applicationId: 4 }],
  }));
  l.connect(0);
  assert.ok(l.clientEvents.some((e) => e.kind === 'peer-down' && e.reason === 'capabilities-rejected'));
  const ok = opened();
  ok.client.router.disconnectAll(ok.now);
  ok.run();
  assert.ok(ok.sent.some((s) => s.dir === 'up' && s.message.commandCode === CommandCode.DISCONNECT_PEER));
  assert.ok(ok.sent.some((s) => s.dir === 'down' && s.message.commandCode === CommandCode.DISCONNECT_PEER));
  assert.ok(ok.clientEvents.some((e) => e.kind === 'peer-down' && e.reason === 'local-disconnect'));
  assert.ok(ok.serverEvents[0]!.some((e) => e.kind === 'peer-closed' && e.reason.startsWith('peer-disconnect')));
});

test('a DER with an unknown AVP that has M set → DIAMETER_AVP_UNSUPPORTED with the AVP in Failed-AVP (RFC 6733 §4.1)', () => {
  const l = opened();
  const avps = [
    utf8Avp(AvpDefs['Session-Id'], 'pgw.epc.example;9;9'),
    utf8Avp(AvpDefs['Origin-Host'], 'pgw.epc.example'),
    utf8Avp(AvpDefs['Origin-Realm'], 'epc.example'),
    { code: 4242, flags: 0x40, data: Uint8Array.of(1) },
    { code: 4343, flags: 0x00, data: Uint8Array.of(2) }, // M clear: ignored
  ];
  const msg = { flags: 0xc0, commandCode: 268, applicationId: ApplicationId.S6B, hopByHop: 5, endToEnd: 5, avps };
  const conn = l.servers[0]!.accept(l.now);
  l.servers[0]!.bytes(
    l.now,
    conn,
    encodeDiameter({
      ...msg,
      commandCode: 257,
      applicationId: 0,
      avps: [...avps.slice(1, 3), u32Avp(AvpDefs['Auth-Application-Id'], ApplicationId.S6B)],
    }),
  );
  l.servers[0]!.bytes(l.now, conn, encodeDiameter(msg));
  const out: Uint8Array[] = [];
  for (let t = l.servers[0]!.pollTransmit(); t; t = l.servers[0]!.pollTransmit())
    if (t.conn === conn) out.push(t.bytes);
  const answer = decodeDiameter(out.at(-1)!);
  assert.equal(readUnsigned32(findAvp(answer.avps, 268)!), 5001);
  assert.deepEqual(readGrouped(findAvp(answer.avps, 279)!), [{ code: 4242, flags: 0x40, data: Uint8Array.of(1) }]);
});

test('a DER seen before (same Origin-Host and End-to-End, T set) gets the earlier answer, not a second EAP step', () => {
  const l = opened();
  l.client.exchange(l.now, IDENTITY('d', resp(0, 'id')));
  l.run();
  const der = l.sent.find((s) => s.dir === 'up' && s.message.commandCode === 268)!.message;
  const first = l.sent.find((s) => s.dir === 'down' && s.message.commandCode === 268)!.message;
  const again = { ...der, flags: der.flags | CommandFlag.RETRANSMIT, hopByHop: 999 };
  l.servers[0]!.bytes(l.now, 1, encodeDiameter(again)); // connection 1: the TestLink's only one
  const t = l.servers[0]!.pollTransmit()!;
  const replay = decodeDiameter(t.bytes);
  assert.equal(replay.hopByHop, 999);
  assert.deepEqual(replay.avps, first.avps);
  assert.equal(l.servers[0]!.counters.der, 1);
  assert.equal(l.servers[0]!.counters.duplicates, 1);
});
