/**
 * The node layer's Mobile IPv6 signalling: BU/BA in ESP transport mode on the Home Address's Child SA (RFC 4877
 * §4.3, RFC 5555 §5.2.1), framed for IPv6 (HAO/RH2), UDP 4191 and protocol 41, for the HA and the UE.
 */
export * from './child-sa.ts';
export * from './ha-signalling.ts';
export * from './sa-registry.ts';
export * from './signalling-io.ts';
export * from './signalling-open.ts';
export * from './signalling-packet.ts';
export * from './signalling-pipeline.ts';
export * from './ue-signalling.ts';
