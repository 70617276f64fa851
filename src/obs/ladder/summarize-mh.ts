/**
 * One-line summaries of Mobility Header messages (RFC 6275 §6.1, RFC 5555 §3), e.g.
 *   BU seq=7 H A K R lifetime=3600s HoA4=0.0.0.0 AltCoA=2001:db8:2::200
 *   BA status=0 (accepted) seq=7 lifetime=3600s K R IPv4Ack=0 10.10.0.7 NATD F refresh=110s
 */
import { toHex } from '../../util/hex.ts';
import { MH_TYPE_NAMES, NAT_REFRESH_TIME_NOT_NEEDED } from '../../wire/mh/constants.ts';
import type { BindingAcknowledgement, BindingUpdate, MobilityMessage } from '../../wire/mh/messages.ts';
import type { MobilityOption } from '../../wire/mh/options.ts';
import { baStatusWords, ipv4AckWords } from './names.ts';

export interface MessageSummary {
  /** Short protocol tag for the ladder (`MH`, `IKE`, `DHCPv6`, ...). */
  readonly protocol: string;
  /** The key fields on one line. */
  readonly summary: string;
  /** Further lines for detailed views. */
  readonly details: readonly string[];
}

/** Flag letters in the order of the BU flag word (RFC 6275 §6.1.7, RFC 5555 §3.1.3), H first as 24.303 lists. */
function buFlags(bu: BindingUpdate): string[] {
  const flags: [boolean, string][] = [
    [bu.homeRegistration, 'H'],
    [bu.acknowledge, 'A'],
    [bu.linkLocalAddressCompatibility, 'L'],
    [bu.keyManagementMobilityCapability, 'K'],
    [bu.mapRegistration, 'M'],
    [bu.mobileRouter, 'R'],
    [bu.proxyRegistration, 'P'],
    [bu.forceUdpEncapsulation, 'F'],
    [bu.tlvHeaderFormat, 'T'],
    [bu.overwriteOrBulkBinding, 'O'],
  ];
  return flags.filter(([on]) => on).map(([, letter]) => letter);
}

function baFlags(ba: BindingAcknowledgement): string[] {
  const flags: [boolean, string][] = [
    [ba.keyManagementMobilityCapability, 'K'],
    [ba.mobileRouter, 'R'],
    [ba.proxyRegistration, 'P'],
    [ba.tlvHeaderFormat, 'T'],
    [ba.bulkBindingUpdate, 'B'],
  ];
  return flags.filter(([on]) => on).map(([, letter]) => letter);
}

function refreshText(sec: number): string {
  if (sec === NAT_REFRESH_TIME_NOT_NEEDED) return 'none';
  return sec === 0 ? '0 (ignore)' : `${sec}s`;
}

/** The option as a short token; RFC 5555 options by their usual abbreviations. */
export function mobilityOptionText(o: MobilityOption): string {
  switch (o.kind) {
    case 'ipv4-home-address': {
      const len = o.prefixLength === 32 ? '' : `/${o.prefixLength}`;
      return `HoA4=${o.homeAddress}${len}${o.requestMobileNetworkPrefix ? ' P' : ''}`;
    }
    case 'ipv4-address-acknowledgement': {
      const len = o.prefixLength === 32 || o.status >= 128 ? '' : `/${o.prefixLength}`;
      const words = o.status >= 128 ? ` (${ipv4AckWords(o.status)})` : '';
      return `IPv4Ack=${o.status}${words} ${o.homeAddress}${len}`;
    }
    case 'nat-detection':
      return `NATD${o.udpEncapsulationRequired ? ' F' : ''} refresh=${refreshText(o.refreshTimeSec)}`;
    case 'ipv4-care-of-address':
      return `CoA4=${o.careOfAddress}`;
    case 'alternate-care-of-address':
      return `AltCoA=${o.careOfAddress}`;
    case 'binding-refresh-advice':
      return `refresh-advice=${o.refreshIntervalSec}s`;
    case 'binding-identifier':
      return `BID=${o.bindingId}${o.careOfAddress ? ` ${o.careOfAddress}` : ''}`;
    case 'mobile-network-prefix':
      return `MNP=${o.prefix}/${o.prefixLength}`;
    case 'dns-update':
      return `DNS-update${o.removeEntry ? ' R' : ''} status=${o.status}`;
    case 'nonce-indices':
      return `nonces=${o.homeNonceIndex}/${o.careOfNonceIndex}`;
    case 'binding-authorization-data':
      return 'auth-data';
    case 'unknown':
      return `opt${o.type}=${toHex(o.data)}`;
  }
}

function withOptions(head: string[], options: readonly MobilityOption[]): string {
  return [...head, ...options.map(mobilityOptionText)].join(' ');
}

export function summarizeMobility(m: MobilityMessage): MessageSummary {
  let summary: string;
  switch (m.kind) {
    case 'binding-update':
      summary = withOptions([`BU seq=${m.sequence}`, ...buFlags(m), `lifetime=${m.lifetimeSec}s`], m.options);
      break;
    case 'binding-acknowledgement':
      summary = withOptions(
        [
          `BA status=${m.status} (${baStatusWords(m.status)})`,
          `seq=${m.sequence}`,
          `lifetime=${m.lifetimeSec}s`,
          ...baFlags(m),
        ],
        m.options,
      );
      break;
    case 'binding-error':
      summary = withOptions([`BE status=${m.status}`, `HoA=${m.homeAddress}`], m.options);
      break;
    case 'binding-refresh-request':
      summary = withOptions(['BRR'], m.options);
      break;
    case 'home-test-init':
      summary = 'HoTI';
      break;
    case 'care-of-test-init':
      summary = 'CoTI';
      break;
    case 'home-test':
      summary = `HoT nonce=${m.homeNonceIndex}`;
      break;
    case 'care-of-test':
      summary = `CoT nonce=${m.careOfNonceIndex}`;
      break;
    case 'unknown':
      summary = `MH type=${m.type} (${MH_TYPE_NAMES[m.type] ?? 'unassigned'}) ${m.data.length} bytes`;
      break;
  }
  const details = 'options' in m ? m.options.map((o) => `option ${o.kind}: ${mobilityOptionText(o)}`) : [];
  return { protocol: 'MH', summary, details };
}
