/**
 * Test support for the IKE engine (not runtime code): the test PKI, a seeded random source, a one-round fake EAP
 * method, a prefix pool and ready-made UE/HA configurations.
 */
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { copyBytes } from '../util/bytes.ts';
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { identityData } from '../wire/ike/identity.ts';
import { timing } from './config.ts';
import type { EapPeer, EapServer, EapServerFactory } from './eap.ts';
import type { IkePath } from './events.ts';
import type { InitiatorConfig } from './initiator.ts';
import type { ResponderConfig } from './responder.ts';
import { describeKey } from './signature.ts';
import type { ResponderCredentials } from './tasks/ike-auth-responder.ts';
import type { HomePrefixPool } from './tasks/ike-config.ts';
import { TrustStore } from './trust.ts';

const PKI = new URL('../../test/fixtures/pki/', import.meta.url);

export function pem(name: string): string {
  return readFileSync(new URL(name, PKI), 'utf8');
}

export function certificate(name: string): X509Certificate {
  return new X509Certificate(pem(`${name}.pem`));
}

/** HA credentials from the fixture files `<name>.key` / `<name>.pem` (+ intermediates), parsed once. */
export function credentials(
  name: string,
  intermediates: readonly string[] = [],
  preferDigitalSignature = false,
): ResponderCredentials {
  return {
    key: describeKey(createPrivateKey(pem(`${name}.key`))),
    certificates: [name, ...intermediates].map((n) => new Uint8Array(certificate(n).raw)),
    preferDigitalSignature,
  };
}

export const HA_NAME = 'ha.dsmip.test';
export const NAI = '0234150999999999@nai.epc.mnc015.mcc234.3gppnetwork.org';
export const APN = 'internet.ha-apn.mnc015.mcc234.pub.3gppnetwork.org';
export const UE_ADDR = Ipv4Address.parse('192.0.2.10');
export const HA_ADDR = Ipv4Address.parse('198.51.100.1');
export const HA_HOME_ADDRESS = Ipv6Address.parse('2001:db8:ffff::1');

/** A time inside the validity of every fixture certificate. */
export function validNow(): number {
  return Date.parse(certificate('ha-ecdsa').validFrom) + 86_400_000;
}

/** Deterministic bytes: SHA-256 in counter mode over a seed (tests only). */
export function seededRandom(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  let pool = new Uint8Array(0);
  let at = 0;
  return (n: number) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (at >= pool.length) {
        pool = new Uint8Array(createHash('sha256').update(`${seed}/${counter++}`).digest());
        at = 0;
      }
      out[i] = pool[at++]!;
    }
    return out;
  };
}

/**
 * A fake EAP method (Type 255, "experimental", RFC 3748 §5.8): the server sends a challenge, the peer answers
 * SHA-256(challenge ‖ secret), both derive MSK = SHA-512(challenge ‖ secret). `rounds` challenges in a row.
 */
const EAP_FAKE_TYPE = 255;

function eapPacket(code: number, id: number, data?: Uint8Array): Uint8Array {
  const len = data ? 5 + data.length : 4;
  const out = new Uint8Array(len);
  out.set([code, id, len >> 8, len & 0xff]);
  if (data) {
    out[4] = EAP_FAKE_TYPE;
    out.set(data, 5);
  }
  return out;
}

