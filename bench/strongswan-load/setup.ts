/**
 * The pieces of the strongSwan load test: the subscribers both responders know, the strongSwan load-tester as the
 * generator (one charon initiating IKE SAs with EAP-AKA, X25519 and a tunnel-mode Child SA in IKE_AUTH), and the
 * two responders it is pointed at: a strongSwan charon and `dsmip ha`, each a real process in the same private
 * network namespace, pinned to a core of its own.
 *
 * Identities: the load-tester formats `initiator_id` with its SA number n = 1, 2, ..., so
 * `000101%.10d@nai.epc.mnc001.mcc001.3gppnetwork.org` gives the root NAI (TS 23.003 §19.3.2: "0" ‖ IMSI) of IMSI
 * 00101 ‖ n as 10 digits. Its EAP secret is one string for every identity, `eap_password`, and the eap-aka-3gpp
 * card takes a 32-byte secret as K ‖ OPc (eap_aka_3gpp_functions.c, eap_aka_3gpp_get_k_opc): so K and OPc are the
 * ASCII bytes of the password's two halves, and every subscriber has the same K and OPc.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Charon, startCharon } from '../../scripts/peers/strongswan.ts';
import type { SettingValue } from '../../scripts/peers/strongswan-conf.ts';
import type { TestPki } from '../../test/peers/strongswan/pki.ts';

/** charon log levels: only level-0 lines (what the count needs) unless DSMIP_LOAD_LOG=1 asks for a diagnosis. */
function quietLogs() {
  const level = process.env.DSMIP_LOAD_LOG === '1' ? 1 : 0;
  return {
    default: level,
    ike: level,
    cfg: level,
    enc: 0,
    net: level,
    knl: level,
    chd: level,
    job: 0,
    lib: level,
    asn: 0,
  };
}

/** 16 + 16 ASCII characters: K and OPc of every load-test subscriber (see the head comment). */
export const LOAD_EAP_PASSWORD = 'dsmipLoadTest-K.dsmipLoadTestOPc';
export const LOAD_HA_APN = 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';
/** The responder's address on the namespace's loopback (a documentation address, so it names no real host). */
export const RESPONDER_V4 = '192.0.2.1';
export const RESPONDER_V6 = '2001:db8:1::1';
/**
 * The generator's source address. It sits on a veth interface, not on lo: charon looks up the interface of its own
 * address before taking a virtual IP (ike_sa.c add_virtual_ip) and kernel-netlink does not offer loopback addresses,
 * so from 127.0.0.2 every Child SA failed ("no acceptable traffic selectors"). Packets between two local addresses
 * still go through the loopback device.
 */
export const GENERATOR_V4 = '192.0.2.2';
/** IKE and ESP suites both responders choose: what strongSwan and dsmip have in common at low cost. */
export const IKE_PROPOSAL = 'aes128gcm16-prfsha256-x25519';
export const ESP_PROPOSAL = 'aes128gcm16';

export function loadImsi(n: number): string {
  return `00101${String(n).padStart(10, '0')}`;
}

function asciiHex(s: string): string {
  return Buffer.from(s, 'latin1').toString('hex');
}

/** `dsmip ha`'s subscriber file: IMSIs of SA numbers 1..count with the load-tester's K and OPc. */
export function subscriberFile(count: number): string {
  const k = asciiHex(LOAD_EAP_PASSWORD.slice(0, 16));
  const opc = asciiHex(LOAD_EAP_PASSWORD.slice(16));
  const subscribers = Array.from({ length: count }, (_, i) => ({ imsi: loadImsi(i + 1), k, opc, amf: '8000' }));
  return JSON.stringify({ subscribers }, null, 1);
}

export interface GeneratorOptions {
  readonly netns: string;
  readonly cpu: number | undefined;
  readonly pki: TestPki;
  /** IKE SAs to set up in total (the SA numbers 1..count). */
  readonly count: number;
  /** Initiating threads; `count` must be a multiple. */
  readonly initiators: number;
  /** Half-open IKE SAs at most (the load-tester waits above it). */
  readonly initLimit: number;
  readonly caDir: string;
  readonly parentDir: string;
}

/**
 * The load-tester charon. Its plugin is loaded before kernel-netlink, so its fake kernel takes the CHILD_SAs (this
 * kernel has no ESP); `request_virtual_ip` asks for an IPv4 and an IPv6 address in a CFG_REQUEST and makes TSi
 * the dynamic selectors of those addresses; TSr is `::/0`.
 */
