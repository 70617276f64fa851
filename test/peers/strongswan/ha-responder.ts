/**
 * strongSwan as the Home Agent: IKEv2 responder authenticating with an ECDSA certificate, EAP-AKA server
 * (Milenage from K ‖ OPc in the secrets), and a pool that assigns an INTERNAL_IP6_ADDRESS plus the RFC 5026
 * MIP6_HOME_PREFIX attribute (16).
 *
 * Attribute 16 is loaded over VICI as a raw 21-byte value: written as `16 = prefix/len` in a config file
 * strongSwan would send 17 bytes (address ‖ length, without the lifetime). strongSwan only sends pool
 * attributes with a virtual IP, so the initiator must request one (INTERNAL_IP6_ADDRESS) too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Charon,
  type CharonOptions,
  confValue,
  freeUdpPorts,
  startCharon,
} from '../../../scripts/peers/strongswan.ts';
import { loadPool } from '../../../src/node/vici/commands.ts';
import { Ipv6Address } from '../../../src/util/ip-address.ts';
import { type AkaSubscriber, akaSecret, TEST_HA_APN, TEST_HOME_PREFIX, TEST_SUBSCRIBER } from './identities.ts';
import { makeTestPki } from './pki.ts';

/** IKEv2 configuration attribute type MIP6_HOME_PREFIX (RFC 5026 §8.2). */
export const MIP6_HOME_PREFIX = 16;

/** RFC 5026 §8.2 value: Prefix Lifetime (4) ‖ Home Prefix (16) ‖ Prefix Length (1) = 21 bytes. */
export function mip6HomePrefixValue(prefix: string, length: number, lifetimeSec: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 128) throw new RangeError(`prefix length 0..128: ${length}`);
  if (!Number.isInteger(lifetimeSec) || lifetimeSec < 0 || lifetimeSec > 0xffffffff) {
    throw new RangeError(`lifetime must fit 32 bits: ${lifetimeSec}`);
  }
  const out = new Uint8Array(21);
  new DataView(out.buffer).setUint32(0, lifetimeSec);
  out.set(Ipv6Address.parse(prefix).bytes, 4);
  out[20] = length;
  return out;
}

export interface HomePrefix {
  readonly prefix: string;
  readonly length: number;
  readonly lifetimeSec: number;
}

export interface HaCredentials {
  readonly caCertPem: string;
  readonly haCertPem: string;
  readonly haKeyPem: string;
}

export interface HaResponderOptions {
  readonly name?: string;
  /** The identity the HA authenticates as, echoing the UE's IDr (TS 24.303 §5.1.3.1); default the test HA-APN. */
  readonly identity?: string;
  /** Certificate and key; by default a fresh test PKI whose HA certificate names `identity`. */
  readonly credentials?: HaCredentials;
  readonly subscribers?: readonly AkaSubscriber[];
  readonly homePrefix?: HomePrefix;
  /** Addresses leased as INTERNAL_IP6_ADDRESS (the virtual IP that makes strongSwan send attributes). */
  readonly virtualIps?: string;
  /** Start with an EAP-Identity round (eap_id = %any) instead of taking IDi as the EAP identity. */
  readonly eapIdentityRound?: boolean;
  readonly ikeProposals?: string;
  readonly espProposals?: string;
  readonly childMode?: 'transport' | 'tunnel';
  /** Traffic selector for both sides of the child SA (swanctl syntax); default all Mobility Header traffic. */
  readonly childTs?: string;
  readonly localAddrs?: string;
  /** Ports default to free ones (parallel test files would collide on fixed ones). */
  readonly port?: number;
  readonly natTPort?: number;
  readonly kernel?: CharonOptions['kernel'];
  readonly akaRequestIdentity?: boolean;
  readonly netns?: string;
  /** EAP pass-through to a RADIUS server (strongSwan's eap-radius plugin, RFC 3579) instead of local EAP-AKA. */
  readonly radius?: { readonly address: string; readonly port: number; readonly secret: string };
}

export interface HaResponder {
  readonly charon: Charon;
  readonly port: number;
  readonly natTPort: number;
  readonly identity: string;
  /** The CA a peer must trust to accept the HA's certificate. */
  readonly caCertPem: string;
  /** The attribute 16 value loaded into the pool. */
  readonly homePrefixValue: Uint8Array;
  readonly connection: string;
  readonly child: string;
  readonly pool: string;
}

export const HA_CONNECTION = 'ha';
export const HA_CHILD = 'mh';
export const HA_POOL = 'mip6';

