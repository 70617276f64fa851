/**
 * Summaries of IKEv2 messages (exchange, request/response, message ID, payloads in RFC 7296 notation with their key
 * fields, ike-payload-text.ts), ESP packets and EAP packets, e.g.
 *   IKE_SA_INIT request #0 SA(IKE, 2 proposals) KE Ni N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP)
 *   IKE_AUTH response #1 SK{IDr(ha.example.net) CERT AUTH(DIGITAL_SIGNATURE) EAP(Request/AKA-Challenge id=1)}
 * An SK payload stays opaque unless the caller hands in the decrypted inner payloads.
 */
import { toHex } from '../../util/hex.ts';
import type { EapPacket } from '../../wire/eap/eap.ts';
import type { IkeMessage } from '../../wire/ike/message.ts';
import type { IkePayload } from '../../wire/ike/payload.ts';
import { eapText, payloadDetail, payloadText } from './ike-payload-text.ts';
import { exchangeName } from './names.ts';
import type { MessageSummary } from './summarize-mh.ts';

export { eapText } from './ike-payload-text.ts';

/**
 * `inner`: the payloads of the SK payload after decryption, when the caller has them (the engine does); they are
 * shown inside `SK{...}` in place of the ciphertext size.
 */
export function summarizeIke(m: IkeMessage, inner?: readonly IkePayload[]): MessageSummary {
  const h = m.header;
  // Ni/Nr name the initiator of this exchange, not of the IKE SA (RFC 7296 §1.3): the sender of the request.
  const fromExchangeInitiator = !h.response;
  const parts = m.payloads.map((p) =>
    (p.kind === 'sk' || p.kind === 'skf') && inner
      ? `SK{${inner.map((x) => payloadText(x, fromExchangeInitiator)).join(' ')}}`
      : payloadText(p, fromExchangeInitiator),
  );
  const head = `${exchangeName(h.exchangeType)} ${h.response ? 'response' : 'request'} #${h.messageId}`;
  const all = [...m.payloads, ...(inner ?? [])];
  const details = [
    `SPIi=${toHex(h.initiatorSpi)} SPIr=${toHex(h.responderSpi)}${h.initiator ? ' I' : ''}${h.response ? ' R' : ''}`,
    ...all.map(payloadDetail).filter((d): d is string => d !== undefined),
  ];
  return { protocol: 'IKE', summary: [head, ...parts].join(' '), details };
}

export function summarizeEsp(p: {
  readonly spi: number;
  readonly sequence: number;
  readonly payload: Uint8Array;
}): MessageSummary {
  return {
    protocol: 'ESP',
    summary: `ESP spi=0x${p.spi.toString(16).padStart(8, '0')} seq=${p.sequence} (${p.payload.length} bytes encrypted)`,
    details: [],
  };
}

export function summarizeEap(p: EapPacket): MessageSummary {
  const details =
    (p.kind === 'request' || p.kind === 'response') && p.body.kind === 'aka'
      ? [`attributes: ${p.body.attributes.map((a) => a.kind).join(', ')}`]
      : [];
  return { protocol: 'EAP', summary: `EAP ${eapText(p)}`, details };
}