const sha = (alg: string, ...parts: Uint8Array[]) => {
  const h = createHash(alg);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

export function fakeEapPeer(secret: string): EapPeer {
  const key = new TextEncoder().encode(secret);
  let last: Uint8Array | undefined;
  return {
    handle(eap) {
      if (eap[0] === 1 && eap[4] === EAP_FAKE_TYPE) {
        last = copyBytes(eap, 5);
        return { response: eapPacket(2, eap[1]!, sha('sha256', last, key)) };
      }
      if (eap[0] === 3 && last) return { result: { ok: true, msk: sha('sha512', last, key) } };
      return { result: { ok: false } };
    },
  };
}

export function fakeEapServer(secrets: Readonly<Record<string, string>>, rounds = 1, seed = 'eap'): EapServerFactory {
  let n = 0;
  return ({ ikeIdentity }): EapServer => {
    const key = new TextEncoder().encode(secrets[ikeIdentity] ?? '');
    const random = seededRandom(`${seed}/${n++}`);
    let id = 0;
    let left = rounds;
    let challenge = random(16);
    return {
      start: () => eapPacket(1, ++id, challenge),
      handle(resp) {
        const good =
          resp[0] === 2 &&
          resp[1] === id &&
          resp[4] === EAP_FAKE_TYPE &&
          Buffer.from(resp.subarray(5)).equals(sha('sha256', challenge, key));
        if (!good || !(ikeIdentity in secrets)) return { result: { ok: false, eapFailure: eapPacket(4, id) } };
        if (--left > 0) {
          challenge = random(16);
          return { request: eapPacket(1, ++id, challenge) };
        }
        return { result: { ok: true, msk: sha('sha512', challenge, key), identity: ikeIdentity } };
      },
    };
  };
}

/** A pool that gives subscriber k the prefix 2001:db8:k::/64 while `size` lasts; `allocated` shows who holds what. */
export function testPool(size = 1000): HomePrefixPool & { allocated: Map<string, string> } {
  const allocated = new Map<string, string>();
  let next = 1;
  return {
    allocated,
    allocate(subscriber, ikeSaId) {
      if (next > size) return undefined;
      const prefix = Ipv6Address.parse(`2001:db8:${(next++).toString(16)}::`);
      allocated.set(`${subscriber}/${ikeSaId}`, prefix.toString());
      return { prefix, prefixLength: 64 };
    },
    release(subscriber, ikeSaId) {
      allocated.delete(`${subscriber}/${ikeSaId}`);
    },
  };
}

export const UE_PATH: IkePath = { localAddr: UE_ADDR, localPort: 500, remoteAddr: HA_ADDR, remotePort: 500 };

export const TEST_TIMING = timing({ dpdIntervalMs: 0, rekeyJitterMs: 0, retransmitTimeoutMs: 500 });

export function ueConfig(overrides: Partial<InitiatorConfig> & { secret?: string; ca?: string } = {}): InitiatorConfig {
  const { secret = 'subscriber-secret', ca = 'ca-ecdsa', ...rest } = overrides;
  return {
    random: seededRandom('ue'),
    timing: TEST_TIMING,
    path: UE_PATH,
    auth: {
      rounds: [{ identity: identityData({ kind: 'rfc822', address: NAI }), eapPeer: () => fakeEapPeer(secret) }],
      idr: identityData({ kind: 'fqdn', name: APN }),
      trust: new TrustStore([certificate(ca)]),
      peerIdentity: HA_NAME,
      maxMessages: 32,
    },
    configRequest: { requestIpv6Dns: true, requestIpv4Dns: true, requestIpv6Address: false },
    interfaceId: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0x42),
    homeAgentAddress: HA_HOME_ADDRESS,
    ...rest,
  };
}

export function haConfig(overrides: Partial<ResponderConfig> = {}): ResponderConfig {
  return {
    random: seededRandom('ha'),
    timing: TEST_TIMING,
    credentials: credentials('ha-ecdsa'),
    identity: identityData({ kind: 'fqdn', name: HA_NAME }),
    eapServer: fakeEapServer({ [NAI]: 'subscriber-secret' }),
    pool: testPool(),
    prefixLifetimeSec: 3600,
    dns: { ipv6: [Ipv6Address.parse('2001:db8::53')], ipv4: [Ipv4Address.parse('192.0.2.53')] },
    cookies: { threshold: 100, secret: { version: 1, secret: new TextEncoder().encode('cookie secret') } },
    ...overrides,
  };
}
