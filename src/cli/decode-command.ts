import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { readCapture } from '../obs/capture.ts';
import { KeyFileError, loadKeyLog } from '../obs/decrypt/index.ts';
import { LINKTYPE_RAW } from '../obs/pcap.ts';
import { isWireError } from '../util/errors.ts';
import { fromHex } from '../util/hex.ts';
import { type Decryptor, type Dissection, dissect, START_LAYERS, type StartLayer } from '../wire/dissect/index.ts';
import { EXIT } from './exit-codes.ts';
import { renderTree, toPlain } from './render.ts';

interface DecodeOptions {
  hex?: string[];
  layer: StartLayer;
  json?: boolean;
  keylog?: string;
}

/** `dsmip decode`: a capture file or hex packets into a readable tree or JSON lines. */
export function addDecodeCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('decode')
    .description('decode a pcap/pcapng capture, or hex packets, into a tree (or JSON with --json)')
    .argument('[file]', 'capture file (pcap or pcapng; link types raw IP, Ethernet, Linux cooked, loopback)')
    .option('--hex <hex...>', 'one or more packets as hex (white space and colons ignored); "-" reads lines from stdin')
    .addOption(
      new Option('--layer <layer>', 'what each --hex packet starts with').choices([...START_LAYERS]).default('ip'),
    )
    .option('--json', 'print one JSON object per packet instead of a tree')
    .option(
      '--keylog <dir>',
      'decrypt IKEv2 SK payloads and ESP with the Wireshark key files in DIR (esp_sa, ikev2_decryption_table)',
    )
    .addHelpText(
      'after',
      '\nUDP port 4191 is decoded as RFC 5555 DSMIPv6 encapsulation (inner IPv4 or IPv6 by version nibble).\n' +
        'With --keylog (as written by `dsmip demo --keylog DIR` or Wireshark), each SK payload and ESP packet gets a\n' +
        '"decryption" node (decrypted, integrity check failed, no key, algorithm not supported) and what it held\n' +
        'is decoded below it; offsets there are within the decrypted bytes.\n' +
        'Exit codes: 0 all packets decoded, 1 unreadable input, 2 usage error or invalid key file,\n' +
        '3 some packet (or decrypted content) was malformed.',
    )
    .action((file: string | undefined, opts: DecodeOptions) => {
      const decryptor = opts.keylog === undefined ? undefined : loadDecryptor(opts.keylog, setExit);
      if (decryptor === null) return;
      const packets = collectPackets(file, opts, setExit);
      if (!packets) return;
      const options = decryptor ? { decryptor } : {};
      packets.forEach((p, i) => {
        const d = dissect(p.data, p.start, p.linkType, options);
        if (hasError(d)) setExit(EXIT.MALFORMED);
        print(i + 1, p, d, opts.json === true);
      });
    });
}

/** The key log's decryptor, or null (after reporting it) when a key file is missing or invalid. */
function loadDecryptor(dir: string, setExit: (c: number) => void): Decryptor | null {
  try {
    return loadKeyLog(dir);
  } catch (e) {
    if (!(e instanceof KeyFileError)) throw e;
    console.error(`dsmip decode: --keylog: ${e.message}`);
    setExit(EXIT.USAGE);
    return null;
  }
}

/** A malformed layer anywhere, decrypted contents included. */
function hasError(d: Dissection): boolean {
  return d.error !== undefined || d.layers.some((l) => l.decrypted !== undefined && hasError(l.decrypted));
}

interface InputPacket {
  data: Uint8Array;
  start: StartLayer;
  linkType: number;
  timestampUs?: number;
}

function collectPackets(
  file: string | undefined,
  opts: DecodeOptions,
  setExit: (c: number) => void,
): InputPacket[] | undefined {
  if (!file && !opts.hex) {
    console.error('dsmip decode: give a capture file or --hex <packet...>');
    setExit(2);
    return undefined;
  }
  try {
    const out: InputPacket[] = [];
    if (file) {
      const cap = readCapture(new Uint8Array(file === '-' ? readFileSync(0) : readFileSync(file)));
      for (const r of cap.records)
        out.push({ data: r.data, start: 'link', linkType: cap.linkType, timestampUs: r.timestampUs });
    }
    const hexes = opts.hex?.flatMap((h) => (h === '-' ? readFileSync(0, 'utf8').split('\n') : [h])) ?? [];
    for (const h of hexes.filter((x) => x.trim() !== ''))
      out.push({ data: fromHex(h), start: opts.layer, linkType: LINKTYPE_RAW });
    return out;
  } catch (e) {
    const msg = isWireError(e)
      ? e.message
      : (e as NodeJS.ErrnoException).code === 'ENOENT'
        ? `no such file: ${file}`
        : String(e);
    console.error(`dsmip decode: ${msg}`);
    setExit(1);
    return undefined;
  }
}

interface PrintedLayer {
  layer: string;
  offset: number;
  length: number;
  fields: unknown;
  decrypted?: PrintedDissection;
}

interface PrintedDissection {
  layers: PrintedLayer[];
  error?: { code: string; layer: string; offset: number; message: string };
}

function printable(d: Dissection): PrintedDissection {
  const layers = d.layers.map((l): PrintedLayer => {
    const out: PrintedLayer = { layer: l.layer, offset: l.offset, length: l.length, fields: toPlain(l.fields) };
    if (l.decrypted) out.decrypted = printable(l.decrypted);
    return out;
  });
  if (!d.error) return { layers };
  const { code, layer, offset, message } = d.error;
  return { layers, error: { code, layer, offset, message } };
}

function print(n: number, p: InputPacket, d: Dissection, json: boolean): void {
  const { layers, error } = printable(d);
  if (json) {
    console.log(JSON.stringify({ packet: n, length: p.data.length, timestampUs: p.timestampUs, layers, error }));
    return;
  }
  console.log(`packet ${n}: ${p.data.length} bytes`);
  printTree({ layers, ...(error ? { error } : {}) }, '  ');
}

function printTree(d: PrintedDissection, pad: string): void {
  for (const l of d.layers) {
    console.log(`${pad}${l.layer} [${l.offset}..${l.offset + l.length})`);
    for (const line of renderTree(l.fields)) console.log(`${pad}  ${line}`);
    if (l.decrypted) {
      console.log(`${pad}  decrypted (offsets within the plaintext):`);
      printTree(l.decrypted, `${pad}    `);
    }
  }
  const e = d.error;
  if (e) console.log(`${pad}! ${e.layer}: ${e.code} at offset ${e.offset}: ${e.message}`);
}
