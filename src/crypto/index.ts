/**
 * Crypto layer: Milenage and AKA (TS 35.206, TS 33.102), EAP-AKA keys (RFC 4187), IKEv2 key derivation and AUTH
 * (RFC 7296), Diffie-Hellman groups, ciphers and integrity transforms for IKE and ESP. Pure functions over bytes;
 * randomness is injected, nothing reads a clock.
 */
export * from './aka.ts';
export * from './aka-sqn.ts';
export * from './cipher.ts';
export * from './dh.ts';
export * from './eap-aka-keys.ts';
export * from './eap-aka-prime-keys.ts';
export * from './errors.ts';
export * from './fips186-prf.ts';
export * from './ike-prf.ts';
export * from './integ.ts';
export * from './milenage.ts';
export * from './modp-primes.ts';
export * from './transforms.ts';
