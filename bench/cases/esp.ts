/**
 * User-space ESP per packet: AES-GCM-128 seal and open of 1400-byte payloads, AES-CBC-128 + HMAC-SHA2-256-128
 * seal, and the HA's whole receive path for a Binding Update (IPv6 + HAO + ESP transport, classify, open,
 * selector check). Opens replay a ring of pre-sealed packets into a fresh inbound SA each lap, so the
 * anti-replay window sees new sequence numbers as it would on the wire.
 */
import { randomFillSync } from 'node:crypto';
import { ENCR_ID, INTEG_ID } from '../../src/crypto/transforms.ts';
import { sealEsp } from '../../src/ipsec/esp-protect.ts';
import { protectPacket } from '../../src/ipsec/packet.ts';
import { receiveIpsecPacket } from '../../src/ipsec/packet-open.ts';
import type { EspSa } from '../../src/ipsec/sa.ts';
import type { EspSaParams } from '../../src/ipsec/sa-params.ts';
import { EspSad } from '../../src/ipsec/sad.ts';
import { fromHex } from '../../src/util/hex.ts';
import { Ipv6Address } from '../../src/util/ip-address.ts';
import type { Bench } from '../harness.ts';

const random = (n: number) => randomFillSync(new Uint8Array(n));
const payload = new Uint8Array(1400).fill(0x45);
const HOA = Ipv6Address.parse('2001:db8:1::100');
const HA = Ipv6Address.parse('2001:db8:1::1');
const COA = Ipv6Address.parse('2001:db8:ff::10');
const BU = fromHex('3b04050000000001d40003841d06800000000000010003102001 0db8000200000000000000000200');

const GCM: EspSaParams = {
  spi: 0x100,
  direction: 'outbound',
  mode: 'transport',
  encr: { id: ENCR_ID.AES_GCM_16, keyLengthBits: 128 },
  encrKey: new Uint8Array(20).fill(7),
};
const CBC: EspSaParams = {
  spi: 0x200,
  direction: 'outbound',
  mode: 'transport',
  encr: { id: ENCR_ID.AES_CBC, keyLengthBits: 128 },
  integ: INTEG_ID.HMAC_SHA2_256_128,
  encrKey: new Uint8Array(16).fill(8),
  integKey: new Uint8Array(32).fill(9),
};
const mh = (a: Ipv6Address, type: number) =>
  ({
    kind: 'ipv6-range',
    ipProtocol: 135,
    startPort: type << 8,
    endPort: type << 8,
    startAddress: a,
    endAddress: a,
  }) as const;
const BU_SA: EspSaParams = { ...CBC, spi: 0x300, selectors: { local: [mh(HOA, 5)], remote: [mh(HA, 6)] } };

const RING = 2048;

/** Seals RING packets with `make`, then opens them in order, reinstalling the inbound SA at each lap. */
function openRing(params: EspSaParams, make: (sa: EspSa) => Uint8Array, open: (rx: EspSad, p: Uint8Array) => boolean) {
  const out = new EspSad({ random }).install(params);
  const packets = Array.from({ length: RING }, () => make(out));
  const rx = new EspSad({ random });
  const inbound: EspSaParams = {
    ...params,
    direction: 'inbound',
    ...(params.selectors ? { selectors: { local: params.selectors.remote, remote: params.selectors.local } } : {}),
  };
  let sa = rx.install(inbound);
  let i = 0;
  return () => {
    if (i === RING) {
      rx.remove(sa);
      sa = rx.install(inbound);
      i = 0;
    }
    if (!open(rx, packets[i++]!)) throw new Error('bench packet failed to open');
  };
}

function sealer(params: EspSaParams): () => void {
  const sad = new EspSad({ random });
  const sa = sad.install(params);
  return () => {
    if (!sealEsp(sa, 135, payload).ok) throw new Error('seal refused');
  };
}

const gcmSeal = sealer(GCM);
const cbcSeal = sealer(CBC);
const gcmOpen = openRing(
  GCM,
  (sa) => {
    const r = sealEsp(sa, 135, payload);
    if (!r.ok) throw new Error('seal refused');
    return r.packet;
  },
  (rx, p) => rx.open(p).ok,
);
const buOpen = openRing(
  BU_SA,
  (sa) => {
    const r = protectPacket(sa, { version: 6, source: COA, destination: HA, homeAddressOption: HOA }, 135, BU, {
      checksumOffset: 4,
    });
    if (!r.ok) throw new Error('seal refused');
    return r.packet;
  },
  (rx, p) => receiveIpsecPacket(rx, p).ok,
);

export const benches: Bench[] = [
  { name: 'esp-gcm-seal-1400B', unit: 'pkt/s', run: gcmSeal },
  { name: 'esp-gcm-open-1400B', unit: 'pkt/s', run: gcmOpen },
  { name: 'esp-cbc-hmac-seal-1400B', unit: 'pkt/s', run: cbcSeal },
  { name: 'esp-open-bu-transport', unit: 'pkt/s', run: buOpen },
];
