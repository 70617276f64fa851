/** Sections shared by the UE and HA config files: logging, capture, IKE proposals and a TUN device. */
import { z } from 'zod';
import { DEFAULT_TIMING } from '../ike/config.ts';
import { durationOfMs, formatDuration } from './duration.ts';
import { espProposal, ikeProposal } from './proposals.ts';
import { bool, duration, int, interfaceName, ipPrefix, nonEmptyText, oneOf } from './scalars.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const loggingSchema = z.strictObject({
  level: oneOf(LOG_LEVELS).prefault('info'),
  /** `auto`: pretty on a terminal, JSON otherwise. */
  format: oneOf(LOG_FORMATS).prefault('auto'),
  /** Log key material (K, OPc, MSK, SK_*): for debugging only; the key log files are the normal way. */
  logSecrets: bool.prefault('false'),
});

export const captureSchema = z.strictObject({
  /** Every packet as it leaves or arrives, outer headers included (LINKTYPE_RAW pcap). */
  pcap: nonEmptyText.optional(),
  /** Directory for Wireshark's esp_sa / ikev2_decryption_table files. */
  keylogDir: nonEmptyText.optional(),
});

/** X25519 / P-256 / MODP-2048 with AES-GCM-16-256, then AES-CBC-256 + SHA-256: src/ike/config.ts defaults. */
export const DEFAULT_IKE_PROPOSAL_TEXT = [
  'aes256gcm16-prfsha256-x25519-ecp256-modp2048',
  'aes256-sha256-prfsha256-x25519-ecp256-modp2048',
] as const;
export const DEFAULT_ESP_PROPOSAL_TEXT = ['aes256gcm16-noesn', 'aes256-sha256-noesn'] as const;

export const proposalsSchema = z.strictObject({
  ike: z
    .array(ikeProposal)
    .min(1)
    .prefault([...DEFAULT_IKE_PROPOSAL_TEXT]),
  esp: z
    .array(espProposal)
    .min(1)
    .prefault([...DEFAULT_ESP_PROPOSAL_TEXT]),
});

const defaultDuration = (ms: number) => formatDuration(durationOfMs(ms));

/** IKEv2 timers (RFC 7296 §2.1 retransmission, §2.4 liveness, §2.8 rekeying); defaults from src/ike/config.ts. */
export const ikeTimersSchema = z
  .strictObject({
    retransmitTimeout: duration({ min: durationOfMs(100) }).prefault(
      defaultDuration(DEFAULT_TIMING.retransmitTimeoutMs),
    ),
    retransmitTries: int(0, 20, 'a count').prefault(String(DEFAULT_TIMING.retransmitTries)),
    /** Idle time before an empty INFORMATIONAL checks the peer; 0s = never. */
    dpdInterval: duration().prefault(defaultDuration(DEFAULT_TIMING.dpdIntervalMs)),
    /** When this side starts a rekey (0s = never) and when the SA is deleted. */
    ikeRekey: duration().prefault(defaultDuration(DEFAULT_TIMING.ikeLifetime.rekeyMs)),
    ikeLifetime: duration({ min: durationOfMs(1000) }).prefault(defaultDuration(DEFAULT_TIMING.ikeLifetime.hardMs)),
    childRekey: duration().prefault(defaultDuration(DEFAULT_TIMING.childLifetime.rekeyMs)),
    childLifetime: duration({ min: durationOfMs(1000) }).prefault(defaultDuration(DEFAULT_TIMING.childLifetime.hardMs)),
  })
  .superRefine((t, ctx) => {
    // RFC 7296 §2.8: the rekey has to happen while the old SA still lives.
    if (t.ikeRekey.ms >= t.ikeLifetime.ms)
      ctx.addIssue({ code: 'custom', path: ['ikeRekey'], message: 'must be shorter than ikeLifetime' });
    if (t.childRekey.ms >= t.childLifetime.ms) {
      ctx.addIssue({ code: 'custom', path: ['childRekey'], message: 'must be shorter than childLifetime' });
    }
  });

/**
 * MTU of the TUN device. IPv6 needs at least 1280 on every link (RFC 8200 §5); the default leaves room for
 * IPv4 + UDP + IPv6 + ESP around a 1280-byte inner packet under a 1500-byte access MTU.
 */
export const tunMtu = int(1280, 65535, 'an MTU');

export const tunSchema = z.strictObject({
  enabled: bool.prefault('false'),
  name: interfaceName.prefault('dsmip0'),
  mtu: tunMtu.prefault('1400'),
  /** Prefixes routed into the tunnel (UE); e.g. ::/0 and 0.0.0.0/0 for everything. */
  routes: z.array(ipPrefix).prefault([]),
});
