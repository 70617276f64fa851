import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NotifyType } from '../wire/ike/constants.ts';
import { identityData } from '../wire/ike/identity.ts';
import type { IkeEvent } from './events.ts';
import { IkeInitiator } from './initiator.ts';
import { IkeResponder } from './responder.ts';
import { EXCHANGE, FakeLink } from './test-link.ts';
import {
  certificate,
  credentials,
  fakeEapPeer,
  fakeEapServer,
  haConfig,
  NAI,
  testPool,
  ueConfig,
  validNow,
} from './test-support.ts';

const N = (t: number) => `N(${t})`;
const reasons = (events: IkeEvent[]) =>
  events.map((e) => (e.kind === 'auth-failed' || e.kind === 'ike-sa-failed' ? e.reason : e.kind));

/** IKE_SA_INIT and the first IKE_AUTH pair, then the UE's verdict on the HA. */
function rejectHa(link: FakeLink): void {
  link.ue.connect(link.now);
  link.step(); // IKE_SA_INIT -->
  link.step(); // <-- IKE_SA_INIT
  link.step(); // IKE_AUTH { IDi, CERTREQ, IDr, N, CP, SA, TSi, TSr } -->
  link.step(); // <-- IKE_AUTH { IDr, CERT, AUTH, EAP }
  // INFORMATIONAL { N(AUTHENTICATION_FAILED) } -->   (RFC 7296 §2.21.2: the initiator's error in its own exchange)
  const m = link.step();
  assert.equal(m.exchangeType, EXCHANGE.INFO);
  assert.deepEqual(m.names, [N(NotifyType.AUTHENTICATION_FAILED)]);
  // <-- INFORMATIONAL { }   (the HA ends the SA; the UE, already gone, drops the answer)
  assert.deepEqual(link.step().names, []);
  assert.equal(link.next(), undefined);
  assert.equal(link.ue.counters.droppedUnknownSpi, 1);
}

test('bad HA certificates are refused with AUTHENTICATION_FAILED and both sides drop the SA', () => {
  const notAfter = Date.parse(certificate('ha-ecdsa').validTo);
  const notBefore = Date.parse(certificate('ha-ecdsa').validFrom);
  const cases = [
    { name: 'wrong CA', ue: ueConfig({ ca: 'other-ca' }), now: validNow(), reason: 'certificate-untrusted' },
    {
      name: 'unrelated CA signed it',
      ue: ueConfig(),
      ha: { credentials: credentials('other-ha') },
      now: validNow(),
      reason: 'certificate-untrusted',
    },
    {
      name: 'wrong identity',
      ue: ueConfig({ auth: { ...ueConfig().auth, peerIdentity: 'other.dsmip.test' } }),
      now: validNow(),
      reason: 'certificate-wrong-identity',
    },
    { name: 'expired', ue: ueConfig(), now: notAfter + 1000, reason: 'certificate-expired' },
    { name: 'not yet valid', ue: ueConfig(), now: notBefore - 1000, reason: 'certificate-not-yet-valid' },
  ];
  for (const c of cases) {
    const ue = new IkeInitiator(c.ue);
    const ha = new IkeResponder(haConfig(c.ha ?? {}));
    const link = new FakeLink(ue, ha, c.now);
    rejectHa(link);
    assert.deepEqual(reasons(link.eventsOf('ue', 'auth-failed')), [c.reason], c.name);
    assert.deepEqual(link.eventsOf('ue', 'ike-sa-failed').length, 1, c.name);
    assert.deepEqual(reasons(link.eventsOf('ha', 'auth-failed')), ['rejected-by-peer'], c.name);
    assert.equal(ha.ikeSaCount, 0, c.name);
    assert.equal(ue.ikeSaCount, 0, c.name);
  }
});

test('a signature that does not match the certificate is refused', () => {
  const bad = { ...credentials('ha-ecdsa'), key: credentials('other-ha').key };
  const link = new FakeLink(new IkeInitiator(ueConfig()), new IkeResponder(haConfig({ credentials: bad })), validNow());
  rejectHa(link);
  assert.deepEqual(reasons(link.eventsOf('ue', 'auth-failed')), ['bad-responder-signature']);
});

test('EAP failure (wrong subscriber secret): EAP-Failure ends the attach on both sides', () => {
  const ue = new IkeInitiator(ueConfig({ secret: 'wrong' }));
  const ha = new IkeResponder(haConfig());
  const link = new FakeLink(ue, ha, validNow());
  ue.connect(link.now);
  link.step();
  link.step();
  link.step(); // IKE_AUTH { IDi, ... } -->
  link.step(); // <-- IKE_AUTH { IDr, CERT, AUTH, EAP(Request) }
  link.step(); // IKE_AUTH { EAP(Response) } -->
  const m = link.step(); // <-- IKE_AUTH { EAP(Failure), N(AUTHENTICATION_FAILED) }   (spec-choices AAA-1)
  assert.deepEqual(m.names, ['EAP', N(NotifyType.AUTHENTICATION_FAILED)]);
  assert.equal(m.payloads[0]?.kind === 'eap' ? m.payloads[0].data[0] : 0, 4);
  assert.equal(link.next(), undefined);
  assert.deepEqual(reasons(link.eventsOf('ue', 'auth-failed')), ['eap-failure']);
  assert.deepEqual(reasons(link.eventsOf('ha', 'auth-failed')), ['eap-failure']);
  assert.deepEqual(reasons(link.eventsOf('ue', 'ike-sa-failed')), ['eap-failure']);
  assert.deepEqual(reasons(link.eventsOf('ha', 'ike-sa-failed')), ['eap-failure']);
  assert.equal(ha.ikeSaCount + ue.ikeSaCount, 0);
});

