/**
 * The EAP methods are plugged in from outside (src/eap implements EAP-AKA; tests use a tiny fake). The engine only
 * carries EAP packets in EAP payloads (RFC 7296 §2.16, §3.16) and uses the MSK for the AUTH payloads.
 */
import { EapCode } from '../wire/eap/constants.ts';

export type EapPeerStep = {
  /** The EAP Response to send, if the request called for one. */
  readonly response?: Uint8Array;
  /** Set on EAP-Success (with the MSK) or EAP-Failure. */
  readonly result?: { readonly ok: true; readonly msk: Uint8Array } | { readonly ok: false };
};

/** The UE's EAP peer for one authentication round. */
export interface EapPeer {
  handle(eap: Uint8Array): EapPeerStep;
}

export type EapServerStep = {
  readonly request?: Uint8Array;
  readonly result?:
    | {
        readonly ok: true;
        readonly msk: Uint8Array;
        /** The authenticated subscriber identity (e.g. the permanent NAI from the AAA). */
        readonly identity: string;
        /** The EAP-Success to send; built from the last response's Identifier when absent. */
        readonly eapSuccess?: Uint8Array;
      }
    | { readonly ok: false; readonly eapFailure: Uint8Array };
};

/** The HA's EAP authenticator for one round. */
export interface EapServer {
  start(): Uint8Array;
  handle(response: Uint8Array): EapServerStep;
}

/** Creates the server of one round; `ikeIdentity` is the IDi of that round (RFC 4739 §2.1: each round has its own). */
export type EapServerFactory = (context: { readonly ikeIdentity: string }) => EapServer;

/** EAP-Success answering `response`: Code 3, the response's Identifier, Length 4 (RFC 3748 §4.2). */
export function eapSuccessFor(response: Uint8Array): Uint8Array {
  return Uint8Array.of(EapCode.SUCCESS, response[1] ?? 0, 0, 4);
}
