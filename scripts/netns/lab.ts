/**
 * The end-to-end lab of test/e2e/netns by hand: builds the namespaces (UE, gateway or NAT, HA, correspondent node),
 * writes ha.yaml and ue.yaml, starts dnsmasq for the HA-APN, prints the commands that run the nodes, the capture
 * and its decode, and tears everything down on Ctrl-C or SIGTERM. Needs root.
 *
 *   node --import tsx scripts/netns/lab.ts [ipv4-nat | ipv4 | ipv6]     (default ipv4-nat)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLabDns, ueKeyDir, writeHaConfig, writeUeConfig } from '../../test/e2e/netns/lab-files.ts';
import { type AccessKind, buildLab } from '../../test/e2e/netns/topology.ts';

const ACCESS_KINDS: readonly AccessKind[] = ['ipv4-nat', 'ipv4', 'ipv6'];
const access = (process.argv[2] ?? 'ipv4-nat') as AccessKind;
if (!ACCESS_KINDS.includes(access)) {
  console.error(`usage: lab.ts [${ACCESS_KINDS.join(' | ')}]`);
  process.exit(2);
}

// Installed before the lab so they are the ones that run (topology.ts adds its own only when none exist).
let down: () => Promise<void> = async () => process.exit(0);
process.once('SIGINT', () => void down());
process.once('SIGTERM', () => void down());

const dir = mkdtempSync(join(tmpdir(), 'dsmip-lab-'));
const lab = buildLab(access, 'lab');
const dns = await startLabDns(lab, dir);
down = async () => {
  await dns.stop();
  lab.dispose();
  process.exit(0);
};
const dsmip = new URL('../../bin/dsmip', import.meta.url).pathname;
const haYaml = writeHaConfig(lab, dir);
const ueYaml = writeUeConfig(lab, dir, { lifetime: '60s', refreshMargin: '20%' });
const pcap = join(dir, 'ha-wan.pcap');

console.log(`lab (${access}) up; files in ${dir}
  namespaces: UE ${lab.ns.ue}, gateway ${lab.ns.gw}, HA ${lab.ns.ha}, CN ${lab.ns.cn}
  capture:    ip netns exec ${lab.ns.ha} dumpcap -i ${lab.haWanInterface} -w ${pcap}
  HA:         ip netns exec ${lab.ns.ha} ${dsmip} ha --config ${haYaml}
  UE:         ip netns exec ${lab.ns.ue} ${dsmip} ue --config ${ueYaml}
  decode:     WIRESHARK_CONFIG_DIR=${ueKeyDir(dir)} tshark -r ${pcap} -d udp.port==4191,ip
Ctrl-C deletes the namespaces and stops dnsmasq (the files stay).`);

setInterval(() => undefined, 1 << 30); // stay up until a signal
