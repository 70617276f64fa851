/**
 * The UE's view of the Home Agent's certificate (RFC 7296 §3.6, TS 24.303 §5.1.2.2: the HA authenticates with a
 * certificate): the CERT chain must lead to a configured CA by issuer name and signature, every certificate on the
 * path must be valid at the injected `now`, and the end-entity certificate must name the configured HA identity
 * (subjectAltName dNSName, or the subject CN when there is no dNSName: Node's `checkHost` default, RFC 6125).
 *
 * Parsing an X.509 certificate costs about 160 µs and a chain signature check about 90 µs, so parsed certificates
 * and verified chains are cached by their DER bytes; only the cheap time and name checks run per attach.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { concatBytes } from '../util/hex.ts';
import { type AuthKey, describeKey } from './signature.ts';

interface ParsedCertificate {
  readonly cert: X509Certificate;
  readonly key: AuthKey;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
}

export type ChainCheck =
  | { readonly ok: true; readonly key: AuthKey }
  | {
      readonly ok: false;
      readonly reason: 'unparsable' | 'untrusted' | 'expired' | 'not-yet-valid' | 'wrong-identity';
    };

const MAX_CHAIN_DEPTH = 4;

function parse(cert: X509Certificate): ParsedCertificate {
  return {
    cert,
    key: describeKey(cert.publicKey),
    notBeforeMs: Date.parse(cert.validFrom),
    notAfterMs: Date.parse(cert.validTo),
  };
}

function bytesKey(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
}

export class TrustStore {
  private readonly anchors: readonly ParsedCertificate[];
  /** CERTREQ data for X.509 (encoding 4): SHA-1 of each CA's SubjectPublicKeyInfo, concatenated (RFC 7296 §3.7). */
  readonly certReqData: Uint8Array;
  private readonly parsed = new Map<string, ParsedCertificate | null>();
  /** Verified certification paths: joined DER → the path's certificates (anchor last). */
  private readonly paths = new Map<string, readonly ParsedCertificate[] | null>();
  /** How often the slow work ran: X.509 parses and certification path builds (signature checks). */
  readonly work = { parsed: 0, pathsBuilt: 0 };

  constructor(
    caCertificates: readonly X509Certificate[],
    private readonly cacheLimit = 256,
  ) {
    if (caCertificates.length === 0) throw new RangeError('a trust store needs at least one CA certificate');
    this.anchors = caCertificates.map(parse);
    this.certReqData = concatBytes(
      caCertificates.map((c) => {
        const spki = c.publicKey.export({ type: 'spki', format: 'der' });
        return new Uint8Array(createHash('sha1').update(spki).digest());
      }),
    );
  }

  private parseDer(der: Uint8Array): ParsedCertificate | undefined {
    const key = bytesKey(der);
    const hit = this.parsed.get(key);
    if (hit !== undefined) return hit ?? undefined;
    let value: ParsedCertificate | null;
    this.work.parsed++;
    try {
      value = parse(new X509Certificate(der));
    } catch {
      value = null;
    }
    this.remember(this.parsed, key, value);
    return value ?? undefined;
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    if (map.size >= this.cacheLimit) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
    map.set(key, value);
  }

  /** The certification path from `chain[0]` to an anchor, verifying each signature once per distinct chain. */
  private path(chain: readonly Uint8Array[]): readonly ParsedCertificate[] | 'unparsable' | undefined {
    const key = chain.map(bytesKey).join('\u0000');
    const hit = this.paths.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const certs: ParsedCertificate[] = [];
    for (const der of chain) {
      const c = this.parseDer(der);
      if (!c) return 'unparsable';
      certs.push(c);
    }
    this.work.pathsBuilt++;
    const result = buildPath(certs, this.anchors);
    this.remember(this.paths, key, result ?? null);
    return result;
  }

  /** Validates `chain` (end-entity first, then intermediates in any order) for `identity` at `nowMs`. */
  validate(chain: readonly Uint8Array[], identity: string, nowMs: number): ChainCheck {
    if (chain.length === 0) return { ok: false, reason: 'untrusted' };
    const path = this.path(chain);
    if (path === 'unparsable') return { ok: false, reason: 'unparsable' };
    if (!path) return { ok: false, reason: 'untrusted' };
    for (const c of path) {
      if (nowMs < c.notBeforeMs) return { ok: false, reason: 'not-yet-valid' };
      if (nowMs > c.notAfterMs) return { ok: false, reason: 'expired' };
    }
    const leaf = path[0]!;
    if (leaf.cert.checkHost(identity, { wildcards: false }) === undefined)
      return { ok: false, reason: 'wrong-identity' };
    return { ok: true, key: leaf.key };
  }
}

function issuedBy(child: ParsedCertificate, issuer: ParsedCertificate): boolean {
  return child.cert.checkIssued(issuer.cert) && child.cert.verify(issuer.cert.publicKey);
}

/** Walks up from the leaf through CA intermediates until an anchor signed the current certificate. */
function buildPath(
  certs: readonly ParsedCertificate[],
  anchors: readonly ParsedCertificate[],
): ParsedCertificate[] | undefined {
  const path = [certs[0]!];
  const intermediates = certs.slice(1);
  for (let depth = 0; depth < MAX_CHAIN_DEPTH; depth++) {
    const current = path[path.length - 1]!;
    const anchor = anchors.find((a) => issuedBy(current, a));
    if (anchor) {
      path.push(anchor);
      return path;
    }
    const next = intermediates.find((c) => c.cert.ca && !path.includes(c) && issuedBy(current, c));
    if (!next) return undefined;
    path.push(next);
  }
  return undefined;
}
