import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { readCapture } from '../obs/capture.ts';
import { LINKTYPE_RAW } from '../obs/pcap.ts';
import { isWireError } from '../util/errors.ts';
import { fromHex } from '../util/hex.ts';
import { type Dissection, dissect, START_LAYERS, type StartLayer } from '../wire/dissect/index.ts';
import { renderTree, toPlain } from './render.ts';

interface DecodeOptions {
  hex?: string[];
  layer: StartLayer;
  json?: boolean;
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
    .addHelpText(
      'after',
      '\nUDP port 4191 is decoded as RFC 5555 DSMIPv6 encapsulation (inner IPv4 or IPv6 by version nibble).\n' +
        'Exit codes: 0 all packets decoded, 1 unreadable input, 2 usage error, 3 some packet was malformed.',
    )
    .action((file: string | undefined, opts: DecodeOptions) => {
      const packets = collectPackets(file, opts, setExit);
      if (!packets) return;
      packets.forEach((p, i) => {
        const d = dissect(p.data, p.start, p.linkType);
        if (d.error) setExit(3);
        print(i + 1, p, d, opts.json === true);
      });
    });
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

function print(n: number, p: InputPacket, d: Dissection, json: boolean): void {
  const layers = d.layers.map((l) => ({
    layer: l.layer,
    offset: l.offset,
    length: l.length,
    fields: toPlain(l.fields),
  }));
  const error = d.error && {
    code: d.error.code,
    layer: d.error.layer,
    offset: d.error.offset,
    message: d.error.message,
  };
  if (json) {
    console.log(JSON.stringify({ packet: n, length: p.data.length, timestampUs: p.timestampUs, layers, error }));
    return;
  }
  console.log(`packet ${n}: ${p.data.length} bytes`);
  for (const l of layers) {
    console.log(`  ${l.layer} [${l.offset}..${l.offset + l.length})`);
    for (const line of renderTree(l.fields)) console.log(`    ${line}`);
  }
  if (error) console.log(`  ! ${error.layer}: ${error.code} at offset ${error.offset}: ${error.message}`);
}
