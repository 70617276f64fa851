/**
 * A negotiated Child SA (the engine's `child-sa-established` event) as the two ESP SAs the SAD installs, one per
 * direction (RFC 4301 §4.4.2; keys per direction from KEYMAT, RFC 7296 §2.17).
 */
import type { ChildSaEvent, EspKeys, IkePath } from '../../ike/events.ts';
import type { EspSaParams } from '../../ipsec/sa-params.ts';
import type { TrafficSelector } from '../../wire/ike/traffic-selector.ts';

function family(addressBytes: number): 4 | 6 {
  return addressBytes === 4 ? 4 : 6;
}

/**
 * The IP version in front of ESP: in tunnel mode the outer header between the IKE endpoints (RFC 4303 §3.1.2);
 * in transport mode the protected traffic's own header, whose family the selectors name (RFC 4303 §3.1.1).
 */
export function espOuterFamily(e: ChildSaEvent, path: IkePath): 4 | 6 {
  if (e.mode === 'tunnel') return family(path.localAddr.bytes.length);
  const ts: TrafficSelector | undefined = e.tsLocal[0];
  return ts?.kind === 'ipv4-range' ? 4 : 6;
}

/** Inbound (keysIn, our SPI) and outbound (keysOut, the peer's SPI) SA parameters for `e` on IKE path `path`. */
export function espSaParamsOf(e: ChildSaEvent, path: IkePath): { inbound: EspSaParams; outbound: EspSaParams } {
  const sa = (direction: 'inbound' | 'outbound', spi: number, keys: EspKeys): EspSaParams => ({
    spi,
    direction,
    mode: e.mode,
    encr: { id: e.encrId, keyLengthBits: e.encrKeyBits },
    ...(e.integId === undefined ? {} : { integ: e.integId, integKey: keys.integKey }),
    encrKey: keys.encrKey,
    esn: e.esn,
    // ESP travels in UDP on the IKE SA's NAT-T ports once a NAT was detected (RFC 3948 §2.1, RFC 7296 §2.23).
    ...(e.udpEncapsulation ? { udpEncap: { localPort: path.localPort, remotePort: path.remotePort } } : {}),
    // Tunnel endpoints are the IKE endpoints; transport mode takes its addresses from each packet.
    ...(e.mode === 'tunnel' ? { localAddress: path.localAddr, remoteAddress: path.remoteAddr } : {}),
    selectors: { local: e.tsLocal, remote: e.tsRemote },
  });
  return { inbound: sa('inbound', e.spiIn, e.keysIn), outbound: sa('outbound', e.spiOut, e.keysOut) };
}
