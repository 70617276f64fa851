/**
 * Protocol Configuration Options numbers (3GPP TS 24.008 §10.5.6.3, Table 10.5.154).
 * No RFC covers the PCO; the values below are from TS 24.008 and the names follow its table.
 */

/** PCO information element identifier when the IE is carried as a TLV (TS 24.008 §9.5, ESM/SM messages). */
export const PCO_IEI = 0x27;

/** Octet 3: bit 8 is the extension bit (always 1 here), bits 7–4 spare, bits 3–1 the configuration protocol. */
export const PCO_OCTET3_STANDARD_HIGH_BITS = 0x80;
export const PCO_CONFIGURATION_PROTOCOL_MASK = 0x07;

/** Configuration protocol (octet 3 bits 3–1); every other value "is interpreted as PPP" (TS 24.008 §10.5.6.3). */
export const PcoConfigurationProtocol = {
  PPP: 0, // "PPP for use with IP PDP type or IP PDN type"
} as const;

/** Protocol IDs (PPP protocols, kept opaque) and container IDs (additional parameters). */
export const PcoId = {
  // PPP protocol identifiers (TS 24.008 refers to RFC 3232, i.e. the IANA PPP DLL protocol numbers)
  IPCP: 0x8021,
  LCP: 0xc021,
  PAP: 0xc023,
  CHAP: 0xc223,
  // Container identifiers; the name is the network-to-MS one, the MS-to-network one is "... Request".
  P_CSCF_IPV6_ADDRESS: 0x0001,
  IM_CN_SUBSYSTEM_SIGNALING_FLAG: 0x0002,
  DNS_SERVER_IPV6_ADDRESS: 0x0003, // network to MS: one IPv6 address (16 octets)
  POLICY_CONTROL_REJECTION_CODE: 0x0004, // MS to network: "Not Supported"
  SELECTED_BEARER_CONTROL_MODE: 0x0005, // MS to network: MS support of network requested bearer control
  DSMIPV6_HOME_AGENT_ADDRESS: 0x0007, // network to MS: one IPv6 address (16 octets)
  DSMIPV6_HOME_NETWORK_PREFIX: 0x0008, // network to MS: IPv6 prefix (16 octets) + prefix length (1 octet)
  DSMIPV6_IPV4_HOME_AGENT_ADDRESS: 0x0009, // network to MS: one IPv4 address (4 octets)
  IP_ADDRESS_ALLOCATION_VIA_NAS_SIGNALLING: 0x000a, // MS to network only
  IPV4_ADDRESS_ALLOCATION_VIA_DHCPV4: 0x000b, // MS to network only
  P_CSCF_IPV4_ADDRESS: 0x000c,
  DNS_SERVER_IPV4_ADDRESS: 0x000d, // network to MS: one IPv4 address (4 octets)
  MSISDN: 0x000e,
  IFOM_SUPPORT: 0x000f,
  IPV4_LINK_MTU: 0x0010,
} as const;

/** IDs at or above this are PPP protocol identifiers; below it, container identifiers. */
export const PCO_FIRST_PPP_PROTOCOL_ID = 0x8000;

/** The PCO IE is 3..253 octets including IEI and length (TS 24.008 §10.5.6.3), so the value is at most 251. */
export const PCO_MAX_VALUE_LENGTH = 251;
