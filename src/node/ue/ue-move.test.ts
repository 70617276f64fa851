// A care-of address change (ue-move.ts; RFC 6275 §11.7.1, RFC 5555 §5.1) against a fake tunnel, fake port Z sockets
// that refuse a second bind of an address (as the kernel does: EADDRINUSE) and fake IKE links:
//   BU from the new CoA -->   <-- BA (or none)       then   IKE_SA_INIT ... from the new CoA (or a failure)
// A move without its BA goes back to the old address and can be tried again; a failed IKE step is redone by the next
// move; both port Z sockets count as the UE's addresses until the BA; home again, the IKE SA moves too; stop() ends
// a move at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MobileNodeEvent } from '../../mip/events.ts';
import type { AccessInfo } from '../../mip/mn-config.ts';
import { type IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { Listeners } from '../net/listeners.ts';
import { CareOfSockets } from './care-of-sockets.ts';
import type { IkeLink, IkeLinkOutcome } from './ike-link.ts';
import type { UeNodeEvent } from './ue-events.ts';
import { type CareOfMoveDeps, type MovingSession, moveCareOf } from './ue-move.ts';
import { type AttachResult, DEFAULT_UE_TIMEOUTS, UeStoppedError } from './ue-types.ts';

const FROM = Ipv4Address.parse('192.0.2.100');
const TO = Ipv4Address.parse('192.0.2.101');
const HOA = Ipv6Address.parse('2001:db8:100:1::7');

class FakeSocket {
  closed = false;
  constructor(
    readonly localAddress: IpAddress,
    private readonly bound: Set<string>,
  ) {}
  readonly localPort = 4191;
  close(): void {
    this.closed = true;
    this.bound.delete(this.localAddress.toString());
  }
}

/** IKE links closed so far (fake links record themselves here). */
const closedLinks = new Set<IkeLink>();

function fakeLink(careOf: IpAddress): IkeLink {
  const link = { careOf, close: () => closedLinks.add(link) } as unknown as IkeLink;
  return link;
}

/** The parts of a registration outcome the move reads (awaitRegistration). */
const REGISTERED = { kind: 'registered', ipv4HomeAddress: undefined } as Extract<
  MobileNodeEvent,
  { kind: 'registered' }
>;

type BaAnswer = 'registered' | 'at-home' | 'none';

function world(o: { ba?: BaAnswer[]; ike?: ('ok' | 'fail' | 'hold')[] } = {}) {
  const events = new Listeners<UeNodeEvent>();
  const emitted: UeNodeEvent[] = [];
  const bound = new Set<string>();
  const openSocket = async (a: IpAddress) => {
    if (bound.has(a.toString())) throw new Error(`EADDRINUSE ${a}`);
    bound.add(a.toString());
    return new FakeSocket(a, bound);
  };
  const sockets = new CareOfSockets<FakeSocket>();
  sockets.open(new FakeSocket(FROM, bound));
  bound.add(FROM.toString());
  const bas = [...(o.ba ?? [])];
  const ikes = [...(o.ike ?? [])];
  const bus: { to: string; socket: FakeSocket; local: string[] }[] = [];
  const retired: IkeLink[] = [];
  const used: IkeLink[] = [];
  const opened: IkeLink[] = [];
  let held: ((o: IkeLinkOutcome) => void) | undefined;
  const s: MovingSession<FakeSocket> = {
    ike: fakeLink(FROM),
    tunnel: {
      changeCareOf(access: AccessInfo, socket: FakeSocket) {
        const to = String(access.ipv4CareOf ?? access.ipv6CareOf);
        bus.push({ to, socket, local: sockets.localAddresses().map(String) });
        const answer = bas.shift() ?? 'none';
        if (answer === 'registered') setImmediate(() => events.emit({ kind: 'mobility', event: REGISTERED }));
        else if (answer === 'at-home')
          setImmediate(() => events.emit({ kind: 'mobility', event: { kind: 'at-home', deregistered: true } }));
      },
      useIkeLink: (l) => used.push(l),
    },
    result: { careOf: FROM, ipv6HomeAddress: HOA, atHome: false } as AttachResult,
    access: { ipv4CareOf: FROM, routerPrefixes: [] },
  };
  const abort = new AbortController();
  const deps: CareOfMoveDeps<FakeSocket> = {
    events,
    emit: (e) => emitted.push(e),
    timeouts: { ...DEFAULT_UE_TIMEOUTS, bindingMs: 40 },
    routerPrefixes: [],
    sockets,
    openSocket,
    openIkeLink: (careOf) => {
      const what = ikes.shift() ?? 'ok';
      const link = fakeLink(careOf);
      opened.push(link);
      const outcome = { link, homeAddress: HOA } as unknown as IkeLinkOutcome;
      if (what === 'fail') return Promise.reject(new Error('IKE did not finish'));
      if (what === 'hold') return new Promise((resolve) => (held = resolve)).then(() => outcome);
      return Promise.resolve(outcome);
    },
    retire: (l) => retired.push(l),
    signal: abort.signal,
  };
  const stages = () => emitted.flatMap((e) => (e.kind === 'care-of-change' ? [e.stage] : []));
  return { s, deps, sockets, bus, retired, used, opened, abort, stages, release: () => held?.({} as IkeLinkOutcome) };
}

test('no BA from the new address: back to the old socket and BUs from it; the same move succeeds later', async () => {
  const w = world({ ba: ['none', 'registered', 'registered'] });
  const old = w.sockets.socket!;
  await assert.rejects(moveCareOf(w.s, TO, w.deps), /no Binding Acknowledgement within 40 ms/);
  assert.equal(w.sockets.socket, old, 'the old socket is in use again');
  assert.deepEqual(w.sockets.localAddresses().map(String), ['192.0.2.100']);
  assert.equal(old.closed, false);
  assert.equal(w.bus[0]?.socket.closed, true, 'the new socket is closed');
  assert.deepEqual(
    w.bus.map((b) => [b.to, b.socket.localAddress.toString()]),
    [
      ['192.0.2.101', '192.0.2.101'],
      ['192.0.2.100', '192.0.2.100'],
    ],
    'the core registers from the old address again',
  );
  assert.equal(w.s.result.careOf, FROM);
  assert.deepEqual(w.stages(), ['started', 'failed']);
  // The retry can bind the address again (nothing holds it) and completes.
  const change = await moveCareOf(w.s, TO, w.deps);
  assert.deepEqual([change.changed, change.ikeSaRenegotiated, String(w.s.result.careOf)], [true, true, '192.0.2.101']);
  assert.equal(old.closed, true, 'closed once the BA was in');
});

test('until the BA both port Z addresses are the UE own (raw filters keep the old CoA); then only the new', async () => {
  const w = world({ ba: ['registered'] });
  await moveCareOf(w.s, TO, w.deps);
  assert.deepEqual(w.bus[0]?.local, ['192.0.2.101', '192.0.2.100']);
  assert.deepEqual(w.sockets.localAddresses().map(String), ['192.0.2.101']);
  assert.equal(String(w.sockets.careOf), '192.0.2.101');
});

test('an IKE step that failed is redone by the next move to the same address, without another BU', async () => {
  const w = world({ ba: ['registered'], ike: ['fail', 'ok'] });
  const first = w.s.ike;
  await assert.rejects(moveCareOf(w.s, TO, w.deps), /IKE did not finish/);
  assert.equal(String(w.s.result.careOf), '192.0.2.101', 'the binding moved');
  assert.equal(w.s.ike, first, 'the IKE SA did not');
  const again = await moveCareOf(w.s, TO, w.deps);
  assert.deepEqual([again.changed, again.ikeSaRenegotiated], [true, true]);
  assert.equal(w.bus.length, 1, 'no second BU');
  assert.equal(String(w.s.ike.careOf), '192.0.2.101');
  assert.deepEqual(w.retired, [first]);
  assert.deepEqual(w.used, [w.s.ike], 'the data SA follows the new IKE SA');
  const same = await moveCareOf(w.s, TO, w.deps);
  assert.equal(same.changed, false, 'now nothing is left to do');
});

test('back on the home link: the binding is deregistered and the IKE SA moves too (RFC 6275 §11.5.5)', async () => {
  const w = world({ ba: ['at-home'] });
  const first = w.s.ike;
  const change = await moveCareOf(w.s, TO, w.deps);
  assert.deepEqual([change.changed, change.ikeSaRenegotiated, w.s.result.atHome], [true, true, true]);
  assert.equal(String(w.s.ike.careOf), '192.0.2.101');
  assert.deepEqual(w.retired, [first]);
});

test('stop() during the BA wait ends the move at once, quietly; the provider closes the sockets', async () => {
  const w = world({ ba: ['none'] });
  const deps = { ...w.deps, timeouts: { ...w.deps.timeouts, bindingMs: 60_000 } };
  const moving = moveCareOf(w.s, TO, deps);
  await new Promise((r) => setImmediate(r));
  w.abort.abort();
  await assert.rejects(moving, UeStoppedError);
  assert.deepEqual(w.stages(), ['started'], 'no failure reported after stop');
  assert.equal(w.bus.length, 1, 'no BU from the old address after stop');
});

test('stop() while the new IKE SA comes up: the new link is closed, the session keeps its own', async () => {
  const w = world({ ba: ['registered'], ike: ['hold'] });
  const first = w.s.ike;
  const moving = moveCareOf(w.s, TO, w.deps);
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  w.abort.abort();
  w.release();
  await assert.rejects(moving, UeStoppedError);
  assert.ok(w.opened[0] && closedLinks.has(w.opened[0]));
  assert.equal(w.s.ike, first);
  assert.deepEqual(w.retired, []);
  assert.deepEqual(w.used, []);
});
