/**
 * Home Agent discovery numbers (TS 24.303 §5.1.2.1; TS 23.003 §9.1, §21.2; RFC 5026 §5.1; RFC 2782).
 * TS 23.003 is not among our references; its rules are taken from SPEC-NOTES §5 and §15 item 14.
 */

/** An APN, HA-APN included, is at most 100 octets in its label encoding (TS 23.003 §9.1, §21.2). */
export const HA_APN_MAX_ENCODED_LENGTH = 100;
/** An APN Network Identifier is at most 63 octets encoded (TS 23.003 §9.1.1). */
export const APN_NI_MAX_ENCODED_LENGTH = 63;
export const DNS_LABEL_MAX_LENGTH = 63;

/** The HA-APN Operator Identifier: `ha-apn.mnc<MNC>.mcc<MCC>.pub.3gppnetwork.org` (TS 23.003 §21.2). */
export const HA_APN_OI_FIRST_LABEL = 'ha-apn';
export const HA_APN_OI_DOMAIN = 'pub.3gppnetwork.org';

/** RFC 5026 §5.1.2: service "mip6", protocol "ipv6" → `_mip6._ipv6.<domain>`, QTYPE SRV (33). */
export const MIP6_SRV_PREFIX = '_mip6._ipv6.';

/** DNS RR types used here (RFC 1035 §3.2.2, RFC 3596 §2.1, RFC 2782). */
export const DnsRrType = {
  A: 1,
  CNAME: 5,
  AAAA: 28,
  SRV: 33,
} as const;

/** DNS RCODEs (RFC 1035 §4.1.1). */
export const DnsRcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
} as const;

/** How long a DNS query may stay unanswered before the core counts it as failed (the node's resolver may be faster). */
export const DNS_QUERY_TIMEOUT_MS = 5000;

/**
 * How long a DHCPv6 discovery exchange may retransmit before the policy treats it as failed (the MRD of the
 * exchange). RFC 8415 §18.2.6 sets MRD 0 ("until answered"), which would never let TS 24.303 §5.1.2.1.1's "one
 * of the two procedures only in case the other failed" move on; 10 s covers the first four transmissions
 * (0..1 s, +1, +2, +4 s). See docs/spec-choices.md.
 */
export const DHCPV6_DISCOVERY_MRD_MS = 10_000;

/** BA status codes after which the UE "should discover another HA" (TS 24.303 §5.1.2.4): 129..133. */
export const SKIP_HA_BA_STATUS_MIN = 129;
export const SKIP_HA_BA_STATUS_MAX = 133;
