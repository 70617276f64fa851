// One attach to one HA (ue-session.ts) with a fake IKE link: whatever fails after IKEv2 is up (building the tunnel,
// the registration) closes the IKE link and the tunnel before the error goes on; stop() ends the registration wait.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadUeConfig } from '../../config/load.ts';
import { candidate } from '../../discovery/candidates.ts';
import { HA4, HA6, HOA, HOME_PREFIX } from '../../mip/test-fixtures.ts';
import { Ipv4Address } from '../../util/ip-address.ts';
import { Listeners } from '../net/listeners.ts';
import type { createUeTunnel } from './create-ue-tunnel.ts';
import type { IkeLink, IkeLinkOutcome } from './ike-link.ts';
import { PhaseClock } from './phase-clock.ts';
import type { UeNodeEvent } from './ue-events.ts';
import { attachSession, type SessionIo, type SessionTarget } from './ue-session.ts';
import type { UeTunnel } from './ue-tunnel.ts';
import { DEFAULT_UE_TIMEOUTS, UeStoppedError } from './ue-types.ts';

const CA = new URL('../../../test/fixtures/pki/ca-ecdsa.pem', import.meta.url).pathname;
const COA = Ipv4Address.parse('192.0.2.100');

const CONFIG = loadUeConfig({
  name: 'ue.yaml',
  text: `ue:
  identity: { imsi: "001010000000001", k: 465b5ce8b199b49faa5f0a2ee238a6bc, opc: cd63cb71954a9f4e48a5994e37a02baf, mcc: "001", mnc: "01" }
  apn: internet
  discovery: { static: [{ ipv6: "${HA6}", ipv4: ${HA4} }] }
  ike: { caCertificate: "${CA}", haIdentity: ha.example.net }
  access: { family: ipv4, ipv4: { careOfAddress: ${COA} } }
  mobility: { forceUdp: true }
`,
});

function attempt(createTunnel: typeof createUeTunnel) {
  const closed: string[] = [];
  const link = { careOf: COA, close: () => closed.push('ike') } as unknown as IkeLink;
  const outcome = {
    link,
    homePrefix: HOME_PREFIX,
    homeAddress: HOA,
    dnsServers: { ipv6: [], ipv4: [] },
    natDetected: false,
  } satisfies IkeLinkOutcome;
  const abort = new AbortController();
  const io: SessionIo = {
    config: CONFIG,
    events: new Listeners<UeNodeEvent>(),
    emit: () => undefined,
    timeouts: { ...DEFAULT_UE_TIMEOUTS, bindingMs: 60_000 },
    random: (n) => new Uint8Array(n),
    rawSupport: { available: true },
    raw: [],
    signal: abort.signal,
    routerPrefixes: () => [],
    phase: () => undefined,
    openIkeLink: async () => outcome,
    startDhcp: () => ({ v6: false, v4: false }),
    createTunnel: (...args) => {
      const t = createTunnel(...args);
      const close = t.close.bind(t);
      t.close = () => {
        closed.push('tunnel');
        close();
      };
      return t;
    },
  };
  const target: SessionTarget = {
    ha: candidate({ method: 'configured', ipv6: HA6, ipv4: HA4 }),
    homeAgent: { ipv6: HA6, ipv4: HA4 },
    careOf: COA,
    socket: { localAddress: COA, localPort: 4191, onMessage: () => undefined, send: () => undefined } as never,
    clock: new PhaseClock(() => 0),
  };
  return { io, target, closed, abort };
}

test('a tunnel that cannot be built (after IKEv2 is up) closes the IKE link before the error goes on', async () => {
  const a = attempt(() => {
    throw new RangeError('no tunnel today');
  });
  await assert.rejects(attachSession(a.target, a.io), /no tunnel today/);
  assert.deepEqual(a.closed, ['ike']);
});

test('stop() during the registration: UeStoppedError at once, the tunnel and the IKE link closed', async () => {
  const fakeTunnel = {
    natDetection: undefined,
    useIkeLink: () => undefined,
    attach: () => undefined,
    close: () => undefined,
  } as unknown as UeTunnel;
  const a = attempt(() => fakeTunnel);
  const attaching = attachSession(a.target, a.io);
  await new Promise((r) => setImmediate(r));
  a.abort.abort();
  await assert.rejects(attaching, UeStoppedError);
  assert.deepEqual(a.closed, ['tunnel', 'ike']);
});
