/**
 * Typed wrappers of the VICI commands the project uses (strongSwan src/libcharon/plugins/vici/README.md,
 * "Client-initiated commands"; answers follow the README's list-sa / load-pool / initiate layouts).
 */
import { expectSuccess, type ViciClient } from './client.ts';
import type { ViciItem, ViciMessage } from './message.ts';
import { type ViciInputValue, type ViciTree, viciMessageFrom, viciMessageToTree } from './tree.ts';

export interface ViciChildSa {
  readonly name: string;
  readonly uniqueId: string;
  /** e.g. INSTALLED, REKEYING, DELETING */
  readonly state: string;
  readonly mode: string;
  readonly protocol: string;
  readonly encapsulated: boolean;
  readonly spiIn: string;
  readonly spiOut: string;
  readonly localTs: readonly string[];
  readonly remoteTs: readonly string[];
  /** Everything the daemon sent for this CHILD_SA, as text. */
  readonly raw: ViciTree;
}

export interface ViciIkeSa {
  /** The connection (config) name. */
  readonly name: string;
  readonly uniqueId: string;
  /** e.g. CONNECTING, ESTABLISHED, DELETING */
  readonly state: string;
  readonly initiator: boolean;
  readonly localHost: string;
  readonly remoteHost: string;
  readonly localId: string;
  readonly remoteId: string;
  readonly remoteEapId: string | undefined;
  /** Hex, as the daemon prints them. */
  readonly initiatorSpi: string;
  readonly responderSpi: string;
  readonly encrAlg: string | undefined;
  readonly encrKeysize: string | undefined;
  readonly integAlg: string | undefined;
  readonly prfAlg: string | undefined;
  readonly dhGroup: string | undefined;
  /** Virtual IPs assigned by the peer to us / by us to the peer. */
  readonly localVips: readonly string[];
  readonly remoteVips: readonly string[];
  readonly childSas: readonly ViciChildSa[];
  readonly raw: ViciTree;
}

const str = (t: ViciTree, k: string): string | undefined => {
  const v = t[k];
  return typeof v === 'string' ? v : undefined;
};
const list = (t: ViciTree, k: string): string[] => {
  const v = t[k];
  return Array.isArray(v) ? v : [];
};
const section = (t: ViciTree, k: string): ViciTree => {
  const v = t[k];
  return typeof v === 'object' && !Array.isArray(v) ? v : {};
};

function childSaOf(name: string, t: ViciTree): ViciChildSa {
  return {
    name: str(t, 'name') ?? name,
    uniqueId: str(t, 'uniqueid') ?? '',
    state: str(t, 'state') ?? '',
    mode: str(t, 'mode') ?? '',
    protocol: str(t, 'protocol') ?? '',
    encapsulated: str(t, 'encap') === 'yes',
    spiIn: str(t, 'spi-in') ?? '',
    spiOut: str(t, 'spi-out') ?? '',
    localTs: list(t, 'local-ts'),
    remoteTs: list(t, 'remote-ts'),
    raw: t,
  };
}

/** Reads one IKE_SA section of a list-sa (or ike-updown / child-updown) event. */
export function ikeSaOf(name: string, t: ViciTree): ViciIkeSa {
  const children = section(t, 'child-sas');
  return {
    name,
    uniqueId: str(t, 'uniqueid') ?? '',
    state: str(t, 'state') ?? '',
    initiator: str(t, 'initiator') === 'yes',
    localHost: str(t, 'local-host') ?? '',
    remoteHost: str(t, 'remote-host') ?? '',
    localId: str(t, 'local-id') ?? '',
    remoteId: str(t, 'remote-id') ?? '',
    remoteEapId: str(t, 'remote-eap-id'),
    initiatorSpi: str(t, 'initiator-spi') ?? '',
    responderSpi: str(t, 'responder-spi') ?? '',
    encrAlg: str(t, 'encr-alg'),
    encrKeysize: str(t, 'encr-keysize'),
    integAlg: str(t, 'integ-alg'),
    prfAlg: str(t, 'prf-alg'),
    dhGroup: str(t, 'dh-group'),
    localVips: list(t, 'local-vips'),
    remoteVips: list(t, 'remote-vips'),
    childSas: Object.entries(children).map(([k, v]) =>
      childSaOf(k, typeof v === 'object' && !Array.isArray(v) ? v : {}),
    ),
    raw: t,
  };
}

/** The IKE_SA sections of an event message (every section at the root is one SA, keyed by config name). */
export function ikeSasOfEvent(message: ViciMessage): ViciIkeSa[] {
  return message
    .filter((i): i is Extract<ViciItem, { kind: 'section' }> => i.kind === 'section')
    .map((i) => ikeSaOf(i.name, viciMessageToTree(i.items)));
}

/**
 * list-sas: the IKE_SAs (optionally of one connection) with their CHILD_SAs. Blocking: with `noblock` charon skips an
 * IKE_SA that a worker thread still holds, so a list right after `initiate` returned could miss the SA just made.
 */
export async function listSas(client: ViciClient, filter: { ike?: string; ikeId?: string } = {}): Promise<ViciIkeSa[]> {
  const { events } = await client.streamedRequest('list-sas', 'list-sa', {
    ike: filter.ike,
    ike_id: filter.ikeId,
  });
  return events.flatMap(ikeSasOfEvent);
}

export interface ViciPool {
  /** Subnet or range the daemon leases virtual IPs from (`addrs`). */
  readonly addrs: string;
  /**
   * Attributes by type name (dns, nbns, ...) or number; a Uint8Array is sent as the raw attribute value, which
   * is the only way to send a value the daemon cannot express in text (a 21-byte MIP6_HOME_PREFIX).
   */
  readonly attributes?: Readonly<Record<string, readonly ViciInputValue[]>>;
}

/** load-pool: creates or updates an in-memory pool; FAILED when the daemon refuses it. */
export async function loadPool(client: ViciClient, name: string, pool: ViciPool): Promise<void> {
  const body: Record<string, string | readonly ViciInputValue[]> = { addrs: pool.addrs };
  for (const [type, values] of Object.entries(pool.attributes ?? {})) body[type] = values;
  expectSuccess(await client.request('load-pool', { [name]: body }), `load-pool ${name}`);
}

export interface InitiateResult {
  readonly success: boolean;
  readonly errmsg: string | undefined;
  /** The control-log messages streamed while the command ran. */
  readonly log: readonly string[];
}

/**
 * initiate: brings up `ike` (and its CHILD_SA `child`, when given; without one strongSwan 5.9 sets up the
 * IKE_SA alone) and waits up to `timeoutMs` for the outcome.
 */
export async function initiate(
  client: ViciClient,
  o: { ike: string; child?: string; timeoutMs: number; loglevel?: number },
): Promise<InitiateResult> {
  const { events, response } = await client.streamedRequest(
    'initiate',
    'control-log',
    viciMessageFrom({ ike: o.ike, child: o.child, timeout: o.timeoutMs, loglevel: o.loglevel ?? 1 }),
    { timeoutMs: o.timeoutMs + 5000 }, // the daemon answers by its own timeout; ours must not fire first
  );
  const tree = viciMessageToTree(response);
  return {
    success: tree.success === 'yes',
    errmsg: typeof tree.errmsg === 'string' ? tree.errmsg : undefined,
    log: events.map((e) => {
      const msg = viciMessageToTree(e).msg;
      return typeof msg === 'string' ? msg : '';
    }),
  };
}
