/**
 * Floods against the HA responder in virtual time (docs/spec-choices.md IKE-L1..IKE-L3): a return-routable attacker
 * that echoes every COOKIE from many ports of one address, many sources at once, and IKE_AUTHs that start EAP but
 * never answer it. A legitimate UE from another address attaches in the middle of each flood.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipv4Address } from '../util/ip-address.ts';
import { ExchangeType, NotifyType } from '../wire/ike/constants.ts';
import type { EapServerFactory } from './eap.ts';
import { DEFAULT_RESPONDER_LIMITS, type ResponderLimits } from './limits.ts';
import { IkeResponder } from './responder.ts';
import { FloodNet, type Outgoing, type Peer } from './test-flood.ts';
import { fakeEapServer, haConfig, NAI, TEST_TIMING, UE_ADDR, validNow } from './test-support.ts';

const ATTACKER = Ipv4Address.parse('203.0.113.66');
const COOKIES = { threshold: 4, secret: { version: 1, secret: new Uint8Array(16).fill(3) } };
/** Echoes cookies (the initiator does that itself) but never sends IKE_AUTH: every SA it makes stays half-open. */
const initOnly = (m: Outgoing) => m.exchangeType !== ExchangeType.IKE_AUTH;

function limits(overrides: Partial<ResponderLimits> = {}): ResponderLimits {
  return { ...DEFAULT_RESPONDER_LIMITS, ...overrides };
}

function attachedOk(peer: Peer): boolean {
  return peer.events.filter((e) => e.kind === 'child-sa-established').length >= 2;
}

test('cookie-echo flood from one address: half-open SAs capped per source, refusals counted, a UE still attaches', () => {
  const ha = new IkeResponder(haConfig({ cookies: COOKIES, limits: limits({ halfOpenPerSource: 5 }) }));
  const net = new FloodNet(ha, validNow());
  for (let port = 10_000; port < 10_200; port++) net.connect(ATTACKER, port, initOnly);
  net.flush();
  // 4 SAs came in under the threshold without cookies, the fifth with an echoed cookie; then the cap held.
  assert.equal(ha.halfOpenFrom(ATTACKER), 5);
  assert.equal(ha.halfOpenCount, 5);
  assert.equal(ha.limitCounters['half-open-per-source'], 195);
  assert.ok(ha.counters.cookiesSent > 0);
  assert.equal(ha.establishedSaCount, 0, 'half-open SAs are not established');
  // A legitimate UE from its own address, during the flood: one cookie round trip, then the whole attach.
  const ue = net.connect(UE_ADDR, 500);
  net.flush();
  assert.ok(attachedOk(ue), 'the UE attached during the flood');
  assert.equal(ha.establishedSaCount, 1);
  assert.equal(ha.halfOpenMaxPerSource, 5);
});

test('many sources: the total cap holds; under pressure half-open SAs live the shorter lifetime', () => {
  const ha = new IkeResponder(
    haConfig({
      cookies: COOKIES,
      limits: limits({ halfOpenPerSource: 3, halfOpenTotal: 20, halfOpenPressureTimeoutMs: 2000 }),
    }),
  );
  const net = new FloodNet(ha, validNow());
  const start = net.now;
  for (let i = 1; i <= 30; i++) {
    for (let port = 1000; port < 1005; port++) net.connect(Ipv4Address.parse(`203.0.113.${i}`), port, initOnly);
  }
  net.flush();
  assert.equal(ha.halfOpenCount, 20);
  assert.equal(ha.halfOpenMaxPerSource, 3);
  assert.ok(ha.limitCounters['half-open-total'] > 0);
  assert.ok(ha.limitCounters['half-open-per-source'] > 0);
  assert.equal(ha.halfOpenCreated, 20);
  net.muteAll();
  // The 16 made at or above the threshold of 4 go after 2 s; the first 4 keep the timing's 30 s.
  net.advance(start + 2000);
  assert.equal(ha.halfOpenCount, 4);
  net.advance(start + TEST_TIMING.halfOpenTimeoutMs);
  assert.equal(ha.halfOpenCount, 0);
  assert.equal(net.eventsOf('ike-sa-failed').length, 20);
});

