/**
 * A 3GPP AAA server's Diameter side over TCP for `dsmip aaa`: accepts connections (CER/CEA, DWR, DPR) and answers
 * DER/DEA for S6b and SWm with EAP-AKA over the subscriber store (src/aaa/diameter/eap-server-app.ts). `abort`
 * sends ASR for a user's sessions, to test the HA's detach path.
 */
import { createServer, type Server, type Socket } from 'node:net';
import {
  type EapAuthenticatorFactory,
  EapServerApp,
  SERVED_APPLICATIONS,
  type ServerEvent,
} from '../../aaa/diameter/index.ts';
import type { SubscriberStore } from '../../eap/index.ts';
import { VENDOR_3GPP } from '../../wire/diameter/index.ts';
import { DeadlineTimer, defaultRandomU32, localIdentity } from './diameter-common.ts';
import { eapAkaAuthenticatorFactory } from './diameter-eap-aka.ts';

export interface DiameterServerOptions {
  readonly originHost: string;
  readonly originRealm: string;
  /** Where to listen (default 127.0.0.1, port 3868; 0 = any free port). */
  readonly host?: string;
  readonly port?: number;
  /** The subscribers for the embedded EAP-AKA method; or a whole authenticator factory. */
  readonly store?: SubscriberStore;
  readonly authenticators?: EapAuthenticatorFactory;
  readonly twMs?: number;
  readonly hostIpAddresses?: readonly string[];
  readonly clock?: () => number;
  /** Random bytes for EAP-AKA RANDs (default crypto.randomBytes). */
  readonly randomBytes?: (n: number) => Uint8Array;
}

export class DiameterServer {
  readonly app: EapServerApp;
  private readonly server: Server;
  private readonly sockets = new Map<number, Socket>();
  private readonly listeners: ((e: ServerEvent) => void)[] = [];
  private readonly clock: () => number;
  private readonly timer: DeadlineTimer;

  constructor(private readonly o: DiameterServerOptions) {
    this.clock = o.clock ?? Date.now;
    const authenticators =
      o.authenticators ?? (o.store ? eapAkaAuthenticatorFactory(o.store, o.randomBytes) : undefined);
    if (!authenticators) throw new RangeError('DiameterServer needs a subscriber store or an authenticator factory');
    const local = localIdentity({
      ...o,
      productName: 'dsmip-aaa',
      authApplications: SERVED_APPLICATIONS.map((applicationId) =>
        applicationId === 5 ? { applicationId } : { applicationId, vendorId: VENDOR_3GPP },
      ),
      clock: this.clock,
    });
    this.app = new EapServerApp(
      { local, authenticators, random: defaultRandomU32, ...(o.twMs !== undefined ? { twMs: o.twMs } : {}) },
      this.clock(),
    );
    this.timer = new DeadlineTimer(this.clock, (now) => {
      this.app.handleTimeout(now);
      this.flush();
    });
    this.server = createServer((s) => this.accept(s));
  }

  get counters() {
    return this.app.counters;
  }

  /** Listens; resolves with the bound port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.port ?? 3868, this.o.host ?? '127.0.0.1', () => {
        const addr = this.server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : 0);
      });
    });
  }

  onEvent(listener: (e: ServerEvent) => void): void {
    this.listeners.push(listener);
  }

  /** ASR for every session of `userName` (the NAI the HA sent as User-Name); returns how many were sent. */
  abort(userName: string): number {
    let n = 0;
    for (const sid of this.app.sessionsOf(userName)) if (this.app.abortSession(this.clock(), sid)) n++;
    this.flush();
    return n;
  }

  async close(): Promise<void> {
    this.app.disconnectAll(this.clock());
    this.flush();
    await new Promise<void>((resolve) => setTimeout(resolve, 50).unref());
    for (const s of this.sockets.values()) s.destroy();
    this.timer.stop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(s: Socket): void {
    s.setNoDelay(true);
    const id = this.app.accept(this.clock());
    this.sockets.set(id, s);
    s.on('data', (chunk: Buffer) => {
      this.app.bytes(this.clock(), id, chunk);
      this.flush();
    });
    s.on('error', () => {});
    s.on('close', () => {
      this.sockets.delete(id);
      this.app.transportClosed(this.clock(), id);
      this.flush();
    });
    this.flush();
  }

  private flush(): void {
    for (let t = this.app.pollTransmit(); t; t = this.app.pollTransmit()) this.sockets.get(t.conn)?.write(t.bytes);
    for (let c = this.app.pollClose(); c !== undefined; c = this.app.pollClose()) this.sockets.get(c)?.end();
    for (let e = this.app.pollEvent(); e; e = this.app.pollEvent()) for (const l of this.listeners) l(e);
    this.timer.arm(this.app.pollTimeout());
  }
}
