/**
 * EAP-AKA (RFC 4187) as protocol cores: the peer (UE/USIM side) and the server (HA as authenticator with an
 * embedded AAA/AuC), identities from the IMSI (TS 23.003 §19.3.2), and the subscriber records and file codec.
 * No I/O, clock or ambient randomness: the IKE layer feeds EAP packets in and carries the outputs.
 */
export * from './aka-peer.ts';
export * from './aka-protect.ts';
export * from './aka-rules.ts';
export * from './aka-server.ts';
export * from './identity.ts';
export * from './password-methods.ts';
export * from './subscriber.ts';
