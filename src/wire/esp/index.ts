export * from './constants.ts';
export * from './esp.ts';
export * from './udp-encap.ts';
