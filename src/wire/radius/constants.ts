/**
 * RADIUS numbers: packet codes and attribute types (RFC 2865 §3, §4, §5; RFC 2866 §3; RFC 2869 §5; RFC 3162 §2;
 * RFC 5176 §3), the Microsoft vendor attributes (RFC 2548 §2), and the size limits of the format.
 */

/** Packet Code (RFC 2865 §3, §4; RFC 2866 §3; RFC 5997 for Status-Server). */
export const RadiusCode = {
  ACCESS_REQUEST: 1,
  ACCESS_ACCEPT: 2,
  ACCESS_REJECT: 3,
  ACCOUNTING_REQUEST: 4,
  ACCOUNTING_RESPONSE: 5,
  ACCESS_CHALLENGE: 11,
  STATUS_SERVER: 12,
  STATUS_CLIENT: 13,
} as const;

/** Attribute Type (RFC 2865 §5, RFC 2869 §5, RFC 3162 §2.1, RFC 3579 §3). */
export const RadiusAttributeType = {
  USER_NAME: 1,
  USER_PASSWORD: 2,
  NAS_IP_ADDRESS: 4,
  NAS_PORT: 5,
  SERVICE_TYPE: 6,
  FRAMED_MTU: 12,
  REPLY_MESSAGE: 18,
  STATE: 24,
  CLASS: 25,
  VENDOR_SPECIFIC: 26,
  SESSION_TIMEOUT: 27,
  CALLED_STATION_ID: 30,
  CALLING_STATION_ID: 31,
  NAS_IDENTIFIER: 32,
  NAS_PORT_TYPE: 61,
  EAP_MESSAGE: 79,
  MESSAGE_AUTHENTICATOR: 80,
  NAS_IPV6_ADDRESS: 95,
} as const;

/** How a known attribute's value is laid out (RFC 2865 §5 "text", "string", "address", "integer"; RFC 8044 §3). */
export type RadiusValueFormat = 'text' | 'string' | 'integer' | 'ipv4' | 'ipv6' | 'authenticator';

/**
 * Value formats of the attributes this codec checks; any other type is carried as octets, whatever its length.
 * A known attribute with the wrong length is BAD_LENGTH (RFC 2865 §5: "a RADIUS server or client … MUST silently
 * discard" a packet whose attribute length is invalid for its type).
 */
export const RADIUS_VALUE_FORMAT: Readonly<Record<number, RadiusValueFormat>> = {
  [RadiusAttributeType.USER_NAME]: 'text',
  [RadiusAttributeType.USER_PASSWORD]: 'string',
  [RadiusAttributeType.NAS_IP_ADDRESS]: 'ipv4',
  [RadiusAttributeType.NAS_PORT]: 'integer',
  [RadiusAttributeType.SERVICE_TYPE]: 'integer',
  [RadiusAttributeType.FRAMED_MTU]: 'integer',
  [RadiusAttributeType.REPLY_MESSAGE]: 'text',
  [RadiusAttributeType.STATE]: 'string',
  [RadiusAttributeType.CLASS]: 'string',
  [RadiusAttributeType.SESSION_TIMEOUT]: 'integer',
  [RadiusAttributeType.CALLED_STATION_ID]: 'text',
  [RadiusAttributeType.CALLING_STATION_ID]: 'text',
  [RadiusAttributeType.NAS_IDENTIFIER]: 'text',
  [RadiusAttributeType.NAS_PORT_TYPE]: 'integer',
  [RadiusAttributeType.EAP_MESSAGE]: 'string',
  [RadiusAttributeType.MESSAGE_AUTHENTICATOR]: 'authenticator',
  [RadiusAttributeType.NAS_IPV6_ADDRESS]: 'ipv6',
};

/** Service-Type values (RFC 2865 §5.6): Framed for an IKEv2/EAP attach (as strongSwan's eap-radius sends). */
export const RadiusServiceType = { LOGIN: 1, FRAMED: 2 } as const;
/** NAS-Port-Type values (RFC 2865 §5.41, RFC 3580 §3.6): Virtual (5) for a VPN gateway. */
export const RadiusNasPortType = { VIRTUAL: 5 } as const;

/** Vendor-Id (SMI enterprise number) and vendor types of the Microsoft attributes (RFC 2548 §2.4.2, §2.4.3). */
export const MICROSOFT_VENDOR_ID = 311;
export const MicrosoftVendorType = { MS_MPPE_SEND_KEY: 16, MS_MPPE_RECV_KEY: 17 } as const;

/** RFC 2865 §3: Length is 20 … 4096. */
export const RADIUS_HEADER_LENGTH = 20;
export const RADIUS_MAX_PACKET_LENGTH = 4096;
export const RADIUS_AUTHENTICATOR_LENGTH = 16;
/** RFC 2865 §5: an attribute's Length counts Type and Length, at most 255, so a value carries at most 253 octets. */
export const RADIUS_MAX_VALUE_LENGTH = 253;
/** RFC 2865 §3 (Access-Request to UDP 1812, RFC 2866 accounting to 1813). */
export const RADIUS_AUTH_PORT = 1812;