export function startGenerator(o: GeneratorOptions): Promise<Charon> {
  if (o.count % o.initiators !== 0) throw new RangeError('count must be a multiple of initiators');
  const loadTester: Record<string, SettingValue> = {
    initiators: o.initiators,
    iterations: o.count / o.initiators,
    delay: 0,
    init_limit: o.initLimit,
    initiator: GENERATOR_V4,
    responder: RESPONDER_V4,
    version: 2,
    proposal: IKE_PROPOSAL,
    esp: ESP_PROPOSAL,
    initiator_auth: 'eap-aka',
    responder_auth: 'pubkey',
    initiator_id: '000101%.10d@nai.epc.mnc001.mcc001.3gppnetwork.org',
    responder_id: LOAD_HA_APN,
    eap_password: LOAD_EAP_PASSWORD,
    request_virtual_ip: true,
    initiator_tsr: '::/0',
    mode: 'tunnel',
    ca_dir: o.caDir,
    fake_kernel: true,
    child_rekey: 0,
    ike_rekey: 0,
  };
  return startCharon({
    name: 'load-generator',
    port: 0,
    natTPort: 0,
    swanctlConf: '',
    netns: o.netns,
    cpu: o.cpu,
    parentDir: o.parentDir,
    loadTester,
    // Only what the count needs: "IKE_SA ... established" and "CHILD_SA ... established" are level 0.
    logLevels: quietLogs(),
    charonSettings: { ikesa_table_size: 4096, ikesa_table_segments: 16 },
    // On a shared machine a responder may fall seconds behind: give it 2 + 3.6 + 6.5 + 11.7 + 21 s.
    retransmitTries: 5,
  });
}

/** The strongSwan responder: ECDSA certificate, EAP-AKA server with the eap-aka-3gpp provider, address pools. */
export function startStrongswanResponder(o: {
  netns: string;
  cpu: number | undefined;
  pki: TestPki;
  count: number;
  parentDir: string;
}): Promise<Charon> {
  const swanctlConf = `connections {
  load {
    version = 2
    local_addrs = ${RESPONDER_V4}
    proposals = ${IKE_PROPOSAL}
    pools = v4, v6
    mobike = no
    local {
      auth = pubkey
      certs = ha.pem
      id = ${LOAD_HA_APN}
    }
    remote {
      auth = eap-aka
    }
    children {
      load {
        local_ts = ::/0, 0.0.0.0/0
        esp_proposals = ${ESP_PROPOSAL}
        mode = tunnel
      }
    }
  }
}
pools {
  v4 {
    addrs = 10.64.0.0/16
  }
  v6 {
    addrs = fd00:64::/112
  }
}
secrets {
  eap-load {
    secret = "${LOAD_EAP_PASSWORD}"
  }
}
`;
  if (o.count > 65_000) throw new RangeError('the address pools hold 65,000 SAs');
  return startCharon({
    name: 'load-responder',
    port: 500,
    natTPort: 4500,
    swanctlConf,
    credentials: { 'x509/ha.pem': o.pki.haCertPem, 'private/ha.key': o.pki.haKeyPem, 'x509ca/ca.pem': o.pki.caCertPem },
    netns: o.netns,
    cpu: o.cpu,
    parentDir: o.parentDir,
    // The fake kernel only (no initiators): kernel-netlink cannot install ESP SAs on this kernel. The plugin also
    // offers its eap_password for any identity, so it must be the subscribers' K ‖ OPc here too.
    loadTester: { initiators: 0, fake_kernel: true, eap_password: LOAD_EAP_PASSWORD },
    logLevels: quietLogs(),
    // One peer address sends everything: lift the per-IP and global half-open limits above the generator's.
    charonSettings: { ikesa_table_size: 4096, ikesa_table_segments: 16, block_threshold: 1000, cookie_threshold: 1000 },
  });
}

/** `dsmip ha`'s configuration for the load test; returns the YAML file's path. */
export function writeHaConfig(dir: string, pki: TestPki, subscribers: number): string {
  writeFileSync(join(dir, 'ha.pem'), pki.haCertPem);
  writeFileSync(join(dir, 'ha.key'), pki.haKeyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'subscribers.json'), subscriberFile(subscribers), { mode: 0o600 });
  const yaml = `ha:
  addresses: { ipv4: ${RESPONDER_V4}, ipv6: "${RESPONDER_V6}" }
  ports: { ike: 500, natT: 4500 }
  ike:
    identity: ${LOAD_HA_APN}
    certificate: "${join(dir, 'ha.pem')}"
    privateKey: "${join(dir, 'ha.key')}"
    proposals: { ike: [${IKE_PROPOSAL}], esp: [${ESP_PROPOSAL}-noesn] }
    cookieThreshold: 1000
  # One generator address sends every UE: the per-source limits (issue 16) would refuse the load test itself.
  limits: { halfOpenPerSource: 0, eapPerSource: { burst: 0, perMinute: 0 } }
  aaa: { subscriberFile: "${join(dir, 'subscribers.json')}" }
  homePrefixPool: { base: "2001:db8:100::/40", prefixLength: 64 }
  ipv4HomeAddressPool: ["10.10.0.0/24"]
  dns: { ipv6: ["2001:db8:53::53"], ipv4: ["192.0.2.53"] }
  dhcp: { v6: { mode: embedded }, v4: { mode: embedded } }
  metrics: { enabled: false }
  logging: { level: info, format: json }
`;
  const path = join(dir, 'ha.yaml');
  writeFileSync(path, yaml);
  return path;
}
