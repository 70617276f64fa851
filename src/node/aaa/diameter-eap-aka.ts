/**
 * The embedded EAP-AKA server (src/node/ike/eap-adapters.ts `eapAkaServerFactory`) as the Diameter AAA's
 * authenticator: the same method the HA runs when it is its own AAA, plus why a run failed, so the DEA can say
 * DIAMETER_ERROR_USER_UNKNOWN (TS 29.273 §9.2.2.1.2) rather than a plain rejection.
 */
import { randomBytes } from 'node:crypto';
import type { EapAuthenticatorFactory, EapAuthenticatorStep } from '../../aaa/diameter/index.ts';
import type { AkaServerFailureReason, SubscriberStore } from '../../eap/index.ts';
import type { EapServerStep } from '../../ike/eap.ts';
import { eapAkaServerFactory } from '../ike/eap-adapters.ts';

export function eapAkaAuthenticatorFactory(
  store: SubscriberStore,
  random: (n: number) => Uint8Array = (n) => randomBytes(n),
): EapAuthenticatorFactory {
  // Each call of the method runs synchronously, so the failure event it emits belongs to that call.
  let lastFailure: AkaServerFailureReason | undefined;
  const factory = eapAkaServerFactory({
    store,
    random,
    onEvent: (e) => {
      if (e.kind === 'failure') lastFailure = e.reason;
    },
  });
  const reasonOf = (): 'unknown-subscriber' | 'rejected' =>
    lastFailure === 'UNKNOWN_SUBSCRIBER' ? 'unknown-subscriber' : 'rejected';
  const convert = (step: EapServerStep): EapAuthenticatorStep => {
    if (step.result?.ok === true) return { result: step.result };
    if (step.result?.ok === false)
      return { result: { ok: false, eapFailure: step.result.eapFailure, reason: reasonOf() } };
    // An unknown subscriber ends the run at once over Diameter (5001) instead of a failure AKA-Notification.
    if (lastFailure === 'UNKNOWN_SUBSCRIBER') return { result: { ok: false, reason: 'unknown-subscriber' } };
    return step.request ? { request: step.request } : {};
  };
  return ({ identity }) => {
    const server = factory({ ikeIdentity: identity, round: 0 });
    return {
      start() {
        lastFailure = undefined;
        return convert({ request: server.start() });
      },
      handle(response) {
        lastFailure = undefined;
        return convert(server.handle(response));
      },
    };
  };
}