test('RFC 4739: a second EAP round after ANOTHER_AUTH_FOLLOWS, end to end', () => {
  const second = 'user@thirdparty.example';
  const base = ueConfig();
  const ue = new IkeInitiator({
    ...base,
    auth: {
      ...base.auth,
      rounds: [
        ...base.auth.rounds,
        { identity: identityData({ kind: 'rfc822', address: second }), eapPeer: () => fakeEapPeer('other secret') },
      ],
    },
  });
  const ha = new IkeResponder(
    haConfig({ eapServer: fakeEapServer({ [NAI]: 'subscriber-secret', [second]: 'other secret' }, 2) }),
  );
  const link = new FakeLink(ue, ha, validNow());
  ue.connect(link.now);
  link.step();
  link.step();
  assert.deepEqual(link.step().names, ['IDi', 'CERTREQ', 'IDr', N(16404), 'CP', 'SA', 'TSi', 'TSr']); // -->
  assert.deepEqual(link.step().names, ['IDr', 'CERT', 'AUTH', 'EAP']); // <--
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(link.step().names, ['EAP']); // IKE_AUTH { EAP(Response) } -->
    assert.deepEqual(link.step().names, ['EAP']); // <-- IKE_AUTH { EAP(Request | Success) }
  }
  // IKE_AUTH { AUTH, N(ANOTHER_AUTH_FOLLOWS) } -->
  assert.deepEqual(link.step().names, ['AUTH', N(NotifyType.ANOTHER_AUTH_FOLLOWS)]);
  // <-- IKE_AUTH { AUTH }
  assert.deepEqual(link.step().names, ['AUTH']);
  // IKE_AUTH { IDi' } -->
  const idi = link.step();
  assert.deepEqual(idi.names, ['IDi']);
  assert.equal(idi.payloads[0]?.kind === 'idi' ? new TextDecoder().decode(idi.payloads[0].data) : '', second);
  assert.deepEqual(link.step().names, ['EAP']); // <-- IKE_AUTH { EAP(Request) }
  for (let i = 0; i < 2; i++) {
    link.step(); // IKE_AUTH { EAP(Response) } -->
    link.step(); // <-- IKE_AUTH { EAP(Request | Success) }
  }
  assert.deepEqual(link.step().names, ['AUTH']); // IKE_AUTH { AUTH } -->
  assert.deepEqual(link.step().names, ['AUTH', 'CP', 'N(16394)', 'SA', 'TSi', 'TSr']); // <-- IKE_AUTH { AUTH, CP, N(ESP_TFC_PADDING_NOT_SUPPORTED), SA, TSi, TSr }
  link.flush();
  const est = link.eventsOf('ha', 'ike-sa-established')[0];
  assert.ok(est?.kind === 'ike-sa-established');
  assert.deepEqual(est.eapIdentities, [NAI, second]);
  assert.equal(link.eventsOf('ue', 'eap-success').length, 2);
  assert.equal(link.eventsOf('ue', 'child-sa-established').length, 2);
  // The prefix goes to the subscriber of the first round.
  assert.equal(ha.session(est.ikeSaId)?.subscriber, NAI);
});

test('FAILED_CP_REQUIRED: a UE without CP gets the IKE SA but no Child SA', () => {
  const ue = new IkeInitiator(ueConfig({ configRequest: undefined }));
  const link = new FakeLink(ue, new IkeResponder(haConfig()), validNow());
  ue.connect(link.now);
  const seen = link.flush();
  assert.deepEqual(seen.at(-1)?.names, ['AUTH', N(NotifyType.FAILED_CP_REQUIRED)]);
  assert.equal(link.eventsOf('ue', 'ike-sa-established').length, 1);
  const failed = link.eventsOf('ue', 'child-sa-failed');
  assert.deepEqual(
    failed.map((e) => e.kind === 'child-sa-failed' && e.notifyType),
    [NotifyType.FAILED_CP_REQUIRED],
  );
});

test('INTERNAL_ADDRESS_FAILURE: an empty pool; the UE, needing a prefix, deletes the IKE SA', () => {
  const ue = new IkeInitiator(ueConfig());
  const ha = new IkeResponder(haConfig({ pool: testPool(0) }));
  const link = new FakeLink(ue, ha, validNow());
  ue.connect(link.now);
  const seen = link.flush();
  const final = seen.findIndex((m) => m.names.includes(N(NotifyType.INTERNAL_ADDRESS_FAILURE)));
  assert.deepEqual(seen[final]?.names, ['AUTH', N(NotifyType.INTERNAL_ADDRESS_FAILURE)]);
  // INFORMATIONAL { D(IKE) } -->  <-- INFORMATIONAL { }
  assert.deepEqual(seen[final + 1]?.names, ['D']);
  assert.deepEqual(seen[final + 2]?.names, []);
  assert.deepEqual(
    reasons(link.eventsOf('ue', 'ike-sa-deleted').map((e) => ({ ...e, kind: 'auth-failed' }) as IkeEvent)),
    ['no-home-prefix'],
  );
  assert.equal(link.eventsOf('ha', 'ike-sa-deleted').length, 1);
  assert.equal(ha.ikeSaCount + ue.ikeSaCount, 0);
});
