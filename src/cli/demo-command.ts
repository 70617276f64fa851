import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { type DemoAaa, parseAaaUrl } from '../node/demo/demo-aaa.ts';
import { type DemoNamespacePlan, demoNamespacePlan, runInPrivateNamespace } from '../node/demo/demo-namespace.ts';
import { DemoFailedError, type DemoResult, DemoUnavailableError, runDemo } from '../node/demo/run-demo.ts';
import { renderLadderHtml } from '../obs/ladder/render-html.ts';
import { renderSummaryText } from '../obs/ladder/render-summary.ts';
import { renderLadderText } from '../obs/ladder/render-text.ts';
import type { TraceEntry } from '../obs/ladder/trace.ts';
import { ConfigError } from '../util/errors.ts';
import { EXIT } from './exit-codes.ts';
import { toPlain } from './render.ts';

interface DemoFlags {
  pcap?: string;
  keylog?: string;
  html?: string;
  access: 'ipv4' | 'ipv6';
  aaa?: string;
  nat?: boolean;
  atHome?: boolean;
  json?: boolean;
  /** False with --no-namespace. */
  namespace: boolean;
}

const BIN = new URL('../../bin/dsmip', import.meta.url).pathname;

const HELP_AFTER = `
Runs a DNS server, a home agent (embedded AAA with the TS 35.208 set 1 subscriber, embedded DHCPv6/DHCPv4) and a
UE on loopback over real UDP sockets. The UE finds the HA by DNS, runs IKEv2 with EAP-AKA, registers with an IPv4
home address request, fetches DHCPv6 and DHCPv4 parameters through the tunnel, then deregisters.
Without raw IP sockets the UE asks for UDP encapsulation (F = 1) and the output says why.

As root (raw IP sockets, util-linux unshare, iproute2) the demo runs itself again in a private network namespace
whose lo carries the lab's real addresses, so raw sockets work: without NAT the BA comes in plain IPv4, protocol 41
(F = 0, TS 24.303 §5.1.3.2) and DHCP goes through IPv6-in-IPv4 / IPv4-in-IPv4; --access ipv6 sends the BU with the
Home Address option and gets the BA with a type 2 routing header (RFC 6275 §6.3–§6.4). The host's network is not
touched. --no-namespace keeps the loopback aliases (UDP only) even as root.

Open the capture in Wireshark with the key log:
  WIRESHARK_CONFIG_DIR=DIR wireshark -d udp.port==4191,ip FILE

Exit codes: 0 attached and deregistered, 1 the attach failed, 2 usage error,
4 the access asked for needs raw IP sockets (--access ipv6 without root, or with --no-namespace).`;

/** Terminal width clamped to 100–120 columns; 110 when not a terminal. */
function ladderWidth(): number {
  const cols = process.stdout.columns;
  return cols ? Math.min(120, Math.max(100, cols)) : 110;
}

function ladder(entries: readonly TraceEntry[], columns: readonly string[]): string {
  const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
  return renderLadderText(entries, { columns, width: ladderWidth(), color });
}

function jsonOf(r: DemoResult): string {
  return JSON.stringify({
    network: r.network,
    framings: r.framings,
    columns: r.columns,
    trace: r.entries,
    summary: toPlain(r.summary),
    attach: toPlain(r.attach),
    ikePorts: r.ikePorts,
    deregistered: r.deregistered,
  });
}

