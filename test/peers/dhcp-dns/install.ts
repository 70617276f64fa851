/** Runs scripts/peers/install-dhcp-dns.sh once per process (it installs what is missing as root, else names it). */
import { spawnSync } from 'node:child_process';

export const INSTALL_SCRIPT = new URL('../../../scripts/peers/install-dhcp-dns.sh', import.meta.url).pathname;

let ready = false;

export function ensureDhcpDnsPeers(): void {
  if (ready) return;
  const r = spawnSync('bash', [INSTALL_SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0)
    throw new Error(`scripts/peers/install-dhcp-dns.sh failed (exit ${r.status}):\n${r.stderr.trim()}`);
  if (r.stderr.trim() !== '') process.stderr.write(r.stderr);
  ready = true;
}
