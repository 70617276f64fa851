/**
 * The IKEv2 part of the UE's attach (TS 24.303 §5.1.2.2): IKE_SA_INIT, IKE_AUTH with EAP-AKA and the CP asking for
 * the home prefix and DNS servers, then the CREATE_CHILD_SA for the HoA (RFC 4877 §7.3) whose SAs go into the SAD.
 * It resolves once the BU/BA SA is installed, and fails with `HomeAgentFailure` when the HA does not answer or
 * authentication fails: both send the UE to the next HA (RFC 5026 §5.1.2).
 */
import type { UeConfig } from '../../config/load.ts';
import type { UsimSqnState } from '../../crypto/index.ts';
import type { HomeAgentFailure as FailureKind } from '../../discovery/skip-rules.ts';
import type { IkeEvent } from '../../ike/events.ts';
import { IkeInitiator } from '../../ike/initiator.ts';
import type { Ipv6Prefix } from '../../mip/types.ts';
import type { KeyLogWriter } from '../../obs/keylog.ts';
import type { IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { ExchangeType, NotifyType } from '../../wire/ike/constants.ts';
import type { MobilitySaRegistry } from '../mobility/sa-registry.ts';
import { IkeDatagramEndpoint, type IkeMessageSeen, type UdpOpener } from '../net/ike-datagram-endpoint.ts';
import { initiatorConfigOf } from './ue-config.ts';
import { UeStoppedError } from './ue-types.ts';

/** An HA to leave for the next one (TS 24.303 §5.1.2.1.1, RFC 5026 §5.1.2), with what went wrong. */
export class HomeAgentFailure extends Error {
  override readonly name = 'HomeAgentFailure';
  constructor(
    readonly failure: FailureKind,
    detail: string,
  ) {
    super(detail);
  }
}

export interface IkeAttachInputs {
  readonly config: UeConfig;
  readonly opener: UdpOpener;
  readonly careOf: IpAddress;
  readonly remote: IpAddress;
  readonly homeAgent: Ipv6Address;
  readonly registry: MobilitySaRegistry;
  readonly random: (n: number) => Uint8Array;
  readonly usimSqnState: () => UsimSqnState;
  readonly onUsimSqnUpdated: (s: UsimSqnState) => void;
  readonly keyLog: KeyLogWriter | undefined;
  /** Every engine event (key-log included; the caller filters). */
  readonly onEvent: (e: IkeEvent) => void;
  /** IKE_SA_INIT answered: EAP-AKA starts. */
  readonly onInitDone: () => void;
  /** EAP succeeded: the rest of IKE_AUTH and the Child SA. */
  readonly onEapDone: () => void;
  readonly timeoutMs: number;
  /** The Home Address interface identifier to keep (a new IKE SA after a move, RFC 5026 §5.3.2). */
  readonly interfaceId?: Uint8Array;
  /** The decrypted payloads of each protected message as events (the message trace; debug logs). */
  readonly messageTrace: boolean;
  /** Aborted when the UE stops: the attempt ends at once with UeStoppedError, its endpoint and timer gone. */
  readonly signal?: AbortSignal;
}

export interface IkeAttachOutcome {
  readonly endpoint: IkeDatagramEndpoint<IkeInitiator>;
  readonly ikeSaId: number;
  readonly homePrefix: Ipv6Prefix;
  readonly homeAddress: Ipv6Address;
  readonly dnsServers: { readonly ipv6: readonly Ipv6Address[]; readonly ipv4: readonly Ipv4Address[] };
  /** A NAT between UE and HA as IKE saw it (RFC 7296 §2.23). */
  readonly natDetected: boolean;
}

export async function runIkeAttach(i: IkeAttachInputs): Promise<IkeAttachOutcome> {
  let settle: ((e: IkeEvent) => void) | undefined;
  let natDetected = false;
  let prefix: Extract<IkeEvent, { kind: 'home-prefix-assigned' }> | undefined;
  let initDone = false;
  const endpoint = await IkeDatagramEndpoint.open(
    i.opener,
    {
      address: i.careOf,
      ikePort: i.config.ike.ports.local,
      natTPort: i.config.ike.ports.localNatT,
      ...(i.keyLog ? { keyLog: i.keyLog } : {}),
      onMessage: (m: IkeMessageSeen) => {
        if (!initDone && m.direction === 'received' && m.response && m.exchangeType === ExchangeType.IKE_SA_INIT) {
          // A COOKIE or INVALID_KE_PAYLOAD answer restarts IKE_SA_INIT; the phase ends with the first answer.
          initDone = true;
          i.onInitDone();
        }
      },
      onEvent: (e) => {
        if (e.kind === 'nat-detected') natDetected = true;
        if (e.kind === 'home-prefix-assigned') prefix = e;
        if (e.kind === 'eap-success') i.onEapDone();
        i.onEvent(e);
        settle?.(e);
      },
    },
    (local) =>
      new IkeInitiator(
        initiatorConfigOf(i.config, {
          local,
          remote: i.remote,
          homeAgent: i.homeAgent,
          usimSqnState: i.usimSqnState(),
          onUsimSqnUpdated: i.onUsimSqnUpdated,
          random: i.random,
          messageTrace: i.messageTrace,
          ...(i.interfaceId ? { interfaceId: i.interfaceId } : {}),
        }),
      ),
  );
  let ikeSaId = 0;
  const installed = new Promise<number>((resolve, reject) => {
    const end = () => {
      clearTimeout(timer);
      i.signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      end();
      reject(new UeStoppedError());
    };
    const timer = setTimeout(() => {
      end();
      reject(new HomeAgentFailure({ kind: 'ike-no-response' }, `IKE did not finish in ${i.timeoutMs} ms`));
    }, i.timeoutMs);
    if (i.signal?.aborted) onAbort();
    else i.signal?.addEventListener('abort', onAbort, { once: true });
    settle = (e) => {
      const fail = (kind: FailureKind, why: string) => {
        end();
        reject(new HomeAgentFailure(kind, why));
      };
      if (e.kind === 'child-sa-established' && i.registry.install(e).ok) {
        end();
        resolve(e.ikeSaId);
      } else if (e.kind === 'auth-failed') fail({ kind: 'ike-authentication-failed' }, e.reason);
      else if (e.kind === 'ike-sa-failed') {
        const auth = e.notifyType === NotifyType.AUTHENTICATION_FAILED;
        fail({ kind: auth ? 'ike-authentication-failed' : 'ike-no-response' }, e.reason);
      } else if (e.kind === 'child-sa-failed' && e.ikeSaId === ikeSaId) fail({ kind: 'ike-no-response' }, e.reason);
    };
  });
  try {
    if (!i.signal?.aborted) ikeSaId = endpoint.run((engine, now) => engine.connect(now));
    await installed;
  } catch (e) {
    endpoint.close();
    throw e;
  }
  if (!prefix?.homeAddress) {
    endpoint.close();
    throw new HomeAgentFailure({ kind: 'ike-no-response' }, 'no MIP6_HOME_PREFIX in the CFG_REPLY');
  }
  return {
    endpoint,
    ikeSaId,
    homePrefix: { prefix: prefix.homePrefix.prefix, prefixLength: prefix.homePrefix.prefixLength },
    homeAddress: prefix.homeAddress,
    dnsServers: { ipv6: prefix.ipv6Dns, ipv4: prefix.ipv4Dns },
    natDetected,
  };
}
