/**
 * Test support for the IKE node shell and the interop tests (not runtime code): an event log that can be awaited,
 * and UE / HA engine configurations with the real EAP-AKA (TS 35.208 set 1) for given sockets and credentials.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { initialHeSqnState, initialUsimSqnState, type UsimSqnState } from '../../crypto/index.ts';
import { type AkaServerEvent, InMemorySubscriberStore, type SubscriberStore } from '../../eap/index.ts';
import { timing } from '../../ike/config.ts';
import type { IkeEvent } from '../../ike/events.ts';
import type { InitiatorConfig } from '../../ike/initiator.ts';
import type { ResponderConfig } from '../../ike/responder.ts';
import { describeKey } from '../../ike/signature.ts';
import type { ChildRequest } from '../../ike/tasks/child-create-initiator.ts';
import type { HomePrefixPool } from '../../ike/tasks/ike-config.ts';
import { TrustStore } from '../../ike/trust.ts';
import { fromHex } from '../../util/hex.ts';
import type { IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { identityData } from '../../wire/ike/identity.ts';
import { eapAkaPeerFactory, eapAkaServerFactory } from './eap-adapters.ts';
import { osRandom, type UdpIkeAddress } from './udp-endpoint.ts';

/** TS 35.208 test set 1 (SPEC-NOTES §10) and a subscriber of MCC 001 / MNC 01. */
export const SET1_K = fromHex('465b5ce8b199b49faa5f0a2ee238a6bc');
export const SET1_OPC = fromHex('cd63cb71954a9f4e48a5994e37a02baf');
export const TEST_MCC = '001';
export const TEST_MNC = '01';

type EventOf<K extends IkeEvent['kind']> = Extract<IkeEvent, { kind: K }>;

/** Every event of one endpoint, in order; `waitFor` resolves once a condition over them holds. */
export class EventLog {
  readonly events: IkeEvent[] = [];
  private readonly waiters = new Set<() => void>();

  readonly push = (e: IkeEvent): void => {
    this.events.push(e);
    for (const check of [...this.waiters]) check();
  };

  of<K extends IkeEvent['kind']>(kind: K): EventOf<K>[] {
    return this.events.filter((e): e is EventOf<K> => e.kind === kind);
  }

  kinds(): string[] {
    return this.events.map((e) => e.kind);
  }

  waitFor(done: (log: EventLog) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (done(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; events: ${this.kinds().join(', ')}`));
      }, timeoutMs);
      const check = (): void => {
        if (!done(this)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }
}

export interface AkaUeOptions {
  readonly local: UdpIkeAddress;
  readonly remote: { readonly address: IpAddress; readonly port: number; readonly natTPort: number };
  readonly imsi: string;
  /** The CA that signed the HA's certificate, and the name the certificate must carry (the IDr sent). */
  readonly caCertPem: string;
  readonly apn: string;
  readonly homeAgentAddress?: Ipv6Address;
  readonly requestIpv6Address?: boolean;
  readonly requestDns?: boolean;
  readonly alwaysUseNatT?: boolean;
  readonly authChild?: ChildRequest;
  readonly usimSqnState?: UsimSqnState;
}

/** The UE: IDi = root NAI of `imsi`, IDr = the APN (TS 24.303 §5.1.2.2), EAP-AKA with set 1. */
export function akaUeConfig(o: AkaUeOptions): InitiatorConfig {
  const nai = `0${o.imsi}@nai.epc.mnc${TEST_MNC.padStart(3, '0')}.mcc${TEST_MCC}.3gppnetwork.org`;
  const peer = eapAkaPeerFactory({
    imsi: o.imsi,
    mcc: TEST_MCC,
    mnc: TEST_MNC,
    k: SET1_K,
    opc: SET1_OPC,
    usimSqnState: o.usimSqnState ?? initialUsimSqnState(),
  });
  return {
    random: osRandom,
    timing: timing({ dpdIntervalMs: 0, retransmitTimeoutMs: 500, retransmitTries: 3 }),
    path: {
      localAddr: o.local.address,
      localPort: o.local.ikePort,
      remoteAddr: o.remote.address,
      remotePort: o.remote.port,
    },
    natTPorts: { local: o.local.natTPort, remote: o.remote.natTPort },
    alwaysUseNatT: o.alwaysUseNatT ?? false,
    auth: {
      rounds: [{ identity: identityData({ kind: 'rfc822', address: nai }), eapPeer: peer }],
      idr: identityData({ kind: 'fqdn', name: o.apn }),
      trust: new TrustStore([new X509Certificate(o.caCertPem)]),
      peerIdentity: o.apn,
      maxMessages: 32,
    },
    configRequest: {
      requestIpv6Dns: o.requestDns ?? false,
      requestIpv4Dns: o.requestDns ?? false,
      requestIpv6Address: o.requestIpv6Address ?? false,
    },
    ...(o.authChild ? { authChild: o.authChild } : {}),
    ...(o.homeAgentAddress ? { homeAgentAddress: o.homeAgentAddress } : {}),
  };
}

export interface AkaHaOptions {
  readonly local: UdpIkeAddress;
  readonly certPem: string;
  readonly keyPem: string;
  /** IDr when the UE names none. */
  readonly identity: string;
  readonly store: SubscriberStore;
  readonly pool: HomePrefixPool;
  readonly dns?: { readonly ipv6: readonly Ipv6Address[]; readonly ipv4: readonly Ipv4Address[] };
  readonly onAkaEvent?: (e: AkaServerEvent) => void;
}

/** The HA: ECDSA/RSA certificate, EAP-AKA server with an embedded AAA (`store`), home prefixes from `pool`. */
export function akaHaConfig(o: AkaHaOptions): ResponderConfig {
  return {
    random: osRandom,
    timing: timing({ dpdIntervalMs: 0, retransmitTimeoutMs: 500, retransmitTries: 3 }),
    natTPort: o.local.natTPort,
    credentials: {
      key: describeKey(createPrivateKey(o.keyPem)),
      certificates: [new Uint8Array(new X509Certificate(o.certPem).raw)],
      preferDigitalSignature: false,
    },
    identity: identityData({ kind: 'fqdn', name: o.identity }),
    eapServer: eapAkaServerFactory({
      store: o.store,
      random: osRandom,
      ...(o.onAkaEvent ? { onEvent: o.onAkaEvent } : {}),
    }),
    pool: o.pool,
    prefixLifetimeSec: 86_400,
    ...(o.dns ? { dns: o.dns } : {}),
    cookies: { threshold: 100, secret: { version: 1, secret: osRandom(32) } },
  };
}

/** An AAA store holding `imsi` with set 1's K and OPc, AMF 8000 and a fresh SQN. */
export function set1Store(imsi: string): InMemorySubscriberStore {
  return new InMemorySubscriberStore([
    { imsi, k: SET1_K, opc: SET1_OPC, amf: fromHex('8000'), sqn: initialHeSqnState() },
  ]);
}
