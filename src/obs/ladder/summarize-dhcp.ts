/**
 * Summaries of DHCPv6 (RFC 8415, RFC 3646, RFC 6610), DHCPv4 (RFC 2131, RFC 2132, RFC 3925), DNS and ICMPv6
 * messages: the message type and the options that carry configuration, e.g.
 *   Information-request xid=0x1a2b3c ORO(17,23,24)
 *   Reply xid=0x1a2b3c DNS=2001:db8:53::53 VENDOR(3GPP 1=c0a80101 2="ims.example.net")
 *   DHCPACK xid=0x0badcafe ciaddr=10.10.0.7 DNS=192.0.2.53 V-I(3GPP 1=c0a80101)
 */
import { toHex } from '../../util/hex.ts';
import type { Dhcpv4Message } from '../../wire/dhcpv4/message.ts';
import type { Dhcpv4Option } from '../../wire/dhcpv4/options.ts';
import type { Dhcpv6Message } from '../../wire/dhcpv6/message.ts';
import type { Dhcpv6Option } from '../../wire/dhcpv6/option-types.ts';
import type { DnsMessage } from '../../wire/dns/dns.ts';
import type { Icmpv6Message } from '../../wire/ip/icmpv6.ts';
import { dhcpv4MessageName, dhcpv6MessageName, enterpriseName, icmpv6TypeName } from './names.ts';
import type { MessageSummary } from './summarize-mh.ts';

const ASCII = new TextDecoder('ascii');

/** Vendor data as text when it is printable ASCII, else hex. */
export function vendorDataText(data: Uint8Array): string {
  const printable = data.length > 0 && data.every((b) => b >= 0x20 && b < 0x7f && b !== 0x22);
  return printable ? JSON.stringify(ASCII.decode(data)) : toHex(data);
}

export function subOptionsText(subOptions: readonly { readonly code: number; readonly data: Uint8Array }[]): string {
  return subOptions.map((s) => `${s.code}=${vendorDataText(s.data)}`).join(' ');
}

function hex32(v: number): string {
  return `0x${v.toString(16).padStart(6, '0')}`;
}

function dhcpv6OptionText(o: Dhcpv6Option): string | undefined {
  switch (o.kind) {
    case 'option-request':
      return `ORO(${o.codes.join(',')})`;
    case 'dns-servers':
      return `DNS=${o.servers.join(',')}`;
    case 'domain-list':
      return `domains=${o.domains.join(',')}`;
    case 'vendor-opts':
      return `VENDOR(${enterpriseName(o.enterpriseNumber)} ${subOptionsText(o.subOptions)})`;
    case 'vendor-class':
      return `vendor-class(${enterpriseName(o.enterpriseNumber)})`;
    case 'status-code':
      return `status=${o.statusCode}${o.message ? ` "${o.message}"` : ''}`;
    case 'information-refresh-time':
      return `refresh=${o.refreshTimeSec}s`;
    case 'home-network-id-fqdn':
      return `HNIDF=${o.fqdn}`;
    case 'visited-home-network-info':
    case 'identified-home-network-info':
    case 'unrestricted-home-network-info': {
      const name = { v: 'VDINF', i: 'IDINF', u: 'UDINF' }[o.kind[0] as 'v' | 'i' | 'u'];
      return `${name}{${o.options.map(dhcpv6OptionText).filter(Boolean).join(' ')}}`;
    }
    case 'home-network-prefix':
      return `HNP=${o.prefix}/${o.prefixLength}`;
    case 'home-agent-address':
      return `HAA=${o.address}`;
    case 'home-agent-fqdn':
      return `HAF=${o.fqdn}`;
    case 'interface-id':
      return `interface-id=${vendorDataText(o.interfaceId)}`;
    case 'relay-message':
      return `[${summarizeDhcpv6(o.message).summary}]`;
    case 'client-id':
    case 'server-id':
    case 'elapsed-time':
    case 'inf-max-rt':
      return undefined; // present in every exchange; shown in the details only
    case 'unknown':
      return `opt${o.code}(${o.data.length} bytes)`;
  }
}

