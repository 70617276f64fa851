/**
 * Unprotected responses sent outside any IKE SA state: COOKIE demands (RFC 7296 §2.6), INVALID_IKE_SPI (§2.21.4)
 * and INVALID_MAJOR_VERSION (§2.5). The request's exchange type and Message ID are copied; the responder SPI is
 * the request's unless the caller says otherwise (zero for an IKE_SA_INIT refusal).
 */
import { IKE_MAJOR_VERSION } from '../wire/ike/constants.ts';
import type { IkeHeader } from '../wire/ike/header.ts';
import { encodeIkeMessage } from '../wire/ike/message.ts';
import type { IkePayload } from '../wire/ike/payload.ts';

export function unprotectedResponse(
  request: IkeHeader,
  payloads: readonly IkePayload[],
  responderSpi: Uint8Array = request.responderSpi,
): Uint8Array {
  const header: IkeHeader = {
    initiatorSpi: request.initiatorSpi,
    responderSpi,
    majorVersion: IKE_MAJOR_VERSION,
    minorVersion: 0,
    exchangeType: request.exchangeType,
    response: true,
    higherVersion: false,
    initiator: !request.initiator,
    messageId: request.messageId,
  };
  return encodeIkeMessage({ header, payloads });
}

/** Allocates SPIs unique on one endpoint: ESP SPIs outside 1–255 (RFC 4303 §2.1), non-zero IKE SPIs (§2.6). */
export class SpiAllocator {
  private readonly childSpis = new Set<number>();

  constructor(
    private readonly random: (n: number) => Uint8Array,
    private readonly ikeSpiTaken: (spi: Uint8Array) => boolean,
  ) {}

  childSpi(): number {
    for (;;) {
      const b = this.random(4);
      const spi = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
      if (spi >= 256 && !this.childSpis.has(spi)) {
        this.childSpis.add(spi);
        return spi;
      }
    }
  }

  releaseChildSpi(spi: number): void {
    this.childSpis.delete(spi);
  }

  ikeSpi(): Uint8Array {
    for (;;) {
      const spi = this.random(8);
      if (spi.some((b) => b !== 0) && !this.ikeSpiTaken(spi)) return spi;
    }
  }
}