test('no caps (0): the flood is bounded only by the cookie round trip (the defect this limit fixes)', () => {
  const ha = new IkeResponder(
    haConfig({ cookies: COOKIES, limits: limits({ halfOpenPerSource: 0, halfOpenTotal: 0 }) }),
  );
  const net = new FloodNet(ha, validNow());
  for (let port = 10_000; port < 10_050; port++) net.connect(ATTACKER, port, initOnly);
  net.flush();
  assert.equal(ha.halfOpenFrom(ATTACKER), 50);
});

/** An EAP server factory that counts the conversations it starts (each EAP-AKA one costs a vector). */
function countingEap(): { factory: EapServerFactory; started: () => number } {
  const inner = fakeEapServer({ [NAI]: 'subscriber-secret' });
  let n = 0;
  return {
    factory: (ctx) => {
      const s = inner(ctx);
      return {
        start: () => {
          n++;
          return s.start();
        },
        handle: (r) => s.handle(r),
      };
    },
    started: () => n,
  };
}

/** Sends the first IKE_AUTH (IDi, EAP requested) and nothing after it: the challenge is never answered. */
const firstAuthOnly = (m: Outgoing) => m.exchangeType !== ExchangeType.IKE_AUTH || m.messageId === 1;

test('IKE_AUTHs that never answer the challenge: EAP conversations per identity are rate-limited', () => {
  const eap = countingEap();
  const ha = new IkeResponder(
    haConfig({
      eapServer: eap.factory,
      limits: limits({ eapPerIdentity: { burst: 3, perMinute: 6 }, eapPerSource: { burst: 0, perMinute: 0 } }),
      eapIdentityKey: (id) => id.split('@')[0]!,
    }),
  );
  const net = new FloodNet(ha, validNow());
  for (let i = 0; i < 40; i++) net.connect(Ipv4Address.parse(`203.0.113.${i + 1}`), 500, firstAuthOnly);
  net.flush();
  assert.equal(eap.started(), 3, 'only the burst reached the EAP server');
  assert.equal(ha.limitCounters['eap-per-identity'], 37);
  const refused = net.eventsOf('ike-sa-failed');
  assert.equal(refused.length, 37);
  assert.ok(
    refused.every((e) => e.kind === 'ike-sa-failed' && e.notifyType === NotifyType.AUTHENTICATION_FAILED),
    'AUTHENTICATION_FAILED (RFC 7296 §2.21.2)',
  );
  assert.ok(refused.every((e) => e.kind === 'ike-sa-failed' && e.reason === 'limit-eap-per-identity'));
  // Tokens come back with time: 6 a minute, so one 10 s later; the real subscriber attaches then.
  net.advance(net.now + 10_000);
  const ue = net.connect(UE_ADDR, 500);
  net.flush();
  assert.ok(attachedOk(ue));
  assert.equal(eap.started(), 4);
});

test('IKE_AUTHs from one source with many identities: EAP conversations per source are rate-limited', () => {
  const eap = countingEap();
  const ha = new IkeResponder(
    haConfig({
      eapServer: eap.factory,
      limits: limits({
        halfOpenPerSource: 0,
        eapPerIdentity: { burst: 0, perMinute: 0 },
        eapPerSource: { burst: 4, perMinute: 60 },
      }),
    }),
  );
  const net = new FloodNet(ha, validNow());
  for (let port = 2000; port < 2020; port++) net.connect(ATTACKER, port, firstAuthOnly);
  net.flush();
  assert.equal(eap.started(), 4);
  assert.equal(ha.limitCounters['eap-per-source'], 16);
  // Another source is not affected.
  const ue = net.connect(UE_ADDR, 500);
  net.flush();
  assert.ok(attachedOk(ue));
});
