/**
 * The Child SA that protects Binding Updates and Acknowledgements (RFC 4877 §4.3, §7.2; RFC 5555 §5.2.1): the
 * IKE engine's `child-sa-established` event as the two ESP SAs the SAD installs, once it is known to be that SA:
 * transport mode, one selector per side naming one IPv6 address, protocol MH (135), the UE side covering MH type
 * BU and the HA side MH type BA (MH type in the high byte of the port, RFC 4301 §4.4.1.1). Any other Child SA
 * (the data SA of RFC 5555 §5.2.2, in tunnel mode) is not ours and is left to the data path.
 */
import type { ChildSaEvent, EspKeys } from '../../ike/events.ts';
import type { EspSaParams } from '../../ipsec/sa-params.ts';
import type { Ipv6Address } from '../../util/ip-address.ts';
import { mhTypeToPort, type TrafficSelector } from '../../wire/ike/traffic-selector.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { MhType } from '../../wire/mh/constants.ts';

/** Which end of the BU/BA exchange this node is. */
export type MobilityRole = 'home-agent' | 'mobile-node';

/** A BU/BA Child SA, ready to install. */
export interface MobilityChildSa {
  readonly ikeSaId: number;
  /** The UE side of the selectors (RFC 4877 §7.3: the SA is keyed to the HoA, so it survives CoA changes). */
  readonly homeAddress: Ipv6Address;
  /** The HA side of the selectors. */
  readonly homeAgent: Ipv6Address;
  /** Our SPI and keysIn; the peer's SPI and keysOut (RFC 7296 §2.17 keys per direction). */
  readonly inbound: EspSaParams;
  readonly outbound: EspSaParams;
  /** The inbound SPI of the Child SA this one rekeys. */
  readonly rekeyOf: number | undefined;
}

/** Why a Child SA is not the BU/BA SA. */
export type NotMobilitySaReason =
  /** RFC 4877 §4.3, RFC 5555 §5: BU/BA are protected in transport mode. */
  | 'not-transport-mode'
  /** Not one IPv6 address per side with protocol 135 and the BU (UE side) / BA (HA side) MH types. */
  | 'not-mobility-selectors'
  /** The engine named a Home Address the UE-side selector does not. */
  | 'home-address-mismatch';

export type MobilityChildSaResult =
  | { readonly ok: true; readonly sa: MobilityChildSa }
  | { readonly ok: false; readonly reason: NotMobilitySaReason };

export interface MobilitySaOptions {
  /** Anti-replay window of the inbound SA (RFC 4877 §4.3 leaves anti-replay optional; default the SAD's 128). */
  readonly replayWindow?: number;
}

/** The port range (MH types in the high byte) of the one selector of a BU/BA SA side. */
export function mobilityPortRange(list: readonly TrafficSelector[]): { readonly first: number; readonly last: number } {
  const ts = list[0];
  if (list.length !== 1 || ts === undefined || ts.kind !== 'ipv6-range') throw new RangeError('not a BU/BA SA side');
  return { first: ts.startPort, last: ts.endPort };
}

/** The single IPv6 address of a one-address MH selector that admits `mhType` as its sender's type. */
function mobilitySelectorAddress(list: readonly TrafficSelector[], mhType: number): Ipv6Address | undefined {
  if (list.length !== 1) return undefined;
  const ts = list[0]!;
  if (ts.kind !== 'ipv6-range' || ts.ipProtocol !== IpProtocol.MH || !ts.startAddress.equals(ts.endAddress)) {
    return undefined;
  }
  const port = mhTypeToPort(mhType);
  return ts.startPort <= port && port <= ts.endPort ? ts.startAddress : undefined;
}

/**
 * Maps `e` to the BU/BA SA pair as seen by `role`, or says why it is another Child SA. ESP goes straight into the
 * IPv6 packet even when the IKE SA uses UDP 4500: in IPv4 access the IPv6 packet rides in UDP 4191 around ESP
 * (RFC 5555 §5.2.1, "IPv4 · UDP · IPv6 · ESP · MH"), so the RFC 3948 encapsulation of `udpEncapsulation` does not
 * apply to this SA.
 */
export function mobilityChildSa(
  e: ChildSaEvent,
  role: MobilityRole,
  options: MobilitySaOptions = {},
): MobilityChildSaResult {
  if (e.mode !== 'transport') return { ok: false, reason: 'not-transport-mode' };
  const ueSide = role === 'mobile-node' ? e.tsLocal : e.tsRemote;
  const haSide = role === 'mobile-node' ? e.tsRemote : e.tsLocal;
  // RFC 4877 §7.2 SPD: MN local_mh_type = BU, remote_mh_type = BA; the HA mirrors it.
  const homeAddress = mobilitySelectorAddress(ueSide, MhType.BINDING_UPDATE);
  const homeAgent = mobilitySelectorAddress(haSide, MhType.BINDING_ACKNOWLEDGEMENT);
  if (homeAddress === undefined || homeAgent === undefined) return { ok: false, reason: 'not-mobility-selectors' };
  if (e.homeAddress !== undefined && !e.homeAddress.equals(homeAddress)) {
    return { ok: false, reason: 'home-address-mismatch' };
  }
  const params = (direction: 'inbound' | 'outbound', spi: number, keys: EspKeys): EspSaParams => ({
    spi,
    direction,
    mode: 'transport',
    encr: { id: e.encrId, keyLengthBits: e.encrKeyBits },
    ...(e.integId === undefined ? {} : { integ: e.integId, integKey: keys.integKey }),
    encrKey: keys.encrKey,
    esn: e.esn,
    ...(direction === 'inbound' && options.replayWindow !== undefined ? { replayWindow: options.replayWindow } : {}),
    selectors: { local: e.tsLocal, remote: e.tsRemote },
  });
  return {
    ok: true,
    sa: {
      ikeSaId: e.ikeSaId,
      homeAddress,
      homeAgent,
      inbound: params('inbound', e.spiIn, e.keysIn),
      outbound: params('outbound', e.spiOut, e.keysOut),
      rekeyOf: e.rekeyOf,
    },
  };
}
