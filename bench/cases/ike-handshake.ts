/**
 * Complete DSMIPv6 IKEv2 handshakes in one process (IKE_SA_INIT + IKE_AUTH with one EAP round trip + the BU/BA
 * CREATE_CHILD_SA): X25519, an ECDSA P-256 HA certificate, AES-GCM-16-256. EAP is the engine's one-round fake
 * method (challenge/response over SHA-256), standing in for EAP-AKA until src/eap is plugged in; EAP-AKA adds its
 * Milenage and key-derivation cost (see the crypto benches) to the HA side.
 *
 * - ike-handshake-pair: both roles' work per handshake.
 * - ike-handshake-ha-share: the HA's work alone. The UE's requests are recorded once against a HA with a seeded
 *   random source and replayed against a fresh HA seeded the same way, so they stay valid and no UE work is timed.
 */
import { randomBytes } from 'node:crypto';
import type { IkePath } from '../../src/ike/events.ts';
import { IkeInitiator } from '../../src/ike/initiator.ts';
import { IkeResponder, type ResponderConfig } from '../../src/ike/responder.ts';
import type { HomePrefixPool } from '../../src/ike/tasks/ike-config.ts';
import { fakeEapServer, haConfig, NAI, seededRandom, ueConfig, validNow } from '../../src/ike/test-support.ts';
import { Ipv6Address } from '../../src/util/ip-address.ts';
import type { Bench } from '../harness.ts';

/** OS randomness drawn 4 KiB at a time: what a node shell would inject (randomBytes per call costs ≈ 2 µs). */
let pool4k = new Uint8Array(0);
let poolAt = 0;
function osRandom(n: number): Uint8Array {
  if (poolAt + n > pool4k.length) {
    pool4k = randomBytes(Math.max(4096, n));
    poolAt = 0;
  }
  const out = pool4k.slice(poolAt, poolAt + n);
  poolAt += n;
  return out;
}

/** Every UE gets the same prefix: the bench HA forgets each SA right after the handshake. */
const HOME_PREFIX = { prefix: Ipv6Address.parse('2001:db8:1::'), prefixLength: 64 };
const pool: HomePrefixPool = {
  allocate: () => HOME_PREFIX,
  release: () => {},
};
const haBase: ResponderConfig = haConfig({ random: osRandom, pool });
const ueBase = ueConfig({ random: osRandom });
const NOW = validNow();

function mirror(p: IkePath): IkePath {
  return { localAddr: p.remoteAddr, localPort: p.remotePort, remoteAddr: p.localAddr, remotePort: p.localPort };
}

/** Runs one handshake between `ue` and `ha`; returns the UE's requests in order (for recording). */
function handshake(ue: IkeInitiator, ha: IkeResponder): Uint8Array[] {
  const requests: Uint8Array[] = [];
  ue.connect(NOW);
  let children = 0;
  for (let guard = 0; guard < 64 && children < 2; guard++) {
    for (let t = ue.pollTransmit(); t; t = ue.pollTransmit()) {
      requests.push(t.bytes);
      ha.handleDatagram(NOW, t.bytes, mirror(t));
    }
    for (let t = ha.pollTransmit(); t; t = ha.pollTransmit()) ue.handleDatagram(NOW, t.bytes, mirror(t));
    for (let e = ue.pollEvent(); e; e = ue.pollEvent()) if (e.kind === 'child-sa-established') children++;
  }
  if (children < 2) throw new Error('ike-handshake bench: handshake did not complete');
  return requests;
}

function drainEvents(ha: IkeResponder): number {
  let children = 0;
  for (let e = ha.pollEvent(); e; e = ha.pollEvent()) if (e.kind === 'child-sa-established') children++;
  return children;
}

const pairHa = new IkeResponder(haBase);

/** A HA whose randomness and EAP challenges repeat exactly, so recorded UE requests stay valid. */
function replayableHa(): IkeResponder {
  return new IkeResponder({
    ...haBase,
    random: seededRandom('bench-ha'),
    eapServer: fakeEapServer({ [NAI]: 'subscriber-secret' }, 1, 'bench'),
  });
}
const recorded = handshake(new IkeInitiator(ueBase), replayableHa());
const AT_HA: IkePath = mirror(ueBase.path);

export const benches: Bench[] = [
  {
    name: 'ike-handshake-pair (fake one-round EAP)',
    unit: 'handshakes/s',
    run: () => {
      const ue = new IkeInitiator(ueBase);
      handshake(ue, pairHa);
      if (drainEvents(pairHa) !== 2) throw new Error('ike-handshake bench: the HA did not complete');
      for (const id of pairHa.sessionIds()) pairHa.removeIkeSa(NOW, id); // keep the table bounded
      drainEvents(pairHa);
    },
  },
  {
    name: 'ike-handshake-ha-share (fake one-round EAP)',
    unit: 'handshakes/s',
    run: () => {
      const ha = replayableHa();
      for (const bytes of recorded) {
        ha.handleDatagram(NOW, bytes, AT_HA);
        while (ha.pollTransmit());
      }
      if (drainEvents(ha) !== 2) throw new Error('ike-handshake bench: replay did not complete');
    },
  },
];
