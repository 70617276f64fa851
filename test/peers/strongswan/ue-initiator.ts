/**
 * strongSwan as the UE: IKEv2 initiator and EAP-AKA peer (Milenage card from K ‖ OPc), IDi = the root NAI,
 * IDr = the HA-APN (TS 24.303 §5.1.2.2), asking for a virtual IPv6 address in its CFG_REQUEST, and checking
 * the responder's certificate against a given CA.
 */
import { type Charon, type CharonOptions, confValue, startCharon } from '../../../scripts/peers/strongswan.ts';
import { type InitiateResult, initiate } from '../../../src/node/vici/commands.ts';
import { DEFAULT_ESP_PROPOSALS, DEFAULT_IKE_PROPOSALS } from './ha-responder.ts';
import { type AkaSubscriber, akaSecret, TEST_HA_APN, TEST_SUBSCRIBER } from './identities.ts';

export const UE_CONNECTION = 'ue';
export const UE_CHILD = 'mh';

export interface UeInitiatorOptions {
  readonly name?: string;
  /** The HA's address and IKE port. */
  readonly remoteHost: string;
  readonly remotePort: number;
  /** The CA that must have signed the HA's certificate. */
  readonly caCertPem: string;
  /** Sent as IDr; the HA must authenticate as this identity. Default the test HA-APN. */
  readonly remoteId?: string;
  readonly subscriber?: AkaSubscriber;
  /** Virtual IPs requested in the CFG_REQUEST (`::` asks for INTERNAL_IP6_ADDRESS); default [`::`]. */
  readonly vips?: readonly string[];
  readonly ikeProposals?: string;
  readonly espProposals?: string;
  readonly childMode?: 'transport' | 'tunnel';
  readonly childTs?: string;
  readonly kernel?: CharonOptions['kernel'];
  /** eap-aka-3gpp `seq_check` on the card: whether the UE refuses a stale SQN (AUTS resync); default no. */
  readonly akaSeqCheck?: boolean;
  /**
   * MOBIKE (RFC 4555), on by default as in strongSwan. With it the UE moves to its NAT-T socket after
   * IKE_SA_INIT and prefixes the non-ESP marker (RFC 3948 §2.2), keeping the HA's port when that is not 500.
   */
  readonly mobike?: boolean;
  readonly netns?: string;
}

export interface UeInitiator {
  readonly charon: Charon;
  readonly connection: string;
  readonly child: string;
  /** Brings up the IKE_SA alone, or with the child SA when `withChild`; resolves with strongSwan's verdict. */
  initiate(o?: { withChild?: boolean; timeoutMs?: number }): Promise<InitiateResult>;
}

export function ueSwanctlConf(o: UeInitiatorOptions): string {
  const subscriber = o.subscriber ?? TEST_SUBSCRIBER;
  const ts = confValue('childTs', o.childTs ?? 'dynamic[135]');
  const vips = (o.vips ?? ['::']).map((v) => confValue('vips', v)).join(',');
  return `connections {
  ${UE_CONNECTION} {
    version = 2
    remote_addrs = ${confValue('remoteHost', o.remoteHost)}
    remote_port = ${o.remotePort}
    proposals = ${confValue('ikeProposals', o.ikeProposals ?? DEFAULT_IKE_PROPOSALS)}
    mobike = ${o.mobike === false ? 'no' : 'yes'}
${vips === '' ? '' : `    vips = ${vips}\n`}    local {
      auth = eap-aka
      id = ${confValue('NAI', subscriber.nai)}
    }
    remote {
      auth = pubkey
      id = ${confValue('remoteId', o.remoteId ?? TEST_HA_APN)}
    }
    children {
      ${UE_CHILD} {
        mode = ${o.childMode ?? 'transport'}
        local_ts = ${ts}
        remote_ts = ${ts}
        esp_proposals = ${confValue('espProposals', o.espProposals ?? DEFAULT_ESP_PROPOSALS)}
      }
    }
  }
}
secrets {
  eap-ue {
    id = ${subscriber.nai}
    secret = ${akaSecret(subscriber)}
  }
}
`;
}

/** Starts the UE charon with its connection loaded (nothing is initiated yet). */
export async function startUeInitiator(o: UeInitiatorOptions): Promise<UeInitiator> {
  if (!Number.isInteger(o.remotePort) || o.remotePort < 1 || o.remotePort > 0xffff) {
    throw new RangeError(`remotePort must be 1..65535: ${o.remotePort}`);
  }
  const charon = await startCharon({
    name: o.name ?? 'ue',
    port: 0, // the initiator's source ports are the kernel's choice
    natTPort: 0,
    swanctlConf: ueSwanctlConf(o),
    credentials: { 'x509ca/ca.pem': o.caCertPem },
    kernel: o.kernel,
    akaSeqCheck: o.akaSeqCheck,
    netns: o.netns,
  });
  return {
    charon,
    connection: UE_CONNECTION,
    child: UE_CHILD,
    initiate: ({ withChild = false, timeoutMs = 15_000 } = {}) =>
      initiate(charon.vici, { ike: UE_CONNECTION, child: withChild ? UE_CHILD : undefined, timeoutMs }),
  };
}
