import { parseEspSaFile } from '../../src/obs/decrypt/esp-sa-table.ts';
import { parseIkev2DecryptionTable } from '../../src/obs/decrypt/ikev2-table.ts';
import { KeyLogDecryptor } from '../../src/obs/decrypt/key-log-decryptor.ts';
import {
  BU_MH,
  buInUdp4191,
  espInUdp4500,
  HA,
  HOA,
  IKE_AUTH_HEADER,
  IKE_AUTH_PAYLOADS,
  ikeInUdp500,
  sealedEsp,
  sealedIke,
} from '../../src/obs/decrypt/test-fixtures.ts';
import { concatBytes, fromHex } from '../../src/util/hex.ts';
import { dissect } from '../../src/wire/dissect/dissect.ts';
import type { Dissection } from '../../src/wire/dissect/dissection.ts';
import { buildEspPlaintext } from '../../src/wire/esp/esp.ts';
import { encodeIkeMessage, encodeIkePayloads } from '../../src/wire/ike/message.ts';
import { buildIpv6Packet } from '../../src/wire/ip/build.ts';
import { IpProtocol } from '../../src/wire/ip/constants.ts';
import type { FuzzTarget } from '../harness.ts';

/**
 * `dsmip decode --keylog`: the dissector with a key log. Real ciphers (mutations mostly stop at the ICV check)
 * and NULL encryption without an ICV (every mutation reaches the decrypted-content walk).
 */

function firstError(d: Dissection): unknown {
  if (d.error) return d.error;
  for (const l of d.layers) {
    const e = l.decrypted && firstError(l.decrypted);
    if (e) return e;
  }
  return undefined;
}

function target(name: string, decryptor: KeyLogDecryptor, seeds: () => Uint8Array[]): FuzzTarget {
  return {
    name,
    family: 'decrypt',
    decode: (b) => {
      const d = dissect(b, 'ip', 101, { decryptor });
      const e = firstError(d);
      if (e) throw e;
      return d;
    },
    seeds,
  };
}

const ike = sealedIke('gcm256');
const ikeCbc = sealedIke('cbc256-sha256');
const bu = sealedEsp('gcm128', IpProtocol.MH, BU_MH);
const buCbc = sealedEsp('cbc128-sha256', IpProtocol.MH, BU_MH, { spi: 0xc0ffee02 });
const real = new KeyLogDecryptor(
  parseEspSaFile(`${bu.keyLine}\n${buCbc.keyLine}\n`, 'esp_sa'),
  parseIkev2DecryptionTable(ike.keyLine, 'ikev2_decryption_table'),
);
const realCbc = new KeyLogDecryptor([], parseIkev2DecryptionTable(ikeCbc.keyLine, 'ikev2_decryption_table'));

const NULL_KEYS = new KeyLogDecryptor(
  parseEspSaFile('"IPv4","*","*","0x00000abc","NULL","","NULL",""', 'esp_sa'),
  parseIkev2DecryptionTable('0102030405060708,1112131415161718,,,"NULL [RFC2410]",,,"NONE [RFC4306]"', 'ike'),
);
const nullEsp = (nextHeader: number, data: Uint8Array) =>
  espInUdp4500(concatBytes([fromHex('00000abc00000001'), buildEspPlaintext(data, nextHeader, 4)]));
const nullIke = ikeInUdp500(
  encodeIkeMessage({
    header: IKE_AUTH_HEADER,
    payloads: [
      { kind: 'sk', firstPayload: 35, data: concatBytes([encodeIkePayloads(IKE_AUTH_PAYLOADS), fromHex('00')]) },
    ],
  }),
);

export const targets: FuzzTarget[] = [
  target('dissect-keylog-real-ciphers', real, () => [
    ikeInUdp500(ike.message),
    buInUdp4191(bu.packet),
    buInUdp4191(buCbc.packet),
  ]),
  target('dissect-keylog-cbc-ike', realCbc, () => [ikeInUdp500(ikeCbc.message)]),
  target('dissect-keylog-null-cipher', NULL_KEYS, () => [
    nullIke,
    nullEsp(IpProtocol.IPV6, buildIpv6Packet({ src: HOA, dst: HA, nextHeader: IpProtocol.MH, payload: BU_MH })),
    nullEsp(59, new Uint8Array(8)),
  ]),
];
