/**
 * Validation of engine configuration at the edge (STYLE.md "config at the edge"): a bad value is a ConfigError
 * naming its key path when an endpoint is built, never a failure in the middle of an exchange.
 */
import { dhGroup } from '../crypto/dh.ts';
import { encrTransform, integTransform, prfTransform } from '../crypto/transforms.ts';
import { ConfigError } from '../util/errors.ts';
import type { EspProposalConfig, IkeProposalConfig } from './config.ts';
import { isAead } from './proposal.ts';

function supported(path: string, f: () => unknown): void {
  try {
    f();
  } catch (e) {
    throw new ConfigError('INVALID', path, e instanceof Error ? e.message : String(e));
  }
}

/** Runs `check` for every item, each with its indexed key path. */
function each<T>(path: string, list: readonly T[], check: (item: T) => unknown): void {
  list.forEach((item, i) => {
    supported(`${path}[${i}]`, () => check(item));
  });
}

function nonEmpty(path: string, list: readonly unknown[]): void {
  if (list.length === 0) throw new ConfigError('MISSING', path, 'must list at least one value');
}

function checkEncrInteg(path: string, p: { encr: IkeProposalConfig['encr']; integ: readonly number[] }): void {
  nonEmpty(`${path}.encr`, p.encr);
  each(`${path}.encr`, p.encr, (e) => encrTransform(e.id, e.keyLengthBits));
  each(`${path}.integ`, p.integ, (id) => integTransform(id));
  // A cipher without integrity of its own needs an INTEG transform (RFC 7296 §3.3.3; AEAD: RFC 5282 §8).
  if (p.encr.some((e) => !isAead(e.id)) && p.integ.length === 0) {
    throw new ConfigError('MISSING', `${path}.integ`, 'a non-AEAD cipher needs an integrity algorithm');
  }
}

export function checkIkeProposals(list: readonly IkeProposalConfig[], path = 'ike.proposals'): void {
  nonEmpty(path, list);
  list.forEach((p, i) => {
    const at = `${path}[${i}]`;
    checkEncrInteg(at, p);
    nonEmpty(`${at}.prf`, p.prf);
    each(`${at}.prf`, p.prf, (id) => prfTransform(id));
    // The IKE SA always runs a Diffie-Hellman exchange (RFC 7296 §1.2, §2.18).
    nonEmpty(`${at}.dh`, p.dh);
    each(`${at}.dh`, p.dh, (id) => dhGroup(id));
  });
}

export function checkEspProposals(list: readonly EspProposalConfig[], path = 'esp.proposals'): void {
  nonEmpty(path, list);
  list.forEach((p, i) => {
    const at = `${path}[${i}]`;
    checkEncrInteg(at, p);
    each(`${at}.dh`, p.dh, (id) => dhGroup(id));
    nonEmpty(`${at}.esn`, p.esn);
  });
}
