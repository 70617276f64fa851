import { decodeEap } from '../eap/index.ts';
import { decodeEspPacket } from '../esp/esp.ts';
import { classifyUdpEncap } from '../esp/udp-encap.ts';
import { decodeIkeMessage } from '../ike/message.ts';
import type { LayerSink } from './dissection.ts';
import { eapWithTypes, ikeWithTypes } from './type-numbers.ts';

/**
 * IKEv2 and ESP layers. Without keys an SK payload and an ESP payload stay opaque; decryption with a key
 * log is a separate step over the same layers.
 */

/** A UDP 500 payload (IKE) or a UDP 4500 payload (RFC 3948 §2: keepalive, non-ESP marker + IKE, or ESP). */
export function dissectIkeUdp(sink: LayerSink, view: Uint8Array, natTraversal: boolean): void {
  if (!natTraversal) {
    dissectIke(sink, view);
    return;
  }
  sink.step(view, () => {
    const d = classifyUdpEncap(view);
    if (d.kind === 'keepalive') return sink.add('nat-keepalive', view, {});
    if (d.kind === 'ike') {
      sink.add('non-esp-marker', view.subarray(0, 4), {});
      return dissectIke(sink, d.message);
    }
    dissectEsp(sink, d.packet);
  });
}

export function dissectIke(sink: LayerSink, view: Uint8Array): void {
  sink.step(view, () => {
    const msg = decodeIkeMessage(view);
    sink.add('ike', view, ikeWithTypes(msg));
    // An EAP payload outside SK only occurs in captures of broken peers, but show it decoded when it does.
    for (const p of msg.payloads)
      if (p.kind === 'eap') sink.step(p.data, () => sink.add('eap', p.data, eapWithTypes(decodeEap(p.data))));
  });
}

export function dissectEsp(sink: LayerSink, view: Uint8Array): void {
  sink.step(view, () => {
    const esp = decodeEspPacket(view);
    sink.add('esp', view, { spi: esp.spi, sequence: esp.sequence, encryptedLength: esp.payload.length });
  });
}
