import { protectPacket } from '../../src/ipsec/packet.ts';
import { receiveIpsecPacket } from '../../src/ipsec/packet-open.ts';
import { BU, COA, HA, HOA, SUITES, saPair } from '../../src/ipsec/test-support.ts';
import { IpProtocol } from '../../src/wire/ip/index.ts';
import type { FuzzTarget } from '../harness.ts';

/**
 * The ESP receive path: classify, SA lookup, replay check, integrity, decryption, trailer, selectors.
 * Any bad input must end in a typed drop; a throw of any kind is a finding (it returns, never throws).
 */
const pairs = SUITES.map((name) => saPair(name));
const seeds = pairs.map(({ out }) => {
  const sealed = protectPacket(
    out,
    { version: 6, source: COA, destination: HA, homeAddressOption: HOA },
    IpProtocol.MH,
    BU,
  );
  if (!sealed.ok) throw new Error(`seed seal failed: ${sealed.reason}`);
  return sealed.packet;
});

export const targets: FuzzTarget[] = pairs.map(({ rx }, i) => ({
  name: `esp-receive-${SUITES[i]}`,
  family: 'esp',
  decode: (b: Uint8Array) => receiveIpsecPacket(rx, b),
  seeds: () => [seeds[i]!],
}));
