/**
 * Test support: drives the project's EAP-AKA peer (the UE's USIM, src/eap) through an `EapBackend` the way the HA's
 * IKE responder will, one EAP message per round, and reports the outcome and both sides' MSKs.
 */
import type { EapAkaPeer } from '../../eap/index.ts';
import type { EapBackend, EapRoundResult } from './eap-backend.ts';

export function eapIdentityResponse(identity: string, identifier = 0): Uint8Array {
  const id = new TextEncoder().encode(identity);
  return Uint8Array.from([2, identifier, 0, 5 + id.length, 1, ...id]);
}

export interface AttachRun {
  readonly result: EapRoundResult;
  readonly rounds: number;
  readonly peerMsk?: Uint8Array;
}

/** Runs rounds until success or failure; `tamper` may change each Response before it goes to the backend. */
export async function runEapAka(
  backend: EapBackend,
  peer: EapAkaPeer,
  o: { sessionKey: string; identity: string; tamper?: (eap: Uint8Array) => Uint8Array; apn?: string },
): Promise<AttachRun> {
  let eap = eapIdentityResponse(o.identity);
  let peerMsk: Uint8Array | undefined;
  for (let rounds = 1; rounds <= 10; rounds++) {
    const result = await backend.exchange({
      sessionKey: o.sessionKey,
      identity: o.identity,
      eap,
      peerAddress: '127.0.0.1',
      peerPort: 4500,
      round: 1,
      ...(o.apn ? { apn: o.apn } : {}),
    });
    if (result.kind !== 'continue') {
      if (result.kind === 'success') {
        for (const e of peer.handleRequest(result.eap).events) if (e.kind === 'success') peerMsk = e.msk;
      }
      return { result, rounds, ...(peerMsk ? { peerMsk } : {}) };
    }
    const step = peer.handleRequest(result.eap);
    for (const e of step.events) if (e.kind === 'success') peerMsk = e.msk;
    if (!step.send) throw new Error('the EAP-AKA peer had nothing to answer');
    eap = o.tamper ? o.tamper(step.send) : step.send;
  }
  throw new Error('EAP-AKA did not finish in 10 rounds');
}
