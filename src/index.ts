/**
 * The dsmip library. This version exposes the wire layer (codecs for every message of a DSMIPv6 attach),
 * the pure crypto, captures and the packet dissector; the UE and Home Agent (`UserEquipment`, `HomeAgent`)
 * are built on these in the following layers.
 */

export * as crypto from './crypto/index.ts';
export { readCapture } from './obs/capture.ts';
export { readPcap, writePcap } from './obs/pcap.ts';
export { readPcapng, writePcapng } from './obs/pcapng.ts';
export { ConfigError, WireError } from './util/errors.ts';
export * as util from './util/index.ts';
export * as dhcpv4 from './wire/dhcpv4/index.ts';
export * as dhcpv6 from './wire/dhcpv6/index.ts';
export { type DecodedLayer, type Dissection, dissect } from './wire/dissect/index.ts';
export { decodeDns, encodeDns } from './wire/dns/dns.ts';
export * as eap from './wire/eap/index.ts';
export * as esp from './wire/esp/index.ts';
export * as ike from './wire/ike/index.ts';
export * as ip from './wire/ip/index.ts';
export * as mh from './wire/mh/index.ts';
export * as pco from './wire/pco/index.ts';
