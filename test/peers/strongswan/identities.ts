/**
 * The test subscriber and names the strongSwan peers use, shared with the interop tests.
 */

/** TS 35.208 test set 1 (SPEC-NOTES §9): the subscriber key K and the derived OPc. */
export const TS35208_SET1 = {
  k: '465b5ce8b199b49faa5f0a2ee238a6bc',
  opc: 'cd63cb71954a9f4e48a5994e37a02baf',
} as const;

export const TEST_MCC = '001';
export const TEST_MNC = '01';
export const TEST_IMSI = '001010123456789';

function mnc3(mnc: string): string {
  if (!/^\d{2,3}$/.test(mnc)) throw new RangeError(`MNC must be 2 or 3 digits: ${mnc}`);
  return mnc.padStart(3, '0'); // TS 23.003 §19.2: three digits, zero-padded on the left
}

/** Root NAI for EAP-AKA, TS 23.003 §19.3.2: `0<IMSI>@nai.epc.mnc<MNC>.mcc<MCC>.3gppnetwork.org`. */
export function rootNai(imsi: string, mcc: string, mnc: string): string {
  if (!/^\d{6,15}$/.test(imsi) || !/^\d{3}$/.test(mcc)) throw new RangeError(`bad IMSI or MCC: ${imsi} ${mcc}`);
  return `0${imsi}@nai.epc.mnc${mnc3(mnc)}.mcc${mcc}.3gppnetwork.org`;
}

/** HA-APN, TS 23.003 §21.2: `<NI>.ha-apn.mnc<MNC>.mcc<MCC>.pub.3gppnetwork.org`. */
export function haApn(networkIdentifier: string, mcc: string, mnc: string): string {
  return `${networkIdentifier}.ha-apn.mnc${mnc3(mnc)}.mcc${mcc}.pub.3gppnetwork.org`;
}

export const TEST_NAI = rootNai(TEST_IMSI, TEST_MCC, TEST_MNC);
/** What the UE puts in IDr and the HA echoes (TS 24.303 §5.1.2.2): the APN of the target PDN. */
export const TEST_HA_APN = haApn('internet', TEST_MCC, TEST_MNC);

export interface AkaSubscriber {
  /** The EAP identity (root NAI). */
  readonly nai: string;
  /** 16-byte hex. */
  readonly k: string;
  /** 16-byte hex. */
  readonly opc: string;
}

export const TEST_SUBSCRIBER: AkaSubscriber = { nai: TEST_NAI, ...TS35208_SET1 };

/** The eap-aka-3gpp plugin's secret: `0x` K ‖ OPc (32 bytes, swanctl.conf secrets). */
export function akaSecret(s: AkaSubscriber): string {
  if (!/^[0-9a-f]{32}$/i.test(s.k) || !/^[0-9a-f]{32}$/i.test(s.opc)) {
    throw new RangeError(`K and OPc must be 16-byte hex: ${s.nai}`);
  }
  return `0x${s.k}${s.opc}`;
}

/** The home prefix the strongSwan HA assigns (MIP6_HOME_PREFIX, RFC 5026 §8.2). */
export const TEST_HOME_PREFIX = { prefix: '2001:db8:1:2::', length: 64, lifetimeSec: 86_400 } as const;
