/**
 * Test support (not runtime code) for the tshark oracle: capture an attach as IPv4/UDP packets and check that
 * Wireshark, given our key-log event as an ikev2_decryption_table line, decrypts every protected message into the
 * payloads we sent. tshark takes one table record per run, so each suite has its own test file.
 */
import assert from 'node:assert/strict';
import type { IkeProposalConfig } from '../../src/ike/config.ts';
import type { IkeTransmit, KeyLogEvent } from '../../src/ike/events.ts';
import { IkeInitiator } from '../../src/ike/initiator.ts';
import { IkeResponder } from '../../src/ike/responder.ts';
import { FakeLink } from '../../src/ike/test-link.ts';
import { haConfig, ueConfig, validNow } from '../../src/ike/test-support.ts';
import { internetChecksum } from '../../src/util/checksum.ts';
import { toHex } from '../../src/util/hex.ts';
import { DhGroup, EncrId, IntegId, PrfId } from '../../src/wire/ike/constants.ts';
import { payloadType } from '../../src/wire/ike/payload.ts';
import { findField, tsharkDecode } from './tshark.ts';

export const CBC_PROPOSALS: IkeProposalConfig[] = [
  {
    encr: [{ id: EncrId.AES_CBC, keyLengthBits: 128 }],
    integ: [IntegId.HMAC_SHA2_256_128],
    prf: [PrfId.HMAC_SHA2_256],
    dh: [DhGroup.CURVE25519],
  },
];

/** IPv4 + UDP around an IKE message (UDP checksum 0, allowed over IPv4). */
function ipv4udp(t: IkeTransmit): Uint8Array {
  const udpLen = 8 + t.bytes.length;
  const out = new Uint8Array(20 + udpLen);
  out.set([0x45, 0, (20 + udpLen) >> 8, (20 + udpLen) & 0xff, 0, 0, 0x40, 0, 64, 17, 0, 0]);
  out.set(t.localAddr.bytes, 12);
  out.set(t.remoteAddr.bytes, 16);
  const c = internetChecksum(out.subarray(0, 20));
  out[10] = c >> 8;
  out[11] = c & 0xff;
  out.set(
    [t.localPort >> 8, t.localPort & 0xff, t.remotePort >> 8, t.remotePort & 0xff, udpLen >> 8, udpLen & 0xff, 0, 0],
    20,
  );
  out.set(t.bytes, 28);
  return out;
}

/** A line of Wireshark's ikev2_decryption_table (PEERS.md: hex unquoted, algorithm names quoted). */
function keyLine(k: KeyLogEvent): string {
  const encr =
    k.encrId === EncrId.AES_GCM_16
      ? `"AES-GCM-${k.encrKeyBits} with 16 octet ICV [RFC5282]"`
      : `"AES-CBC-${k.encrKeyBits} [RFC3602]"`;
  const integ = k.integId === IntegId.HMAC_SHA2_256_128 ? '"HMAC_SHA2_256_128 [RFC4868]"' : '"NONE [RFC4306]"';
  return [toHex(k.spiI), toHex(k.spiR), toHex(k.skEi), toHex(k.skEr), encr, toHex(k.skAi), toHex(k.skAr), integ].join(
    ',',
  );
}

/** Our UE attaching to our HA, every datagram as an IPv4/UDP packet, with the payload types inside each. */
export function capture(ikeProposals?: IkeProposalConfig[]) {
  const link = new FakeLink(
    new IkeInitiator(ueConfig({ ikeProposals })),
    new IkeResponder(haConfig({ ikeProposals })),
    validNow(),
  );
  link.ue.connect(link.now);
  const packets: Uint8Array[] = [];
  const inner: number[][] = [];
  while (link.next()) {
    const d = link.next()!;
    packets.push(ipv4udp(d.t));
    const seen = link.inspect(d);
    inner.push(seen.exchangeType === 34 ? [] : seen.payloads.map(payloadType));
    link.step();
  }
  const key = link.eventsOf('ue', 'key-log')[0] as KeyLogEvent;
  return { packets, inner, key };
}

/** Runs an attach with `ikeProposals`, has tshark decrypt it, and compares payload types message by message. */
export async function checkDecryption(ikeProposals?: IkeProposalConfig[]): Promise<void> {
  const c = capture(ikeProposals);
  const layers = await tsharkDecode(c.packets, ['-o', `uat:ikev2_decryption_table:${keyLine(c.key)}`]);
  assert.equal(layers.length, c.inner.length);
  let decrypted = 0;
  layers.forEach((l, i) => {
    const contained = findField(findField(l, 'isakmp.enc.decrypted'), 'isakmp.enc.contained') as
      | Record<string, unknown>
      | undefined;
    if (c.inner[i]!.length === 0 && !contained) return; // IKE_SA_INIT, and protected messages with no payloads
    assert.ok(contained, `packet ${i} decrypted`);
    // The top-level types only: Wireshark nests the proposals' and transforms' own markers below them.
    const top = contained['isakmp.typepayload'];
    const list = (Array.isArray(top) ? top : top === undefined ? [] : [top]).map(Number);
    assert.deepEqual(list, c.inner[i], `packet ${i} payload types`);
    decrypted++;
  });
  assert.ok(decrypted >= 8, `${decrypted} protected messages checked`);
}
