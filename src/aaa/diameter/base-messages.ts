/**
 * Building and reading the base protocol's messages (RFC 6733 §5, §7, §8): capabilities exchange, watchdog,
 * disconnect, answers with Result-Code, and the common AVPs every application message carries.
 */
import {
  type AddressValue,
  ApplicationId,
  type Avp,
  AvpDefs,
  addressAvp,
  CommandCode,
  CommandFlag,
  type DiameterMessage,
  findAllAvps,
  findAvp,
  groupedAvp,
  readGrouped,
  readUnsigned32,
  readUtf8,
  u32Avp,
  utf8Avp,
} from '../../wire/diameter/index.ts';

/** Who this node is in CER/CEA and every message's Origin-* (RFC 6733 §5.3.1). */
export interface LocalIdentity {
  readonly originHost: string;
  readonly originRealm: string;
  readonly hostIpAddresses: readonly AddressValue[];
  /** Vendor-Id of this implementation (RFC 6733 §5.3.3); 0 when none is registered. */
  readonly vendorId: number;
  readonly productName: string;
  readonly firmwareRevision?: number;
  /** Origin-State-Id (RFC 6733 §8.16): changes when the node restarts and loses session state. */
  readonly originStateId: number;
  /** Applications advertised: vendor-specific ones (3GPP) in Vendor-Specific-Application-Id, the rest plain. */
  readonly authApplications: readonly { readonly applicationId: number; readonly vendorId?: number }[];
}

export interface PeerCapabilities {
  readonly originHost: string;
  readonly originRealm: string;
  readonly productName?: string;
  /** Every Auth-Application-Id advertised, plain or inside Vendor-Specific-Application-Id. */
  readonly authApplicationIds: readonly number[];
}

export function originAvps(local: LocalIdentity): Avp[] {
  return [utf8Avp(AvpDefs['Origin-Host'], local.originHost), utf8Avp(AvpDefs['Origin-Realm'], local.originRealm)];
}

/** CER (RFC 6733 §5.3.1) and the capability AVPs of CEA (§5.3.2). */
function capabilityAvps(local: LocalIdentity): Avp[] {
  const avps = [
    ...originAvps(local),
    ...local.hostIpAddresses.map((a) => addressAvp(AvpDefs['Host-IP-Address'], a)),
    u32Avp(AvpDefs['Vendor-Id'], local.vendorId),
    // §5.3.7: Product-Name's M bit MUST NOT be set (§4.5 table).
    utf8Avp(AvpDefs['Product-Name'], local.productName, { mandatory: false }),
    u32Avp(AvpDefs['Origin-State-Id'], local.originStateId),
  ];
  const vendors = new Set(local.authApplications.flatMap((a) => (a.vendorId ? [a.vendorId] : [])));
  for (const v of vendors) avps.push(u32Avp(AvpDefs['Supported-Vendor-Id'], v));
  for (const app of local.authApplications) {
    if (app.vendorId === undefined) avps.push(u32Avp(AvpDefs['Auth-Application-Id'], app.applicationId));
    else {
      avps.push(
        groupedAvp(AvpDefs['Vendor-Specific-Application-Id'], [
          u32Avp(AvpDefs['Vendor-Id'], app.vendorId),
          u32Avp(AvpDefs['Auth-Application-Id'], app.applicationId),
        ]),
      );
    }
  }
  if (local.firmwareRevision !== undefined) {
    avps.push(u32Avp(AvpDefs['Firmware-Revision'], local.firmwareRevision, { mandatory: false }));
  }
  return avps;
}

export interface Ids {
  readonly hopByHop: number;
  readonly endToEnd: number;
}

export function request(commandCode: number, applicationId: number, ids: Ids, avps: Avp[], proxiable = false) {
  const flags = CommandFlag.REQUEST | (proxiable ? CommandFlag.PROXIABLE : 0);
  return { flags, commandCode, applicationId, ...ids, avps } satisfies DiameterMessage;
}

/**
 * The answer to `req`: same command, application and identifiers, P copied (RFC 6733 §6.2); E set for the
 * protocol errors 3xxx (§7.1.3). Result-Code follows Session-Id when the request had one (§6.2).
 */
export function answer(req: DiameterMessage, local: LocalIdentity, resultCode: number, avps: Avp[] = []) {
  const sessionId = findAvp(req.avps, AvpDefs['Session-Id'].code);
  const error = resultCode >= 3000 && resultCode < 4000;
  const flags = (req.flags & CommandFlag.PROXIABLE) | (error ? CommandFlag.ERROR : 0);
  return {
    flags,
    commandCode: req.commandCode,
    applicationId: req.applicationId,
    hopByHop: req.hopByHop,
    endToEnd: req.endToEnd,
    avps: [
      ...(sessionId ? [sessionId] : []),
      u32Avp(AvpDefs['Result-Code'], resultCode),
      ...originAvps(local),
      ...avps,
    ],
  } satisfies DiameterMessage;
}

