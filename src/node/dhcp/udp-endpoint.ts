/**
 * A UDP socket as a child program, so a test can own a socket inside a network namespace (`ip netns exec` runs a
 * program there; a Node process cannot move its own sockets). Line-oriented JSON on stdio:
 *   argv[2]: {"type":"udp6"|"udp4","address":"::","port":546}
 *   stdout:  {"ready":{"address":"::","port":546}}, then {"recv":"<hex>","address":"fe80::1%veth0","port":547} per datagram
 *   stdin:   {"send":"<hex>","address":"ff02::1:2%veth0","port":547} per datagram to send
 * It exits when stdin closes, so it never outlives its parent's pipe.
 */
import { createSocket, type SocketType } from 'node:dgram';
import { createInterface } from 'node:readline';

interface Options {
  readonly type: SocketType;
  readonly address: string;
  readonly port: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as Options;
const socket = createSocket({ type: options.type, reuseAddr: true });
const say = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

socket.on('error', (e) => {
  say({ error: String(e) });
  process.exit(1);
});
socket.on('message', (msg, rinfo) => say({ recv: msg.toString('hex'), address: rinfo.address, port: rinfo.port }));
socket.bind(options.port, options.address, () => {
  const a = socket.address();
  say({ ready: { address: a.address, port: a.port } });
});

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const m = JSON.parse(line) as { send: string; address: string; port: number };
  socket.send(Buffer.from(m.send, 'hex'), m.port, m.address, (e) => {
    if (e) say({ error: String(e) });
  });
});
lines.on('close', () => {
  socket.close();
  process.exit(0);
});
