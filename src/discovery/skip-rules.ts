/**
 * When the UE gives up on a Home Agent and tries the next one: no answer to IKE_SA_INIT or failed IKEv2
 * authentication (RFC 5026 §5.1.2 "SHOULD try the next Home Agent"), or a Binding Acknowledgement with status
 * 129..133 (TS 24.303 §5.1.2.4: "shall not send the BU to the HA and should discover another HA"). Status 128 only
 * allows a resend to the same HA, and other statuses are the binding core's business.
 */
import { SKIP_HA_BA_STATUS_MAX, SKIP_HA_BA_STATUS_MIN } from './constants.ts';

export type HomeAgentFailure =
  | { readonly kind: 'ike-no-response' }
  | { readonly kind: 'ike-authentication-failed' }
  | { readonly kind: 'binding-rejected'; readonly status: number };

export function shouldSkipHomeAgent(f: HomeAgentFailure): boolean {
  switch (f.kind) {
    case 'ike-no-response':
    case 'ike-authentication-failed':
      return true;
    case 'binding-rejected':
      return f.status >= SKIP_HA_BA_STATUS_MIN && f.status <= SKIP_HA_BA_STATUS_MAX;
  }
}