/** Default proposals: what the project's engine implements first, then strongSwan's defaults. */
export const DEFAULT_IKE_PROPOSALS = 'aes128-sha256-x25519,aes128gcm16-prfsha256-ecp256,aes128-sha256-modp2048,default';
export const DEFAULT_ESP_PROPOSALS = 'aes128gcm16,aes128-sha256,default';

export function haSwanctlConf(o: HaResponderOptions & { identity: string }): string {
  const subscribers = o.subscribers ?? [TEST_SUBSCRIBER];
  const ts = confValue('childTs', o.childTs ?? 'dynamic[135]');
  return `connections {
  ${HA_CONNECTION} {
    version = 2
    local_addrs = ${confValue('localAddrs', o.localAddrs ?? '%any')}
    proposals = ${confValue('ikeProposals', o.ikeProposals ?? DEFAULT_IKE_PROPOSALS)}
    pools = ${HA_POOL}
    send_cert = always
    send_certreq = no
    local {
      auth = pubkey
      certs = ha.pem
      id = ${confValue('identity', o.identity)}
    }
    remote {
      auth = ${o.radius ? 'eap-radius' : 'eap-aka'}
${o.eapIdentityRound === true ? '      eap_id = %any\n' : ''}    }
    children {
      ${HA_CHILD} {
        mode = ${o.childMode ?? 'transport'}
        local_ts = ${ts}
        remote_ts = ${ts}
        esp_proposals = ${confValue('espProposals', o.espProposals ?? DEFAULT_ESP_PROPOSALS)}
      }
    }
  }
}
secrets {
${subscribers
  .map(
    (s, i) => `  eap-${i} {
    id = ${confValue('subscriber NAI', s.nai)}
    secret = ${akaSecret(s)}
  }`,
  )
  .join('\n')}
}
`;
}

function testCredentials(identity: string): HaCredentials {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-ha-pki-'));
  try {
    return makeTestPki(dir, [identity]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The eap-radius plugin pointed at one RADIUS server (strongswan.conf(5), "eap-radius"). */
function eapRadiusPlugin(r: NonNullable<HaResponderOptions['radius']>): Partial<CharonOptions> {
  return {
    extraPlugins: ['eap-radius'],
    pluginSections: [
      'eap-radius {',
      '  servers {',
      '    aaa {',
      `      address = ${confValue('radius address', r.address)}`,
      `      auth_port = ${r.port}`,
      `      secret = ${confValue('radius secret', r.secret)}`,
      '    }',
      '  }',
      '}',
    ],
  };
}

/** Starts the HA, loads its connection, secrets and credentials, then the pool with attribute 16. */
export async function startHaResponder(o: HaResponderOptions = {}): Promise<HaResponder> {
  const identity = o.identity ?? TEST_HA_APN;
  const credentials = o.credentials ?? testCredentials(identity);
  const [port, natTPort] =
    o.port !== undefined && o.natTPort !== undefined ? [o.port, o.natTPort] : await freeUdpPorts(2);
  const charon = await startCharon({
    name: o.name ?? 'ha',
    port: port!,
    natTPort: natTPort!,
    swanctlConf: haSwanctlConf({ ...o, identity }),
    credentials: {
      'x509/ha.pem': credentials.haCertPem,
      'private/ha.key': credentials.haKeyPem,
      'x509ca/ca.pem': credentials.caCertPem,
    },
    kernel: o.kernel,
    akaRequestIdentity: o.akaRequestIdentity,
    netns: o.netns,
    ...(o.radius ? eapRadiusPlugin(o.radius) : {}),
  });
  const home = o.homePrefix ?? TEST_HOME_PREFIX;
  const homePrefixValue = mip6HomePrefixValue(home.prefix, home.length, home.lifetimeSec);
  try {
    // After swanctl --load-all, which unloads pools that are not in swanctl.conf.
    await loadPool(charon.vici, HA_POOL, {
      addrs: o.virtualIps ?? `${home.prefix}/120`,
      attributes: { [String(MIP6_HOME_PREFIX)]: [homePrefixValue] },
    });
  } catch (e) {
    await charon.stop();
    throw e;
  }
  return {
    charon,
    port: port!,
    natTPort: natTPort!,
    identity,
    caCertPem: credentials.caCertPem,
    homePrefixValue,
    connection: HA_CONNECTION,
    child: HA_CHILD,
    pool: HA_POOL,
  };
}
