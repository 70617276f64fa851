/**
 * User-space ESP (RFC 4303) with UDP encapsulation (RFC 3948): the SA database, sealing and opening, and the
 * packets around them. Sans-I/O: no sockets, no clock, randomness injected.
 */
export * from './constants.ts';
export * from './esp-protect.ts';
export * from './keepalive.ts';
export * from './packet.ts';
export * from './packet-open.ts';
export * from './replay-window.ts';
export * from './sa.ts';
export * from './sa-params.ts';
export * from './sad.ts';
export * from './selectors.ts';
