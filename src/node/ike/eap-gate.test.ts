// Issue 16, unauthenticated SQN consumption: IKE_AUTHs naming a real IMSI that never answer the EAP-AKA challenge,
// against the HA responder with the embedded AAA (real EAP-AKA server and SQN store), in virtual time. Without the
// per-identity limit each one cost an authentication vector and advanced SQN_HE; with it only the burst does, the
// rest get AUTHENTICATION_FAILED before the AAA sees them, also when the IMSI arrives in AT_IDENTITY (RFC 4187
// §4.1.4) behind an IDi that is not a permanent identity.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialUsimSqnState } from '../../crypto/index.ts';
import { parsePermanentIdentity } from '../../eap/identity.ts';
import type { AkaServerEvent } from '../../eap/index.ts';
import { DEFAULT_RESPONDER_LIMITS, type ResponderLimits } from '../../ike/limits.ts';
import { IkeResponder } from '../../ike/responder.ts';
import { FloodNet, type Outgoing } from '../../ike/test-flood.ts';
import { haConfig, NAI, ueConfig, validNow } from '../../ike/test-support.ts';
import { Ipv4Address } from '../../util/ip-address.ts';
import { ExchangeType, NotifyType } from '../../wire/ike/constants.ts';
import { identityData } from '../../wire/ike/identity.ts';
import { eapIdentityKey } from '../ha/ha-config.ts';
import { eapAkaPeerFactory, eapAkaServerFactory } from './eap-adapters.ts';
import { SET1_K, SET1_OPC, set1Store } from './test-support.ts';

const IMSI = parsePermanentIdentity(NAI)!.imsi;

function ha(limits: Partial<ResponderLimits>, akaPrime = false) {
  const vectors: string[] = [];
  const responder = new IkeResponder(
    haConfig({
      eapServer: eapAkaServerFactory({
        ...(akaPrime ? { akaPrime: { networkName: 'WLAN' } } : {}),
        store: set1Store(IMSI),
        random: (n) => new Uint8Array(n).fill(7),
        onEvent: (e: AkaServerEvent) => {
          if (e.kind === 'sqn-updated' && e.cause === 'vector') vectors.push(e.imsi);
        },
      }),
      limits: { ...DEFAULT_RESPONDER_LIMITS, halfOpenPerSource: 0, ...limits },
      eapIdentityKey: eapIdentityKey,
    }),
  );
  return { responder, vectors };
}

/** An attacker with the IMSI but not the key: IDi `idi`, an EAP-AKA peer that answers AKA-Identity. */
function attackerAuth(idi: string, akaPrime = false) {
  const eapPeer = eapAkaPeerFactory({
    ...(akaPrime ? { akaPrime: true } : {}),
    imsi: IMSI,
    mcc: '234',
    mnc: '15',
    k: SET1_K,
    opc: SET1_OPC,
    usimSqnState: initialUsimSqnState(),
    ikeIdentity: idi,
  });
  return { ...ueConfig().auth, rounds: [{ identity: identityData({ kind: 'rfc822', address: idi }), eapPeer }] };
}

/** IKE_AUTH requests up to Message ID `last` leave; the challenge's answer never does. */
const upTo =
  (last: number) =>
  (m: Outgoing): boolean =>
    m.exchangeType !== ExchangeType.IKE_AUTH || m.messageId <= last;

function flood(
  h: ReturnType<typeof ha>,
  idi: (i: number) => string,
  last: number,
  n: number,
  akaPrime = false,
): FloodNet {
  const net = new FloodNet(h.responder, validNow());
  for (let i = 0; i < n; i++)
    net.connect(Ipv4Address.parse(`203.0.113.${i + 1}`), 500, upTo(last), { auth: attackerAuth(idi(i), akaPrime) });
  net.flush();
  return net;
}

test('IKE_AUTHs with a real IMSI that never answer the challenge: only the burst advances SQN', () => {
  const unlimited = ha({ eapPerIdentity: { burst: 0, perMinute: 0 }, eapPerSource: { burst: 0, perMinute: 0 } });
  flood(unlimited, () => NAI, 1, 30);
  assert.equal(unlimited.vectors.length, 30, 'without the limit: one vector per IKE_AUTH (the defect)');

  const limited = ha({ eapPerIdentity: { burst: 5, perMinute: 10 }, eapPerSource: { burst: 0, perMinute: 0 } });
  const net = flood(limited, () => NAI, 1, 30);
  assert.equal(limited.vectors.length, 5);
  assert.equal(limited.responder.limitCounters['eap-per-identity'], 25);
  const failed = net.eventsOf('ike-sa-failed');
  assert.equal(failed.length, 25);
  assert.ok(failed.every((e) => e.kind === 'ike-sa-failed' && e.notifyType === NotifyType.AUTHENTICATION_FAILED));
});

test('the IMSI in AT_IDENTITY behind an anonymous IDi is limited too', () => {
  const limited = ha({ eapPerIdentity: { burst: 2, perMinute: 10 }, eapPerSource: { burst: 0, perMinute: 0 } });
  // IDi is no permanent identity, a new one each time (so the IDi alone never runs out): AKA-Identity round first
  // (RFC 4187 §4.1.4), the IMSI comes in AT_IDENTITY.
  flood(limited, (i) => `anonymous${i}@nai.epc.mnc015.mcc234.3gppnetwork.org`, 2, 10);
  assert.equal(limited.vectors.length, 2);
  assert.equal(limited.responder.limitCounters['eap-per-identity'], 8);
});

test('EAP-AKA′ (RFC 5448): the IMSI in IDi with any realm, or in AT_IDENTITY behind an anonymous IDi, is limited too', () => {
  const byIdi = ha({ eapPerIdentity: { burst: 2, perMinute: 10 }, eapPerSource: { burst: 0, perMinute: 0 } }, true);
  // "6" ‖ IMSI @ realm (RFC 5448 §3): a new realm each time must not make a new bucket.
  flood(byIdi, (i) => `6${IMSI}@realm${i}.example`, 1, 10, true);
  assert.equal(byIdi.vectors.length, 2);
  const behind = ha({ eapPerIdentity: { burst: 2, perMinute: 10 }, eapPerSource: { burst: 0, perMinute: 0 } }, true);
  flood(behind, (i) => `anonymous${i}@nai.epc.mnc015.mcc234.3gppnetwork.org`, 2, 10, true);
  assert.equal(behind.vectors.length, 2);
  assert.equal(behind.responder.limitCounters['eap-per-identity'], 8);
});
