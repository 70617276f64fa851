/** The UE node's inputs besides its config file, its attach result and its step limits. */
import type { Dhcpv4Parameters } from '../../dhcp/v4-parameters.ts';
import type { Dhcpv6Parameters } from '../../dhcp/v6-parameters.ts';
import type { HomeAgentCandidate } from '../../discovery/candidates.ts';
import type { Ipv6Prefix } from '../../mip/types.ts';
import type { PacketCapture } from '../../obs/capture-writer.ts';
import type { KeyLogWriter } from '../../obs/keylog.ts';
import type { Logger } from '../../obs/log.ts';
import type { IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import type { NatDetectionOption } from '../../wire/mh/options.ts';
import type { AddressAliases } from '../net/address-aliases.ts';
import type { RawSocketSupport } from '../net/raw-sockets.ts';
import type { AccessLink } from './access-link.ts';
import type { PhaseTime } from './phase-clock.ts';
import type { UeNodeEvent } from './ue-events.ts';

/** Inputs of `UserEquipment.start` besides the config: logger, aliases, key log, capture, timeouts, first listener. */
export interface UserEquipmentDeps {
  readonly logger?: Logger;
  readonly aliases?: AddressAliases;
  readonly keyLog?: KeyLogWriter;
  readonly capture?: PacketCapture;
  readonly rawSupport?: RawSocketSupport;
  readonly random?: (n: number) => Uint8Array;
  /** Prefixes in the access link's Router Advertisements (TS 24.303 §5.1.2.3); none on loopback. */
  readonly routerPrefixes?: readonly Ipv6Prefix[];
  /** Behave as if the access link advertised the home prefix (the demo's `--at-home`). */
  readonly atHome?: boolean;
  /** RFC 8415 §18.2.6 delay bound before the first Information-request on the tunnel; default INF_MAX_DELAY. */
  readonly dhcpv6FirstDelayMaxMs?: number;
  /** Opens the access link for DHCPv6 discovery (default: UDP 546 on `discovery.dhcpv6.interface`). */
  readonly openAccessLink?: (interfaceName: string) => Promise<AccessLink>;
  readonly timeouts?: Partial<UeTimeouts>;
  /**
   * The decrypted payloads of protected IKE messages as `ike` events (a message trace such as the demo's). Off by
   * default: they carry EAP-AKA RES and MAC and the AUTH values; a `debug` log level turns them on for its log lines.
   */
  readonly ikeMessageTrace?: boolean;
  readonly onEvent?: (e: UeNodeEvent) => void;
}

/** A step that was waiting when the UE stopped (`UserEquipment.stop`): nothing of it is left running. */
export class UeStoppedError extends Error {
  override readonly name = 'UeStoppedError';
  constructor() {
    super('the UE stopped');
  }
}

/** How long each step of the UE may take before it fails, in milliseconds. */
export interface UeTimeouts {
  readonly discoveryMs: number;
  readonly ikeMs: number;
  readonly bindingMs: number;
  readonly dhcpMs: number;
  readonly detachMs: number;
}

/** The UE's default step limits (`UserEquipmentDeps.timeouts` overrides any of them). */
export const DEFAULT_UE_TIMEOUTS: UeTimeouts = {
  discoveryMs: 15_000,
  ikeMs: 30_000,
  bindingMs: 20_000,
  dhcpMs: 30_000,
  detachMs: 10_000,
};

/** What `UserEquipment.attach()` got: the home agent, addresses, DNS servers, NAT findings, DHCP parameters, times. */
export interface AttachResult {
  readonly homeAgent: HomeAgentCandidate;
  /** An IPv4 or IPv6 care-of address, as the access is (TS 24.303 §5.1.2). */
  readonly careOf: IpAddress;
  readonly homePrefix: Ipv6Prefix;
  readonly ipv6HomeAddress: Ipv6Address;
  readonly ipv4HomeAddress: Ipv4Address | undefined;
  /** INTERNAL_IP6_DNS / INTERNAL_IP4_DNS of the CFG_REPLY. */
  readonly dnsServers: { readonly ipv6: readonly Ipv6Address[]; readonly ipv4: readonly Ipv4Address[] };
  /** Home link detected: no BU was sent and no DHCP ran (TS 24.303 §5.1.2.3). */
  readonly atHome: boolean;
  /** F = 1 and why; undefined when F = 0. */
  readonly forceUdpReason: string | undefined;
  /** The BA's NAT Detection option (RFC 5555 §3.2.2): F set when a NAT was seen or UDP was forced. */
  readonly natDetection: NatDetectionOption | undefined;
  /** IKEv2 saw a NAT on the path (RFC 7296 §2.23). */
  readonly ikeNatDetected: boolean;
  readonly dhcpv6: Dhcpv6Parameters | undefined;
  readonly dhcpv4: Dhcpv4Parameters | undefined;
  readonly phases: readonly PhaseTime[];
  readonly totalMs: number;
}
