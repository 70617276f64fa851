/**
 * The EAP method behind the AAA server (the shape of src/ike/eap.ts EapServer, plus why a run failed) and what
 * each of its steps means as a DEA (RFC 4072 §2.2, §3.2; TS 29.273 §9.2.2.1.2).
 */
import { ExperimentalResultCode3gpp, ResultCode } from '../../wire/diameter/index.ts';
import type { DeaResult } from './s6b.ts';

/** One EAP method run on the server (the shape of src/ike/eap.ts EapServer, plus why a run failed). */
export interface EapAuthenticatorStep {
  readonly request?: Uint8Array;
  readonly result?: // `msk` is absent for methods that derive none (EAP-MD5/GTC, an RFC 4739 second round): no EAP-Master-Session-Key.
    | { readonly ok: true; readonly msk?: Uint8Array; readonly identity: string; readonly eapSuccess?: Uint8Array }
    | { readonly ok: false; readonly eapFailure?: Uint8Array; readonly reason: 'unknown-subscriber' | 'rejected' };
}
export interface EapAuthenticator {
  start(): EapAuthenticatorStep;
  handle(response: Uint8Array): EapAuthenticatorStep;
}
export type EapAuthenticatorFactory = (context: { readonly identity: string }) => EapAuthenticator;

export interface DeaForStep {
  readonly result: DeaResult;
  readonly extra: { eap?: Uint8Array; msk?: Uint8Array; userName?: string; mobileNodeIdentifier?: string };
  readonly outcome: 'continue' | 'success' | 'unknown-subscriber' | 'rejected';
  readonly identity?: string;
}

/**
 * A Request → DIAMETER_MULTI_ROUND_AUTH with it; success → DIAMETER_SUCCESS with EAP-Success, the MSK and the
 * authenticated identity (Mobile-Node-Identifier, RFC 5779 §5.6); an unknown user → Experimental-Result 5001;
 * any other end, or nothing to send → DIAMETER_AUTHENTICATION_REJECTED with EAP-Failure.
 */
export function deaForStep(step: EapAuthenticatorStep, response: Uint8Array, userName: string): DeaForStep {
  const id = response[1] ?? 0;
  const failure = Uint8Array.of(4, id, 0, 4); // RFC 3748 §4.2 EAP-Failure answering that Response
  if (step.result?.ok === true) {
    return {
      result: { resultCode: ResultCode.DIAMETER_SUCCESS },
      extra: {
        eap: step.result.eapSuccess ?? Uint8Array.of(3, id, 0, 4),
        ...(step.result.msk ? { msk: step.result.msk } : {}),
        userName,
        mobileNodeIdentifier: step.result.identity,
      },
      outcome: 'success',
      identity: step.result.identity,
    };
  }
  if (step.result?.ok === false || !step.request) {
    const reason = step.result?.ok === false ? step.result.reason : 'rejected';
    const eap = step.result?.ok === false ? (step.result.eapFailure ?? failure) : failure;
    if (reason === 'unknown-subscriber') {
      const code = ExperimentalResultCode3gpp.DIAMETER_ERROR_USER_UNKNOWN;
      return { result: { experimentalResultCode: code }, extra: { eap }, outcome: reason };
    }
    return { result: { resultCode: ResultCode.DIAMETER_AUTHENTICATION_REJECTED }, extra: { eap }, outcome: reason };
  }
  return {
    result: { resultCode: ResultCode.DIAMETER_MULTI_ROUND_AUTH },
    extra: { eap: step.request },
    outcome: 'continue',
  };
}

/** The identity of an EAP-Response/Identity (Code 2, Type 1), else ''. */
export function identityOf(eap: Uint8Array): string {
  if (eap[0] !== 2 || eap[4] !== 1) return '';
  return new TextDecoder().decode(eap.subarray(5));
}
