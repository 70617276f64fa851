/**
 * A cookie-echoing IKE_SA_INIT flooder (test tool, not product code): from `--ports` UDP sockets of one address it
 * sends `--count` IKE_SA_INITs (fresh SPI, nonce and X25519 key share each, RFC 7296 §1.2) at `--rate` a second,
 * answers every N(COOKIE) at once with the same request and the cookie first (§2.6), and never sends IKE_AUTH: each
 * accepted request leaves a half-open SA at the responder. Run as a child process (`node --import tsx`) inside a
 * lab namespace; prints one JSON summary line on standard output and exits.
 *
 *   ike-flooder.ts --from 198.51.100.254 --to 198.51.100.1 --port 500 --count 20000 --ports 512 --rate 2000
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { parseArgs } from 'node:util';
import { DEFAULT_IKE_PROPOSALS } from '../../../src/ike/config.ts';
import { notify } from '../../../src/ike/payloads.ts';
import { buildIkeProposals } from '../../../src/ike/proposal.ts';
import { toHex } from '../../../src/util/hex.ts';
import { DhGroup, ExchangeType, NotifyType } from '../../../src/wire/ike/constants.ts';
import { decodeIkeMessage, encodeIkeMessage } from '../../../src/wire/ike/message.ts';
import type { IkePayload } from '../../../src/wire/ike/payload.ts';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    port: { type: 'string', default: '500' },
    count: { type: 'string', default: '20000' },
    ports: { type: 'string', default: '512' },
    rate: { type: 'string', default: '2000' },
    /** How long to keep answering cookies after the last request. */
    linger: { type: 'string', default: '1000' },
  },
});
const to = values.to ?? '';
const port = Number(values.port);
const count = Number(values.count);
const rate = Number(values.rate);

const proposals = buildIkeProposals(DEFAULT_IKE_PROPOSALS, new Uint8Array(0));
const requests = new Map<string, IkePayload[]>();
const stats = { sent: 0, cookieEchoes: 0, cookiesReceived: 0, accepted: 0, otherAnswers: 0, sendErrors: 0 };

function initRequest(spiI: Uint8Array, payloads: readonly IkePayload[]): Uint8Array {
  return encodeIkeMessage({
    header: {
      initiatorSpi: spiI,
      responderSpi: new Uint8Array(8),
      majorVersion: 2,
      minorVersion: 0,
      exchangeType: ExchangeType.IKE_SA_INIT,
      response: false,
      higherVersion: false,
      initiator: true,
      messageId: 0,
    },
    payloads,
  });
}

function send(socket: Socket, bytes: Uint8Array): void {
  socket.send(bytes, port, to, (e) => {
    if (e) stats.sendErrors++;
  });
}

function onAnswer(socket: Socket, bytes: Buffer): void {
  let m: ReturnType<typeof decodeIkeMessage>;
  try {
    m = decodeIkeMessage(new Uint8Array(bytes));
  } catch {
    stats.otherAnswers++;
    return;
  }
  const first = m.payloads[0];
  const spi = m.header.initiatorSpi;
  if (first?.kind === 'notify' && first.notifyType === NotifyType.COOKIE) {
    stats.cookiesReceived++;
    const payloads = requests.get(toHex(spi));
    if (!payloads) return;
    stats.cookieEchoes++;
    send(socket, initRequest(spi, [notify(NotifyType.COOKIE, first.data), ...payloads]));
  } else if (m.payloads.some((p) => p.kind === 'sa')) {
    stats.accepted++; // a half-open SA at the responder
    requests.delete(toHex(spi));
  } else stats.otherAnswers++;
}

async function main(): Promise<void> {
  const sockets: Socket[] = [];
  for (let i = 0; i < Number(values.ports); i++) {
    const s = createSocket('udp4');
    s.on('message', (b) => onAnswer(s, b));
    s.on('error', () => stats.sendErrors++);
    await new Promise<void>((resolve) => s.bind(0, values.from, resolve));
    sockets.push(s);
  }
  const started = performance.now();
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  while (stats.sent < count) {
    for (let k = 0; k < perTick && stats.sent < count; k++) {
      const spi = randomBytes(8);
      const payloads: IkePayload[] = [
        { kind: 'sa', proposals },
        { kind: 'ke', dhGroup: DhGroup.CURVE25519, data: randomBytes(32) },
        { kind: 'nonce', data: randomBytes(32) },
      ];
      requests.set(toHex(spi), payloads);
      send(sockets[stats.sent % sockets.length]!, initRequest(spi, payloads));
      stats.sent++;
    }
    const due = started + (stats.sent / rate) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  }
  await new Promise((r) => setTimeout(r, Number(values.linger)));
  const elapsedMs = Math.round(performance.now() - started);
  for (const s of sockets) s.close();
  process.stdout.write(`${JSON.stringify({ ...stats, elapsedMs })}\n`);
}

void main();
