/**
 * The HA's DHCP service for UEs' tunnelled DHCPv6 / DHCPv4 (TS 24.303 §5.1.1): an embedded stateless server with
 * DNS servers and vendor options from this file, a relay to external servers, or off.
 */
import { z } from 'zod';
import { ALL_DHCP_SERVERS, IRT_MINIMUM_SEC } from '../wire/dhcpv6/constants.ts';
import { durationOfSec } from './duration.ts';
import { bool, domainName, duration, hex, int, ipv4, ipv6, nonEmptyText } from './scalars.ts';

/** Vendor options name their owner by IANA Private Enterprise Number (32 bits; 10415 is 3GPP). */
const enterpriseNumber = int(0, 0xffffffff, 'an enterprise number');

function uniqueEnterprises(list: readonly { enterpriseNumber: number }[], ctx: z.RefinementCtx, rfc: string): void {
  const seen = new Set<number>();
  list.forEach((v, i) => {
    if (seen.has(v.enterpriseNumber)) {
      ctx.addIssue({
        code: 'custom',
        path: [i, 'enterpriseNumber'],
        message: `one entry per enterprise number (${rfc})`,
      });
    }
    seen.add(v.enterpriseNumber);
  });
}

/** Sub-option data with a 1-octet length field (RFC 3925 §4, RFC 2132 §8.4). */
const shortData = hex().refine((b) => b.length <= 255, { message: 'at most 255 bytes (1-octet length field)' });

/** RFC 8415 §21.17: enterprise-number, then sub-options with 2-octet codes and lengths. */
const dhcpv6VendorOptions = z
  .array(
    z.strictObject({
      enterpriseNumber,
      subOptions: z.array(z.strictObject({ code: int(0, 65535, 'a sub-option code'), data: hex() })).min(1),
    }),
  )
  .superRefine((list, ctx) => uniqueEnterprises(list, ctx, 'RFC 8415 §21.17'))
  .prefault([]);

/** RFC 3925 §4 (option 125): per enterprise, sub-options with 1-octet codes and lengths. */
const dhcpv4VendorOptions = z
  .array(
    z.strictObject({
      enterpriseNumber,
      subOptions: z.array(z.strictObject({ code: int(0, 255, 'a sub-option code'), data: shortData })).min(1),
    }),
  )
  .superRefine((list, ctx) => uniqueEnterprises(list, ctx, 'RFC 3925 §4'))
  .prefault([]);

const off = z.strictObject({ mode: z.literal('off') });

const dhcpv6Embedded = z.strictObject({
  mode: z.literal('embedded'),
  /** Default: the HA's `dns.ipv6`. */
  dnsServers: z.array(ipv6).optional(),
  domainSearchList: z.array(domainName).prefault([]),
  vendorOptions: dhcpv6VendorOptions,
  /** Information Refresh Time sent when asked for; at least IRT_MINIMUM (RFC 8415 §21.23). */
  informationRefreshTime: duration({ min: durationOfSec(IRT_MINIMUM_SEC), max: durationOfSec(0xffffffff) }).prefault(
    '24h',
  ),
  /** The server's DUID (RFC 8415 §11); default one derived from the HA's address by the node. */
  serverDuid: hex().optional(),
});

const dhcpv6Relay = z.strictObject({
  mode: z.literal('relay'),
  /** RFC 8415 §19: All_DHCP_Servers is the default destination of Relay-forward messages. */
  serverAddresses: z.array(ipv6).min(1).prefault([ALL_DHCP_SERVERS]),
  /** A global address of the home link (RFC 8415 §19.1.1 link-address); default the HA's IPv6 address. */
  linkAddress: ipv6.optional(),
  /** Source of Relay-forwards; default the HA's IPv6 address. */
  relayAddress: ipv6.optional(),
});

const dhcpv4Embedded = z.strictObject({
  mode: z.literal('embedded'),
  /** Option 54 in every DHCPACK (RFC 2131 Table 3); default the HA's IPv4 address. */
  serverIdentifier: ipv4.optional(),
  /** Default: the HA's `dns.ipv4`. */
  dnsServers: z.array(ipv4).optional(),
  subnetMask: ipv4.optional(),
  /** Option 125 (RFC 3925 §4). */
  vendorOptions: dhcpv4VendorOptions,
  /** Option 43 (RFC 2132 §8.4), to clients whose option 60 equals `vendorClassIdentifier` (or to all). */
  vendorSpecific: z
    .strictObject({
      vendorClassIdentifier: nonEmptyText.optional(),
      // Codes 0 and 255 keep their pad/end meaning inside option 43 (RFC 2132 §8.4).
      subOptions: z.array(z.strictObject({ code: int(1, 254, 'a sub-option code'), data: shortData })).min(1),
    })
    .optional(),
});

const dhcpv4Relay = z.strictObject({
  mode: z.literal('relay'),
  serverAddresses: z.array(ipv4).min(1),
  /** giaddr and source toward the servers (RFC 2131 §4.1); default the HA's IPv4 address. */
  relayAddress: ipv4.optional(),
  /** RFC 1542 §4.1.1: requests with more hops are discarded (default 4, at most 16). */
  maxHops: int(0, 16, 'a hop count').prefault('4'),
  /** Add option 82 naming the binding (RFC 3046). */
  relayAgentInformation: bool.prefault('false'),
});

export const haDhcpSchema = z.strictObject({
  v6: z.discriminatedUnion('mode', [off, dhcpv6Embedded, dhcpv6Relay]).prefault({ mode: 'off' }),
  v4: z.discriminatedUnion('mode', [off, dhcpv4Embedded, dhcpv4Relay]).prefault({ mode: 'off' }),
});
