/**
 * The dsmip library: a DSMIPv6 UE and Home Agent (TS 24.303 §5.1, RFC 5555) to run from your own program, their
 * config loaders, the helpers a lab needs (a DNS server for HA discovery, loopback address aliases, loggers, key
 * log and capture writers), and beneath them the pure codecs, crypto, captures and the packet dissector.
 *
 * ```ts
 * import { HomeAgent, loadHaConfig } from 'dsmip';
 * const ha = await HomeAgent.start(loadHaConfig({ file: 'ha.yaml', env: process.env }));
 * ha.on((e) => { if (e.kind === 'binding') console.log(e.event); });
 * ```
 *
 * @packageDocumentation
 */

// --- The UE and the Home Agent --------------------------------------------------------------------------------

/** DHCPv6 and DHCPv4 parameters fetched through the tunnel (`AttachResult.dhcpv6`, `.dhcpv4`). */
export type { Dhcpv4Parameters } from './dhcp/v4-parameters.ts';
export type { Dhcpv6Parameters } from './dhcp/v6-parameters.ts';
/** The binding events of `HomeAgentNodeEvent` `{ kind: 'binding' }`. */
export type { HaBindingInfo, HomeAgentEvent } from './mip/events.ts';
/** A live binding of `HomeAgent.status()` and `HomeAgent.bindingList()`. */
export type { LiveBinding } from './node/ha/binding-table.ts';
/** What a HomeAgent tells its listeners, and its injectable inputs besides the config. */
export type { HomeAgentDeps, HomeAgentNodeEvent } from './node/ha/ha-events.ts';
/** Home Agent (TS 24.303 §5.1.3): start, events, status, stop. */
export { HomeAgent, type HomeAgentStatus } from './node/ha/home-agent.ts';
/** Raw IP socket availability as probed (`UserEquipment.status().rawSupport`), and the probe. */
export { probeRawSockets, type RawSocketSupport } from './node/net/raw-sockets.ts';
/** A UE or HA with `tun.enabled` that cannot open its TUN device (no CAP_NET_ADMIN, no native addon). */
export { TunUnavailableError } from './node/tun/tun-open.ts';
/** `UserEquipment.start` refuses an access it cannot run (IPv6 access without raw IPv6 sockets). */
export { AccessUnavailableError } from './node/ue/ue-access.ts';
/** What a UserEquipment tells its listeners, and the attach phases. */
export { ATTACH_PHASES, type AttachPhase, type UeNodeEvent } from './node/ue/ue-events.ts';
/** `UserEquipment.changeCareOfAddress()` result. */
export type { CareOfChange } from './node/ue/ue-move.ts';
/** The UE's injectable inputs, its attach result, its step limits, and the error of a step cut short by `stop()`. */
export {
  type AttachResult,
  DEFAULT_UE_TIMEOUTS,
  UeStoppedError,
  type UeTimeouts,
  type UserEquipmentDeps,
} from './node/ue/ue-types.ts';
/** UE (TS 24.303 §5.1.2): start, attach, detach, care-of change, events, status, stop. */
export { UserEquipment, type UserEquipmentStatus } from './node/ue/user-equipment.ts';

// --- Configuration ------------------------------------------------------------------------------------------

/** A config that failed to load: `issues` lists every problem with its line and key path. */
export { ConfigFileError, type ConfigIssue } from './config/errors.ts';
/**
 * Load and validate a UE or HA config (YAML file or text, environment and `--set` overrides) into a frozen typed
 * value; anything wrong throws a ConfigFileError naming file, line, key path and reason.
 */
export { type ConfigInput, type HaConfig, loadHaConfig, loadUeConfig, type UeConfig } from './config/load.ts';

// --- Around the nodes: AAA, DNS, addressing, logs, captures ---------------------------------------------------

/** Subscribers of the embedded AAA (`HomeAgentDeps.subscriberStore`, or the subscriber file's format). */
export {
  InMemorySubscriberStore,
  parseSubscriberFile,
  type Subscriber,
  type SubscriberStore,
} from './eap/subscriber.ts';
/** A small authoritative DNS server (A/AAAA) for HA discovery by DNS (TS 24.303 §5.1.2.1.2) in a lab. */
export { type DnsAddressRecord, DnsServer, type DnsServerOptions } from './node/dns/server.ts';
/** Lab addresses carried by loopback addresses (the demo's trick for running UE and HA in one host). */
export { type AddressAlias, AddressAliases } from './node/net/address-aliases.ts';
/** A pcap/pcapng writer of every packet a node sends and receives, for `deps.capture`. */
export { CaptureWriter, type CaptureWriterOptions, type PacketCapture } from './obs/capture-writer.ts';
/** Wireshark key log files (IKEv2 decryption table, ESP SAs) for `deps.keyLog`. */
export { KeyLogWriter } from './obs/keylog.ts';
/** pino loggers as the nodes use them (`deps.logger`). */
export { createLogger, type Logger, type LogOptions, silentLogger } from './obs/log.ts';
/** A fresh copy of bytes (never a Buffer view). */
export { copyBytes } from './util/bytes.ts';
/** IPv4 and IPv6 addresses as the APIs take and return them. */
export { type IpAddress, Ipv4Address, Ipv6Address } from './util/ip-address.ts';

// --- Codecs, crypto, captures ---------------------------------------------------------------------------------

/** Pure crypto: Milenage, EAP-AKA and IKEv2 key derivation, ciphers, Diffie-Hellman groups. */
export * as crypto from './crypto/index.ts';
/** Read any capture file (pcap or pcapng). */
export { readCapture } from './obs/capture.ts';
/** pcap files. */
export { readPcap, writePcap } from './obs/pcap.ts';
/** pcapng files. */
export { readPcapng, writePcapng } from './obs/pcapng.ts';
/** Errors with a stable `code`: WireError from every decoder (with layer and offset), ConfigError. */
export { ConfigError, WireError } from './util/errors.ts';
/** Byte readers and writers, checksums, hex, addresses. */
export * as util from './util/index.ts';
/** DHCPv4 codec (RFC 2131/2132). */
export * as dhcpv4 from './wire/dhcpv4/index.ts';
/** DHCPv6 codec (RFC 8415, RFC 6610 home network options). */
export * as dhcpv6 from './wire/dhcpv6/index.ts';
/** Dissect a packet layer by layer (what `dsmip decode` prints). */
export { type DecodedLayer, type Dissection, dissect } from './wire/dissect/index.ts';
/** DNS messages. */
export { decodeDns, encodeDns } from './wire/dns/dns.ts';
/** EAP and EAP-AKA codec (RFC 3748, RFC 4187). */
export * as eap from './wire/eap/index.ts';
/** ESP framing (RFC 4303). */
export * as esp from './wire/esp/index.ts';
/** IKEv2 message and payload codec (RFC 7296). */
export * as ike from './wire/ike/index.ts';
/** IPv4, IPv6, extension headers, UDP, ICMP. */
export * as ip from './wire/ip/index.ts';
/** Mobility Header messages and options (RFC 6275, RFC 5555). */
export * as mh from './wire/mh/index.ts';
/** Protocol Configuration Options (TS 24.008). */
export * as pco from './wire/pco/index.ts';
