/** ESP (RFC 4303) and UDP encapsulation (RFC 3948) numbers. */

/** SPI(4) | Sequence Number(4) (RFC 4303 §2). */
export const ESP_HEADER_LENGTH = 8;
/** Pad Length(1) | Next Header(1) (RFC 4303 §2.5, §2.6). */
export const ESP_TRAILER_LENGTH = 2;
/** Pad Length is one octet: 0..255 bytes of padding (RFC 4303 §2.5). */
export const ESP_MAX_PAD_LENGTH = 255;
/** Pad Length and Next Header end on a 4-byte boundary (RFC 4303 §2.4). */
export const ESP_ALIGNMENT = 4;

/** Next Header values the project carries inside ESP (IANA protocol numbers; RFC 4303 §2.6). */
export const EspNextHeader = {
  IPV4: 4,
  IPV6: 41,
  ICMPV6: 58,
  /** Dummy packet for traffic-flow confidentiality, discarded silently (RFC 4303 §2.6). */
  NO_NEXT_HEADER: 59,
  MOBILITY_HEADER: 135,
} as const;

/** UDP port shared by NAT-T IKE and UDP-encapsulated ESP (RFC 3948 §2, RFC 7296 §2.23). */
export const UDP_ENCAP_PORT = 4500;
/** Four zero octets in place of an SPI: the datagram is IKE (RFC 3948 §2.2). */
export const NON_ESP_MARKER_LENGTH = 4;
/** The one-octet NAT-keepalive payload (RFC 3948 §2.3). */
export const NAT_KEEPALIVE_BYTE = 0xff;
