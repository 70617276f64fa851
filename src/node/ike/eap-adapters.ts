/**
 * EAP-AKA (src/eap) plugged into the IKEv2 engine's EAP slots (src/ike/eap.ts): the UE's USIM as an `EapPeer`
 * factory, the HA's authenticator with its embedded AAA as an `EapServerFactory`. IKEv2 carries one EAP message
 * per IKE_AUTH exchange (RFC 7296 §2.16), so every step either produces the next message or ends the conversation.
 */
import type { UsimSqnState } from '../../crypto/index.ts';
import {
  type AkaPeerEvent,
  type AkaServerEvent,
  EapAkaPeer,
  type EapAkaPeerConfig,
  EapAkaServer,
  type EapAkaServerConfig,
  EapPasswordPeer,
  EapPasswordServer,
  type PasswordMethod,
  type PasswordUsers,
} from '../../eap/index.ts';
import type { EapPeer, EapPeerStep, EapServer, EapServerFactory, EapServerStep } from '../../ike/eap.ts';

export type EapAkaPeerFactoryConfig = EapAkaPeerConfig & {
  /**
   * The USIM accepted a new SQN (TS 33.102 Annex C.2.2): persist `state`, or a later attach may replay an
   * old vector. The factory also keeps it, so the next attach starts from it.
   */
  readonly onUsimSqnUpdated?: (state: UsimSqnState) => void;
  /** Every EAP-AKA event of every conversation (sync failures, notifications, outcomes), for logs. */
  readonly onEvent?: (e: AkaPeerEvent) => void;
};

/**
 * A fresh EAP-AKA peer per attach (the method keeps per-conversation state), each starting from the SEQ_MS the
 * previous one left behind.
 */
export function eapAkaPeerFactory(config: EapAkaPeerFactoryConfig): () => EapPeer {
  let usimSqnState = config.usimSqnState;
  const { onUsimSqnUpdated, onEvent, ...peerConfig } = config;
  return () => {
    const peer = new EapAkaPeer({ ...peerConfig, usimSqnState } as EapAkaPeerConfig);
    return {
      handle(eap: Uint8Array): EapPeerStep {
        const step = peer.handleRequest(eap);
        let msk: Uint8Array | undefined;
        for (const e of step.events) {
          if (e.kind === 'usim-sqn-updated') {
            usimSqnState = e.state;
            onUsimSqnUpdated?.(e.state);
          } else if (e.kind === 'success') msk = e.msk;
          onEvent?.(e);
        }
        if (msk) return { result: { ok: true, msk } };
        // A Response goes out even when the method has failed (Authentication-Reject, Client-Error, the answer
        // to a failure Notification): the server learns why and ends with EAP-Failure (RFC 4187 §6.3).
        if (step.send) return { response: step.send };
        // Nothing to answer: over IKEv2 the conversation cannot go on (the HA retransmits no IKE response).
        return { result: { ok: false } };
      },
    };
  };
}

export type EapAkaServerFactoryConfig = Omit<EapAkaServerConfig, 'ikeIdentity'> & {
  /** SQN_HE moves (already written to the store), outcomes and failure reasons, for logs and metrics. */
  readonly onEvent?: (e: AkaServerEvent) => void;
};

/**
 * One EAP-AKA server per authentication round, with the round's IDi as the identity that stands in for
 * EAP-Response/Identity (RFC 7296 §2.16, RFC 4187 §7). On success the subscriber identity handed to the engine
 * is the IMSI the AAA authenticated: the key for the HA's per-subscriber prefix (TS 24.303 §5.1.3.1), whatever
 * spelling of the NAI the UE used.
 */
export function eapAkaServerFactory(config: EapAkaServerFactoryConfig): EapServerFactory {
  const { onEvent, ...serverConfig } = config;
  return ({ ikeIdentity }): EapServer => {
    const server = new EapAkaServer({ ...serverConfig, ikeIdentity });
    const report = (events: readonly AkaServerEvent[]): void => {
      if (onEvent) for (const e of events) onEvent(e);
    };
    return {
      start(): Uint8Array {
        const step = server.start();
        report(step.events);
        // start() always has a Request: AKA-Identity, AKA-Challenge, or a failure Notification (RFC 4187 §6.3.2).
        if (!step.send) throw new RangeError('EAP-AKA server started without a request');
        return step.send;
      },
      handle(response: Uint8Array): EapServerStep {
        const step = server.handleResponse(response);
        report(step.events);
        for (const e of step.events) {
          if (e.kind === 'success') {
            return {
              result: { ok: true, msk: e.msk, identity: e.imsi, ...(step.send ? { eapSuccess: step.send } : {}) },
            };
          }
          if (e.kind === 'failure' && step.send) return { result: { ok: false, eapFailure: step.send } };
        }
        return step.send ? { request: step.send } : {};
      },
    };
  };
}

/** A fresh EAP-MD5 / EAP-GTC peer per attach for the RFC 4739 second round (no MSK: RFC 7296 §2.16). */
export function eapPasswordPeerFactory(config: { method: PasswordMethod; secret: string }): () => EapPeer {
  const secret = new TextEncoder().encode(config.secret);
  return () => {
    const peer = new EapPasswordPeer({ method: config.method, secret });
    return {
      handle(eap: Uint8Array): EapPeerStep {
        const step = peer.handleRequest(eap);
        if (step.outcome === 'success') return { result: { ok: true } };
        if (step.outcome === 'failure') return { result: { ok: false } };
        return step.send ? { response: step.send } : { result: { ok: false } };
      },
    };
  };
}

/** Second-round users from the config (`identity` → `secret`). */
export function passwordUsersOf(list: readonly { identity: string; secret: string }[]): PasswordUsers {
  const map = new Map(list.map((u) => [u.identity, new TextEncoder().encode(u.secret)]));
  return { secretOf: (identity) => map.get(identity) };
}

export interface EmbeddedEapServerConfig extends EapAkaServerFactoryConfig {
  /** The RFC 4739 second round: the method offered first and its users. */
  readonly secondAuth: { readonly method: PasswordMethod; readonly users: PasswordUsers };
  /** Outcome of each second round, for logs. */
  readonly onPasswordOutcome?: (identity: string, ok: boolean, reason?: string) => void;
}

/**
 * The embedded AAA: EAP-AKA for the first round (the USIM), EAP-MD5/GTC against the configured users for an RFC
 * 4739 second round (TS 33.402 external PDN authentication).
 */
export function embeddedEapServerFactory(config: EmbeddedEapServerConfig): EapServerFactory {
  const { secondAuth, onPasswordOutcome, ...aka } = config;
  const first = eapAkaServerFactory(aka);
  return (context): EapServer => {
    if (context.round === 0) return first(context);
    const server = new EapPasswordServer({
      method: secondAuth.method,
      identity: context.ikeIdentity,
      users: secondAuth.users,
      random: config.random,
    });
    return {
      start: () => server.start(),
      handle(response: Uint8Array): EapServerStep {
        const step = server.handleResponse(response);
        const o = step.outcome;
        if (o) onPasswordOutcome?.(context.ikeIdentity, o.ok, o.ok ? undefined : o.reason);
        if (o?.ok && step.send) return { result: { ok: true, identity: o.identity, eapSuccess: step.send } };
        if (o && step.send) return { result: { ok: false, eapFailure: step.send } };
        return step.send ? { request: step.send } : {};
      },
    };
  };
}