/** `dsmip demo`: the whole attach on loopback, as a ladder diagram and a summary (what `npm start` runs). */
export function addDemoCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('demo')
    .description('run an HA, a DNS server and a UE on loopback and show the attach as a ladder diagram')
    .option('--pcap <file>', 'write every packet as it left its socket (outer headers included) to a pcap file')
    .option('--keylog <dir>', 'write Wireshark key files (IKEv2 and ESP) to DIR, for WIRESHARK_CONFIG_DIR')
    .option('--html <file>', 'write the ladder and the summary as a self-contained HTML page')
    .addOption(new Option('--access <family>', 'the UE access network').choices(['ipv4', 'ipv6']).default('ipv4'))
    .option('--nat', 'put a NAT (in process) between the UE and the HA, rewriting address and port')
    .option('--at-home', 'the UE is on its home link: no binding, no tunnel')
    .option('--json', 'print one JSON document (trace and summary) instead of text')
    .option(
      '--aaa <url>',
      'authenticate through an external AAA: radius://SECRET@HOST[:PORT], diameter://HOST[:PORT]/REALM',
    )
    .option('--no-namespace', 'as root too, stay on loopback aliases (no private network namespace, no raw sockets)')
    .addHelpText('after', HELP_AFTER)
    .action(async (flags: DemoFlags) => {
      if (flags.nat && flags.access === 'ipv6') {
        console.error('dsmip demo: --nat is an IPv4 NAT (RFC 5555 §4.2); use it with --access ipv4');
        setExit(EXIT.USAGE);
        return;
      }
      let aaa: DemoAaa | undefined;
      try {
        aaa = flags.aaa === undefined ? undefined : parseAaaUrl(flags.aaa);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        console.error(`dsmip demo: ${e.message}`);
        setExit(EXIT.USAGE);
        return;
      }
      const plan: DemoNamespacePlan = flags.namespace
        ? demoNamespacePlan()
        : { kind: 'aliases', reason: 'the demo runs on loopback address aliases (--no-namespace)' };
      if (plan.kind === 'enter') {
        setExit(await runInPrivateNamespace(BIN, ['demo', ...argsOf(flags)]));
        return;
      }
      let r: DemoResult;
      try {
        r = await runDemo({
          access: flags.access,
          nat: flags.nat === true,
          atHome: flags.atHome === true,
          ...(aaa ? { aaa } : {}),
          ...(flags.pcap ? { pcap: flags.pcap } : {}),
          ...(flags.keylog ? { keylogDir: flags.keylog } : {}),
          ...(plan.kind === 'inside' ? { network: 'namespace' } : { aliasesReason: plan.reason }),
        });
      } catch (e) {
        if (e instanceof DemoUnavailableError) {
          console.error(`dsmip demo: ${e.message}`);
          setExit(EXIT.RAW_SOCKETS);
          return;
        }
        if (e instanceof DemoFailedError) {
          if (!flags.json) process.stdout.write(ladder(e.entries, e.columns));
          console.error(`dsmip demo: the attach failed: ${e.message}`);
          setExit(EXIT.FAILED);
          return;
        }
        console.error(`dsmip demo: ${e instanceof Error ? e.message : String(e)}`);
        setExit(EXIT.FAILED);
        return;
      }
      if (flags.html) {
        const title = `dsmip demo${flags.nat ? ' --nat' : ''}${flags.atHome ? ' --at-home' : ''}: DSMIPv6 attach`;
        writeFileSync(flags.html, renderLadderHtml(r.entries, { title, columns: r.columns, summary: r.summary }));
      }
      if (flags.json) {
        console.log(jsonOf(r));
        return;
      }
      process.stdout.write(`${ladder(r.entries, r.columns)}\n${renderSummaryText(r.summary)}`);
      if (flags.pcap) console.log(`\nCapture: ${flags.pcap}${flags.keylog ? `, key log: ${flags.keylog}` : ''}`);
    });
}

/** The same demo's arguments, for the run in the namespace. */
function argsOf(f: DemoFlags): string[] {
  return [
    ...['--access', f.access],
    ...(f.nat ? ['--nat'] : []),
    ...(f.atHome ? ['--at-home'] : []),
    ...(f.json ? ['--json'] : []),
    ...(f.aaa ? ['--aaa', f.aaa] : []),
    ...(f.pcap ? ['--pcap', f.pcap] : []),
    ...(f.keylog ? ['--keylog', f.keylog] : []),
    ...(f.html ? ['--html', f.html] : []),
  ];
}
