/**
 * Test support: the HA's Diameter EAP client and AAA servers joined by simulated connections in virtual time
 * (no sockets). Messages can be dropped per direction and recorded for assertions.
 */
import { type DiameterMessage, decodeDiameter } from '../../wire/diameter/index.ts';
import type { LocalIdentity } from './base-messages.ts';
import { DiameterEapClient, type EapClientEvent, type EapClientOptions } from './eap-client.ts';
import { type EapAuthenticatorFactory, EapServerApp, SERVED_APPLICATIONS, type ServerEvent } from './eap-server-app.ts';

export function counterRandom(seed = 1): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

export const HA_IDENTITY: LocalIdentity = {
  originHost: 'pgw.epc.example',
  originRealm: 'epc.example',
  hostIpAddresses: [{ family: 1, address: Uint8Array.of(127, 0, 0, 1) }],
  vendorId: 0,
  productName: 'dsmip',
  originStateId: 1,
  authApplications: [{ applicationId: 16777272, vendorId: 10415 }],
};

export function aaaIdentity(n: number): LocalIdentity {
  return {
    originHost: `aaa${n}.aaa.example`,
    originRealm: 'aaa.example',
    hostIpAddresses: [{ family: 1, address: Uint8Array.of(127, 0, 0, 2) }],
    vendorId: 0,
    productName: 'dsmip-aaa',
    originStateId: 1,
    authApplications: SERVED_APPLICATIONS.map((applicationId) =>
      applicationId === 5 ? { applicationId } : { applicationId, vendorId: 10415 },
    ),
  };
}

export class TestLink {
  now = 1_000_000;
  readonly client: DiameterEapClient;
  readonly servers: EapServerApp[];
  /** Server connection id of each client peer index (undefined = transport down). */
  private readonly serverConn: (number | undefined)[];
  /** Directions that lose everything: `up[i]` = client → server i, `down[i]` = server i → client. */
  readonly dropUp: boolean[];
  readonly dropDown: boolean[];
  readonly sent: { dir: 'up' | 'down'; peer: number; message: DiameterMessage }[] = [];
  readonly clientEvents: EapClientEvent[] = [];
  readonly serverEvents: ServerEvent[][];

  constructor(
    factory: EapAuthenticatorFactory,
    servers = 1,
    clientOptions: Partial<EapClientOptions> = {},
    serverLocal: (n: number) => LocalIdentity = aaaIdentity,
  ) {
    const random = counterRandom(7);
    this.servers = Array.from(
      { length: servers },
      (_, i) =>
        new EapServerApp({ local: serverLocal(i + 1), authenticators: factory, random, twMs: 30_000 }, this.now),
    );
    this.client = new DiameterEapClient(
      {
        local: HA_IDENTITY,
        destinationRealm: 'aaa.example',
        peers: this.servers.map(() => ({ realms: ['aaa.example'] })),
        random,
        twMs: 30_000,
        requestTimeoutMs: 100_000,
        ...clientOptions,
      },
      this.now,
    );
    this.serverConn = this.servers.map(() => undefined);
    this.dropUp = this.servers.map(() => false);
    this.dropDown = this.servers.map(() => false);
    this.serverEvents = this.servers.map(() => []);
  }

  connect(peer: number): void {
    this.serverConn[peer] = this.servers[peer]!.accept(this.now);
    this.client.router.transportUp(this.now, peer);
    this.run();
  }

  /** Moves every pending byte and event until nothing moves. */
  run(): void {
    for (let round = 0; round < 1000; round++) {
      let moved = false;
      this.client.pump(this.now);
      for (let t = this.client.router.pollTransmit(); t; t = this.client.router.pollTransmit()) {
        moved = true;
        const conn = this.serverConn[t.peer];
        this.sent.push({ dir: 'up', peer: t.peer, message: decodeDiameter(t.bytes) });
        if (conn !== undefined && !this.dropUp[t.peer]) this.servers[t.peer]!.bytes(this.now, conn, t.bytes);
      }
      for (const [i, s] of this.servers.entries()) {
        for (let t = s.pollTransmit(); t; t = s.pollTransmit()) {
          moved = true;
          this.sent.push({ dir: 'down', peer: i, message: decodeDiameter(t.bytes) });
          if (!this.dropDown[i]) this.client.bytes(this.now, i, t.bytes);
        }
        for (let e = s.pollEvent(); e; e = s.pollEvent()) this.serverEvents[i]!.push(e);
      }
      this.client.pump(this.now);
      for (let e = this.client.pollEvent(); e; e = this.client.pollEvent()) {
        moved = true;
        this.clientEvents.push(e);
      }
      if (!moved) return;
    }
    throw new Error('TestLink did not settle in 1000 rounds');
  }

  /** Advances virtual time to `t`, firing every deadline on the way. */
  advanceTo(t: number): void {
    for (let i = 0; i < 10_000; i++) {
      const next = Math.min(
        this.client.router.pollTimeout() ?? Number.POSITIVE_INFINITY,
        ...this.servers.map((s) => s.pollTimeout() ?? Number.POSITIVE_INFINITY),
      );
      if (next > t) break;
      this.now = Math.max(this.now, next);
      this.client.handleTimeout(this.now);
      for (const s of this.servers) s.handleTimeout(this.now);
      this.run();
    }
    this.now = t;
    this.run();
  }

  /** The outcome of the client's exchange `token`, once it came. */
  outcomeOf(token: number) {
    for (const e of this.clientEvents) if (e.kind === 'result' && e.token === token) return e.outcome;
    return undefined;
  }
}