export function buildCer(local: LocalIdentity, ids: Ids): DiameterMessage {
  return request(CommandCode.CAPABILITIES_EXCHANGE, ApplicationId.COMMON, ids, capabilityAvps(local));
}

export function buildCea(cer: DiameterMessage, local: LocalIdentity, resultCode: number): DiameterMessage {
  const caps = capabilityAvps(local).slice(2); // answer() adds Origin-Host/Realm after Result-Code
  return answer(cer, local, resultCode, caps);
}

/** DWR (RFC 6733 §5.5.1) and DPR (§5.4.1, with Disconnect-Cause). */
export function buildDwr(local: LocalIdentity, ids: Ids): DiameterMessage {
  return request(CommandCode.DEVICE_WATCHDOG, ApplicationId.COMMON, ids, [
    ...originAvps(local),
    u32Avp(AvpDefs['Origin-State-Id'], local.originStateId),
  ]);
}

export function buildDpr(local: LocalIdentity, ids: Ids, disconnectCause: number): DiameterMessage {
  return request(CommandCode.DISCONNECT_PEER, ApplicationId.COMMON, ids, [
    ...originAvps(local),
    u32Avp(AvpDefs['Disconnect-Cause'], disconnectCause),
  ]);
}

export function readPeerCapabilities(m: DiameterMessage): PeerCapabilities {
  const apps = findAllAvps(m.avps, AvpDefs['Auth-Application-Id'].code).map((a) => readUnsigned32(a));
  for (const g of findAllAvps(m.avps, AvpDefs['Vendor-Specific-Application-Id'].code)) {
    const inner = findAvp(readGrouped(g), AvpDefs['Auth-Application-Id'].code);
    if (inner) apps.push(readUnsigned32(inner));
  }
  const product = findAvp(m.avps, AvpDefs['Product-Name'].code);
  return {
    originHost: readUtf8Required(m, 'Origin-Host'),
    originRealm: readUtf8Required(m, 'Origin-Realm'),
    ...(product ? { productName: readUtf8(product) } : {}),
    authApplicationIds: apps,
  };
}

type Named = keyof typeof AvpDefs;

/** A UTF8String/DiameterIdentity AVP that must be there; its absence is a MissingAvpError (→ 5005). */
export function readUtf8Required(m: DiameterMessage, name: Named): string {
  const a = findAvp(m.avps, AvpDefs[name].code, AvpDefs[name].vendorId);
  if (!a) throw new MissingAvpError(name);
  return readUtf8(a);
}

export function readUtf8Optional(m: DiameterMessage, name: Named): string | undefined {
  const a = findAvp(m.avps, AvpDefs[name].code, AvpDefs[name].vendorId);
  return a ? readUtf8(a) : undefined;
}

export function readU32Optional(m: DiameterMessage, name: Named): number | undefined {
  const a = findAvp(m.avps, AvpDefs[name].code, AvpDefs[name].vendorId);
  return a ? readUnsigned32(a) : undefined;
}

/** Result-Code, or Experimental-Result's vendor and code (RFC 6733 §7.6). */
export type AnswerResult =
  | { readonly kind: 'result'; readonly code: number }
  | { readonly kind: 'experimental'; readonly vendorId: number; readonly code: number }
  | { readonly kind: 'none' };

export function readAnswerResult(m: DiameterMessage): AnswerResult {
  const rc = readU32Optional(m, 'Result-Code');
  if (rc !== undefined) return { kind: 'result', code: rc };
  const er = findAvp(m.avps, AvpDefs['Experimental-Result'].code);
  if (!er) return { kind: 'none' };
  const inner = readGrouped(er);
  const vendor = findAvp(inner, AvpDefs['Vendor-Id'].code);
  const code = findAvp(inner, AvpDefs['Experimental-Result-Code'].code);
  if (!vendor || !code) return { kind: 'none' };
  return { kind: 'experimental', vendorId: readUnsigned32(vendor), code: readUnsigned32(code) };
}

/** A required AVP is absent: the receiver answers DIAMETER_MISSING_AVP (RFC 6733 §7.1.5). */
export class MissingAvpError extends Error {
  override readonly name = 'MissingAvpError';
  constructor(readonly avp: string) {
    super(`missing AVP ${avp}`);
  }
}
