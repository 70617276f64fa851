import type { AaaConfig } from '../../config/load.ts';
import type { IpPrefixValue } from '../../config/scalars.ts';
import { scrapedCounter } from '../../obs/scraped-metrics.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import type { AaaListener, AaaListenerDeps } from './aaa-server.ts';
import { DiameterServer } from './diameter-server.ts';
import { startRadiusServer } from './radius-server.ts';

export async function startRadiusListener(
  config: NonNullable<AaaConfig['radius']>,
  deps: AaaListenerDeps,
): Promise<AaaListener> {
  const clients = config.clients.map((c) => ({ prefix: c.address, secret: c.secret }));
  const server = await startRadiusServer({
    address: config.listen.address.toString(),
    port: config.listen.port,
    clients: [],
    // RFC 2865 §3: the secret is chosen by the client's source address; a configured prefix covers many HAs.
    clientSecret: (address) => clients.find((c) => inPrefix(address, c.prefix))?.secret,
    eapServerFactory: deps.eapServers,
    onEvent: (e) => {
      if (e.kind === 'dropped') deps.log.warn({ client: e.client, why: e.why }, 'RADIUS request dropped');
    },
  });
  scrapedCounter(deps.registry, 'dsmip_aaa_radius_requests_total', 'Access-Requests answered or dropped.', [], () => [
    [{}, server.counters.requests],
  ]);
  scrapedCounter(deps.registry, 'dsmip_aaa_radius_answers_total', 'RADIUS answers sent, by code.', ['code'], () => [
    [{ code: 'challenge' }, server.counters.challenges],
    [{ code: 'accept' }, server.counters.accepts],
    [{ code: 'reject' }, server.counters.rejects],
  ]);
  scrapedCounter(deps.registry, 'dsmip_aaa_radius_drops_total', 'Access-Requests dropped, by reason.', ['reason'], () =>
    Object.entries(server.counters.drops).map(([reason, n]) => [{ reason }, n]),
  );
  return { description: `udp ${server.address}:${server.port}`, close: () => server.close() };
}

export async function startDiameterListener(
  config: NonNullable<AaaConfig['diameter']>,
  deps: AaaListenerDeps,
): Promise<AaaListener> {
  const server = new DiameterServer({
    originHost: config.originHost,
    originRealm: config.realm,
    host: config.listen.address.toString(),
    port: config.listen.port,
    authenticators: deps.diameterAuthenticators,
  });
  server.onEvent((e) => {
    if (e.kind === 'peer-open') deps.log.info({ peer: e.originHost }, 'Diameter peer open');
    else if (e.kind === 'peer-closed') deps.log.warn({ conn: e.conn, reason: e.reason }, 'Diameter peer closed');
    else if (e.kind === 'auth-failed') deps.log.info({ sessionId: e.sessionId, reason: e.reason }, 'DER rejected');
  });
  const port = await server.listen();
  scrapedCounter(
    deps.registry,
    'dsmip_aaa_diameter_requests_total',
    'Diameter requests received, by command.',
    ['command'],
    () => [
      [{ command: 'der' }, server.counters.der],
      [{ command: 'str' }, server.counters.str],
    ],
  );
  scrapedCounter(deps.registry, 'dsmip_aaa_diameter_answers_total', 'DEAs sent, by outcome.', ['outcome'], () =>
    Object.entries(server.counters.dea).map(([outcome, n]) => [{ outcome }, n]),
  );
  scrapedCounter(
    deps.registry,
    'dsmip_aaa_diameter_drops_total',
    'Diameter messages refused, by reason.',
    ['reason'],
    () => [
      [{ reason: 'malformed' }, server.counters.malformed],
      [{ reason: 'duplicate' }, server.counters.duplicates],
    ],
  );
  return {
    description: `tcp ${config.listen.address.toString()}:${port}`,
    close: () => server.close(),
  };
}

function inPrefix(address: string, p: IpPrefixValue): boolean {
  const a = (p.family === 4 ? Ipv4Address : Ipv6Address).tryParse(address.replace(/^::ffff:/, ''));
  if (!a) return false;
  const want = p.prefix.bytes;
  const got = a.bytes;
  if (got.length !== want.length) return false;
  for (let bit = 0; bit < p.prefixLength; bit++) {
    const mask = 0x80 >> (bit & 7);
    if (((got[bit >> 3] ?? 0) & mask) !== ((want[bit >> 3] ?? 0) & mask)) return false;
  }
  return true;
}
