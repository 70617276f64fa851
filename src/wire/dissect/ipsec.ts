import { decodeEap } from '../eap/index.ts';
import { EspNextHeader } from '../esp/constants.ts';
import { decodeEspPacket, parseEspPlaintext } from '../esp/esp.ts';
import { classifyUdpEncap } from '../esp/udp-encap.ts';
import { stripIkePadding } from '../ike/encrypted.ts';
import { decodeIkeMessage, decodeIkePayloads } from '../ike/message.ts';
import type { EncryptedFragmentPayload, EncryptedPayload, IkePayload } from '../ike/payload.ts';
import { describeOpened, type EspOuterAddresses } from './decryptor.ts';
import type { Dissection, LayerSink } from './dissection.ts';
import { eapWithTypes, ikePayloadsWithTypes } from './type-numbers.ts';

/**
 * IKEv2 and ESP layers. Without keys an SK payload and an ESP payload stay opaque. With a decryptor on the sink,
 * the SK payload (or ESP packet) gets a `decryption` node saying what happened, and what it held is dissected as
 * the layer's `decrypted` children.
 */

/** What the ESP walk needs from the packet around it. */
export interface EspContext {
  /** The addresses SAs are matched on; absent for a bare ESP packet. */
  readonly outer?: EspOuterAddresses;
  /** Dissects a decrypted payload by its Next Header (RFC 4303 §2.6): IP in tunnel mode, MH/UDP in transport. */
  readonly inner: (sink: LayerSink, nextHeader: number, data: Uint8Array) => void;
}

/** A UDP 500 payload (IKE) or a UDP 4500 payload (RFC 3948 §2: keepalive, non-ESP marker + IKE, or ESP). */
export function dissectIkeUdp(sink: LayerSink, view: Uint8Array, natTraversal: boolean, esp: EspContext): void {
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
    dissectEsp(sink, d.packet, esp);
  });
}

export function dissectIke(sink: LayerSink, view: Uint8Array): void {
  sink.step(view, () => {
    const msg = decodeIkeMessage(view);
    const payloads = ikePayloadsWithTypes(msg.payloads);
    const last = msg.payloads[msg.payloads.length - 1];
    // The Encrypted payload is always last (RFC 7296 §3.14, RFC 7383 §2.5); the codec enforces it.
    if (sink.decryptor && (last?.kind === 'sk' || last?.kind === 'skf')) {
      const opened = sink.decryptor.openIke(view, msg.header, last);
      payloads[payloads.length - 1] = { ...payloads[payloads.length - 1], decryption: describeOpened(opened) };
      const inner = opened.kind === 'decrypted' ? dissectSkPlaintext(sink, opened.plaintext, last) : undefined;
      sink.add('ike', view, { header: msg.header, payloads }, inner);
      if (opened.kind === 'malformed') sink.fail(view, opened.error);
    } else {
      sink.add('ike', view, { header: msg.header, payloads });
    }
    // An EAP payload outside SK only occurs in captures of broken peers, but show it decoded when it does.
    dissectEapPayloads(sink, msg.payloads);
  });
}

function dissectEapPayloads(sink: LayerSink, payloads: readonly IkePayload[]): void {
  for (const p of payloads)
    if (p.kind === 'eap') sink.step(p.data, () => sink.add('eap', p.data, eapWithTypes(decodeEap(p.data))));
}

/** The plaintext of an SK/SKF payload: its payload chain (then each EAP message), padding stripped. */
function dissectSkPlaintext(
  sink: LayerSink,
  plaintext: Uint8Array,
  encrypted: EncryptedPayload | EncryptedFragmentPayload,
): Dissection {
  const child = sink.child(plaintext);
  child.step(plaintext, () => {
    const body = stripIkePadding(plaintext); // RFC 7296 §3.14: any Pad Length that fits is accepted
    const padLength = plaintext.length - 1 - body.length;
    if (encrypted.kind === 'skf' && encrypted.totalFragments !== 1) {
      // RFC 7383 §2.6: the chain runs across all fragments; one fragment alone is a piece of it, shown as bytes.
      const { fragmentNumber, totalFragments } = encrypted;
      return child.add('skf-fragment', body, { fragmentNumber, totalFragments, padLength, data: body });
    }
    const payloads = decodeIkePayloads(encrypted.firstPayload, body);
    child.add('sk-payloads', body, { padLength, payloads: ikePayloadsWithTypes(payloads) });
    dissectEapPayloads(child, payloads);
  });
  return child.finish();
}

export function dissectEsp(sink: LayerSink, view: Uint8Array, esp: EspContext): void {
  sink.step(view, () => {
    const packet = decodeEspPacket(view);
    const fields = { spi: packet.spi, sequence: packet.sequence, encryptedLength: packet.payload.length };
    if (!sink.decryptor) return sink.add('esp', view, fields);
    const opened = sink.decryptor.openEsp(view, esp.outer);
    if (opened.kind !== 'decrypted') {
      sink.add('esp', view, { ...fields, decryption: describeOpened(opened) });
      if (opened.kind === 'malformed') sink.fail(view, opened.error);
      return;
    }
    const plaintext = opened.plaintext;
    const child = sink.child(plaintext);
    let trailer: Record<string, unknown> = {};
    child.step(plaintext, () => {
      const t = parseEspPlaintext(plaintext); // RFC 4303 §2.4–2.6: Padding, Pad Length, Next Header
      trailer = { nextHeader: t.nextHeader, padLength: t.padding.length, paddingMonotonic: t.paddingMonotonic };
      // Next Header 59 marks a dummy packet (traffic flow confidentiality, RFC 4303 §2.6): nothing inside.
      if (t.nextHeader !== EspNextHeader.NO_NEXT_HEADER) esp.inner(child, t.nextHeader, t.data);
    });
    sink.add('esp', view, { ...fields, decryption: { ...describeOpened(opened), ...trailer } }, child.finish());
  });
}
