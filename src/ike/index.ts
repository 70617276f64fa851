/**
 * The IKEv2 engine (RFC 7296 with RFC 4739, RFC 4877, RFC 5026, RFC 7427), sans-I/O: `IkeInitiator` for the UE and
 * `IkeResponder` for the Home Agent. Feed datagrams and time in, poll datagrams, deadlines and events out.
 */
export * from './config.ts';
export * from './config-check.ts';
export * from './config-payload.ts';
export * from './cookie.ts';
export * from './eap.ts';
export { IkeEndpoint } from './endpoint.ts';
export * from './errors.ts';
export * from './events.ts';
export type { IkeSa, IkeSaState, IkeSession } from './ike-sa.ts';
export * from './initiator.ts';
export * from './nat-detection.ts';
export * from './proposal.ts';
export * from './proposal-reply.ts';
export * from './responder.ts';
export * from './retransmit.ts';
export * from './signature.ts';
export type { ChildRequest } from './tasks/child-create-initiator.ts';
export type { AuthRound, InitiatorAuthConfig } from './tasks/ike-auth-initiator.ts';
export type { ResponderCredentials } from './tasks/ike-auth-responder.ts';
export type { HomePrefixPool } from './tasks/ike-config.ts';
export * from './traffic-selectors.ts';
export * from './trust.ts';