export function summarizeDhcpv6(m: Dhcpv6Message): MessageSummary {
  const head =
    m.kind === 'relay'
      ? `${dhcpv6MessageName(m.msgType)} hops=${m.hopCount} link=${m.linkAddress} peer=${m.peerAddress}`
      : `${dhcpv6MessageName(m.msgType)} xid=${hex32(m.transactionId)}`;
  const parts = m.options.map(dhcpv6OptionText).filter((x): x is string => x !== undefined);
  return { protocol: 'DHCPv6', summary: [head, ...parts].join(' '), details: m.options.map((o) => `option ${o.kind}`) };
}

function dhcpv4OptionText(o: Dhcpv4Option): string | undefined {
  switch (o.kind) {
    case 'message-type':
      return undefined; // in the head
    case 'parameter-request-list':
      return `PRL(${o.codes.join(',')})`;
    case 'dns-servers':
      return `DNS=${o.servers.join(',')}`;
    case 'router':
      return `router=${o.routers.join(',')}`;
    case 'subnet-mask':
      return `mask=${o.mask}`;
    case 'server-identifier':
      return `server=${o.address}`;
    case 'vi-vendor-specific':
      return o.entries
        .map((e) => `V-I(${enterpriseName(e.enterpriseNumber)} ${subOptionsText(e.subOptions)})`)
        .join(' ');
    case 'vendor-specific':
      return `vendor-specific=${toHex(o.data)}`;
    case 'vendor-class-identifier':
      return `class=${vendorDataText(o.data)}`;
    case 'rapid-commit':
      return 'rapid-commit';
    case 'relay-agent-information':
      return `agent-info(${o.subOptions.map((s) => s.code).join(',')})`;
    case 'client-identifier':
    case 'vi-vendor-class':
      return undefined;
    case 'unknown':
      return `opt${o.code}(${o.data.length} bytes)`;
  }
}

export function summarizeDhcpv4(m: Dhcpv4Message): MessageSummary {
  const type = m.options.find((o) => o.kind === 'message-type');
  const name = type ? dhcpv4MessageName(type.messageType) : m.op === 1 ? 'BOOTREQUEST' : 'BOOTREPLY';
  const head = [`${name} xid=0x${m.xid.toString(16).padStart(8, '0')}`];
  if (!m.ciaddr.isUnspecified) head.push(`ciaddr=${m.ciaddr}`);
  if (!m.yiaddr.isUnspecified) head.push(`yiaddr=${m.yiaddr}`);
  if (!m.giaddr.isUnspecified) head.push(`giaddr=${m.giaddr}`);
  const parts = m.options.map(dhcpv4OptionText).filter((x): x is string => x !== undefined);
  return {
    protocol: 'DHCPv4',
    summary: [...head, ...parts].join(' '),
    details: m.options.map((o) => `option ${o.kind}`),
  };
}

function answerText(a: NonNullable<DnsMessage['answers']>[number]): string {
  const data = 'data' in a ? a.data : undefined;
  const shown = typeof data === 'string' ? data : data instanceof Uint8Array ? toHex(data) : JSON.stringify(data);
  return `${a.type} ${shown}${'ttl' in a && a.ttl !== undefined ? ` ttl=${a.ttl}` : ''}`;
}

export function summarizeDns(m: DnsMessage): MessageSummary {
  const q = (m.questions ?? []).map((x) => `${x.type} ${x.name}`).join(', ');
  if (m.type !== 'response') return { protocol: 'DNS', summary: `query ${q}`, details: [`id=${m.id}`] };
  const rcode = (m as { rcode?: string }).rcode;
  const answers = (m.answers ?? []).map(answerText);
  const result = answers.length > 0 ? answers.join(', ') : 'no answer';
  const status = rcode && rcode !== 'NOERROR' ? ` ${rcode}` : '';
  return { protocol: 'DNS', summary: `response ${q}:${status} ${result}`, details: [`id=${m.id}`] };
}

export function summarizeIcmpv6(m: Icmpv6Message): MessageSummary {
  const code = m.code === 0 ? '' : ` code=${m.code}`;
  return { protocol: 'ICMPv6', summary: `${icmpv6TypeName(m.type)}${code}`, details: [`${m.body.length} bytes`] };
}
