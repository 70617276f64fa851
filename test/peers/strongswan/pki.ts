/**
 * A throw-away test PKI for the strongSwan peers, made with strongSwan's own `pki` tool (strongswan-pki):
 * an ECDSA P-256 root CA and an ECDSA P-256 HA certificate whose subjectAltNames are the HA's identities
 * (RFC 7296 §3.5: the IDr must be vouched for by the certificate), with serverAuth and ikeIntermediate.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestPki {
  readonly caCertPem: string;
  readonly caKeyPem: string;
  readonly haCertPem: string;
  readonly haKeyPem: string;
  /** The subjectAltNames (dNSName) of the HA certificate. */
  readonly haIdentities: readonly string[];
}

function pki(args: string[], out: string): void {
  const r = spawnSync('pki', [...args, '--outform', 'pem'], { encoding: 'latin1', maxBuffer: 1 << 20 });
  if (r.status !== 0 || r.stdout.length === 0) {
    throw new Error(`pki ${args.slice(0, 2).join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  }
  writeFileSync(out, r.stdout, { encoding: 'latin1', mode: 0o600 });
}

/** Creates the PKI in `dir` (ca.pem, ca.key, ha.pem, ha.key) and returns it. About 0.1 s. */
export function makeTestPki(dir: string, haIdentities: readonly string[]): TestPki {
  if (haIdentities.length === 0) throw new RangeError('the HA needs at least one identity');
  mkdirSync(dir, { recursive: true });
  const file = (name: string): string => join(dir, name);
  pki(['--gen', '--type', 'ecdsa', '--size', '256'], file('ca.key'));
  pki(
    [
      '--self',
      '--ca',
      '--lifetime',
      '3650',
      '--in',
      file('ca.key'),
      '--type',
      'ecdsa',
      '--dn',
      'O=dsmip test, CN=dsmip strongSwan test CA',
    ],
    file('ca.pem'),
  );
  pki(['--gen', '--type', 'ecdsa', '--size', '256'], file('ha.key'));
  pki(
    [
      '--issue',
      '--cacert',
      file('ca.pem'),
      '--cakey',
      file('ca.key'),
      '--type',
      'priv',
      '--in',
      file('ha.key'),
      '--dn',
      `O=dsmip test, CN=${haIdentities[0]}`,
      ...haIdentities.flatMap((id) => ['--san', id]),
      '--flag',
      'serverAuth',
      '--flag',
      'ikeIntermediate',
      '--lifetime',
      '365',
    ],
    file('ha.pem'),
  );
  const read = (name: string): string => readFileSync(file(name), 'utf8');
  return {
    caCertPem: read('ca.pem'),
    caKeyPem: read('ca.key'),
    haCertPem: read('ha.pem'),
    haKeyPem: read('ha.key'),
    haIdentities,
  };
}
