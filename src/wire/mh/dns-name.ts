/**
 * The two readings of the DNS Update option's "MN identity (FQDN)" (RFC 5026 §8.1): the RFC does not say
 * whether the FQDN is carried as DNS labels (RFC 1035 §3.1) or as text, so the option keeps raw bytes and
 * these helpers convert. No compression pointers: the field is a standalone name.
 */

const MAX_NAME_OCTETS = 255; // RFC 1035 §2.3.4
const MAX_LABEL_OCTETS = 63;

/** `mn.example.com` → `02 6d 6e 07 ... 03 63 6f 6d 00`. A RangeError for names DNS cannot carry. */
export function fqdnToDnsName(fqdn: string): Uint8Array {
  const trimmed = fqdn.endsWith('.') ? fqdn.slice(0, -1) : fqdn;
  const labels = trimmed === '' ? [] : trimmed.split('.');
  const out: number[] = [];
  for (const label of labels) {
    if (label.length === 0 || label.length > MAX_LABEL_OCTETS) throw new RangeError(`bad DNS label in ${fqdn}`);
    out.push(label.length);
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      if (c > 0x7e || c < 0x21) throw new RangeError(`non-printable or non-ASCII character in ${fqdn}`);
      out.push(c);
    }
  }
  out.push(0);
  if (out.length > MAX_NAME_OCTETS) throw new RangeError(`DNS name longer than 255 octets: ${fqdn}`);
  return Uint8Array.from(out);
}

/** The dotted text of an uncompressed DNS name, or undefined when `bytes` is not exactly one such name. */
export function dnsNameToFqdn(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0 || bytes.length > MAX_NAME_OCTETS) return undefined;
  const labels: string[] = [];
  let p = 0;
  while (p < bytes.length) {
    const n = bytes[p]!;
    if (n === 0) return p === bytes.length - 1 ? labels.join('.') : undefined;
    if (n > MAX_LABEL_OCTETS || p + 1 + n > bytes.length) return undefined;
    let label = '';
    for (let i = p + 1; i <= p + n; i++) {
      const c = bytes[i]!;
      if (c > 0x7e || c < 0x21) return undefined;
      label += String.fromCharCode(c);
    }
    labels.push(label);
    p += 1 + n;
  }
  return undefined; // no terminating root label
}
