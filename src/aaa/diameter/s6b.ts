/**
 * The S6b/SWm messages of the Diameter EAP application, both directions: DER/DEA (RFC 4072 §3.1/§3.2 as TS 29.273
 * §9.2.2.1 uses them for DSMIPv6 on S6b, §7.2.2.1 on SWm), STR/STA (RFC 6733 §8.4, TS 29.273 §9.2.2.3) and ASR
 * (RFC 6733 §8.5, TS 29.273 §9.2.2.4). What each AVP is and where it comes from: docs/spec-choices.md DIA-2.
 */
import {
  AuthRequestType,
  AuthSessionState,
  type Avp,
  AvpDefs,
  CommandCode,
  CommandFlag,
  type DiameterMessage,
  ExperimentalResultCode3gpp,
  findAvp,
  groupedAvp,
  isRequest,
  makeAvp,
  ResultCode,
  TerminationCause,
  u32Avp,
  u64Avp,
  utf8Avp,
  VENDOR_3GPP,
} from '../../wire/diameter/index.ts';
import {
  type Ids,
  type LocalIdentity,
  originAvps,
  readAnswerResult,
  readUtf8Optional,
  request,
} from './base-messages.ts';

export type EapFailureReason = 'rejected' | 'unknown-subscriber' | 'timeout' | 'no-server' | 'bad-answer' | 'aborted';

/** The same shape as src/node/aaa/eap-backend.ts EapRoundResult (the core does not import the node layer). */
export type EapOutcome =
  | { readonly kind: 'continue'; readonly eap: Uint8Array }
  | { readonly kind: 'success'; readonly eap: Uint8Array; readonly msk?: Uint8Array; readonly identity?: string }
  | { readonly kind: 'failure'; readonly reason: EapFailureReason; readonly detail: string; readonly eap?: Uint8Array };

export interface DerContext {
  readonly sessionId: string;
  readonly applicationId: number;
  readonly destinationRealm: string;
  readonly destinationHost?: string;
  /** The NAI from IDi (User-Name, RFC 4072 §3.1; TS 29.273 Table 9.2.2.1.1-1 "User Identity"). */
  readonly userName: string;
  readonly eap: Uint8Array;
  /** APN (Service-Selection, RFC 5778 §6.2). */
  readonly apn?: string;
  readonly ratType?: number;
  readonly mip6FeatureVector?: bigint;
}

const copy = (b: Uint8Array) => new Uint8Array(b);

/** DER: < Diameter Header: 268, REQ, PXY > in RFC 4072 §3.1's order, then the S6b AVPs. */
export function buildDer(local: LocalIdentity, ids: Ids, c: DerContext): DiameterMessage {
  const avps: Avp[] = [
    utf8Avp(AvpDefs['Session-Id'], c.sessionId),
    u32Avp(AvpDefs['Auth-Application-Id'], c.applicationId),
    ...originAvps(local),
    utf8Avp(AvpDefs['Destination-Realm'], c.destinationRealm),
    u32Avp(AvpDefs['Auth-Request-Type'], AuthRequestType.AUTHORIZE_AUTHENTICATE),
    makeAvp(AvpDefs['EAP-Payload'], c.eap),
  ];
  if (c.destinationHost) avps.push(utf8Avp(AvpDefs['Destination-Host'], c.destinationHost));
  avps.push(utf8Avp(AvpDefs['User-Name'], c.userName));
  if (c.ratType !== undefined) avps.push(u32Avp(AvpDefs['RAT-Type'], c.ratType));
  if (c.apn !== undefined) avps.push(utf8Avp(AvpDefs['Service-Selection'], c.apn));
  if (c.mip6FeatureVector !== undefined) avps.push(u64Avp(AvpDefs['MIP6-Feature-Vector'], c.mip6FeatureVector));
  return request(CommandCode.DIAMETER_EAP, c.applicationId, ids, avps, true);
}

/** What a DEA means for the EAP conversation (RFC 4072 §2.2, §3.2; TS 29.273 §9.2.2.1.2). */
export function interpretDea(m: DiameterMessage, sessionId: string, keylessSuccess = false): EapOutcome {
  if (m.commandCode !== CommandCode.DIAMETER_EAP || isRequest(m)) {
    return { kind: 'failure', reason: 'bad-answer', detail: `command ${m.commandCode} where a DEA was expected` };
  }
  const sid = readUtf8Optional(m, 'Session-Id');
  if (sid !== sessionId) return { kind: 'failure', reason: 'bad-answer', detail: `Session-Id ${sid} is not ours` };
  const payload = findAvp(m.avps, AvpDefs['EAP-Payload'].code);
  const eap = payload ? copy(payload.data) : undefined;
  const withEap = eap ? { eap } : {};
  const result = readAnswerResult(m);
  if (result.kind === 'result') {
    switch (result.code) {
      case ResultCode.DIAMETER_MULTI_ROUND_AUTH:
        if (!eap) return { kind: 'failure', reason: 'bad-answer', detail: 'MULTI_ROUND_AUTH without EAP-Payload' };
        return { kind: 'continue', eap };
      case ResultCode.DIAMETER_SUCCESS: {
        const msk = findAvp(m.avps, AvpDefs['EAP-Master-Session-Key'].code);
        // Only a second round (RFC 4739, EAP-MD5/GTC) may lack the MSK: a first round keys its AUTH with it.
        if ((!msk && !keylessSuccess) || !eap)
          return { kind: 'failure', reason: 'bad-answer', detail: 'SUCCESS without MSK or EAP-Payload' };
        const identity = readUtf8Optional(m, 'Mobile-Node-Identifier') ?? readUtf8Optional(m, 'User-Name');
        return {
          kind: 'success',
          eap,
          ...(msk ? { msk: copy(msk.data) } : {}),
          ...(identity ? { identity } : {}),
        };
      }
      case ResultCode.DIAMETER_AUTHENTICATION_REJECTED:
      case ResultCode.DIAMETER_AUTHORIZATION_REJECTED:
        return { kind: 'failure', reason: 'rejected', detail: `Result-Code ${result.code}`, ...withEap };
      case ResultCode.DIAMETER_UNABLE_TO_DELIVER:
      case ResultCode.DIAMETER_REALM_NOT_SERVED:
      case ResultCode.DIAMETER_TOO_BUSY:
        return { kind: 'failure', reason: 'no-server', detail: `Result-Code ${result.code}` };
      default:
        return { kind: 'failure', reason: 'bad-answer', detail: `Result-Code ${result.code}`, ...withEap };
    }
  }
  if (result.kind === 'experimental' && result.vendorId === VENDOR_3GPP) {
    const detail = `Experimental-Result 3GPP ${result.code}`;
    if (result.code === ExperimentalResultCode3gpp.DIAMETER_ERROR_USER_UNKNOWN) {
      return { kind: 'failure', reason: 'unknown-subscriber', detail, ...withEap };
    }
    // 5004 roaming not allowed, 5450 no non-3GPP subscription, 5451 no APN subscription: the AAA said no.
    return { kind: 'failure', reason: 'rejected', detail, ...withEap };
  }
  return { kind: 'failure', reason: 'bad-answer', detail: `no usable result: ${JSON.stringify(result)}` };
}

export function terminationCauseOf(cause: 'logout' | 'admin' | 'failure'): number {
  if (cause === 'logout') return TerminationCause.LOGOUT;
  if (cause === 'admin') return TerminationCause.ADMINISTRATIVE;
  return TerminationCause.SERVICE_NOT_PROVIDED;
}

export interface StrContext {
  readonly sessionId: string;
  readonly applicationId: number;
  readonly destinationRealm: string;
  readonly destinationHost?: string;
  readonly userName?: string;
  readonly terminationCause: number;
}

/** STR (RFC 6733 §8.4.1): < Session-Id > { Origin-Host } { Origin-Realm } { Destination-Realm } ... */
export function buildStr(local: LocalIdentity, ids: Ids, c: StrContext): DiameterMessage {
  const avps = [
    utf8Avp(AvpDefs['Session-Id'], c.sessionId),
    ...originAvps(local),
    utf8Avp(AvpDefs['Destination-Realm'], c.destinationRealm),
    u32Avp(AvpDefs['Auth-Application-Id'], c.applicationId),
    u32Avp(AvpDefs['Termination-Cause'], c.terminationCause),
  ];
  if (c.userName !== undefined) avps.push(utf8Avp(AvpDefs['User-Name'], c.userName));
  if (c.destinationHost !== undefined) avps.push(utf8Avp(AvpDefs['Destination-Host'], c.destinationHost));
  return request(CommandCode.SESSION_TERMINATION, c.applicationId, ids, avps, true);
}

/** ASR (RFC 6733 §8.5.1): Destination-Host is required, the client that holds the session. */
export function buildAsr(
  local: LocalIdentity,
  ids: Ids,
  c: { sessionId: string; applicationId: number; destinationRealm: string; destinationHost: string; userName?: string },
): DiameterMessage {
  const avps = [
    utf8Avp(AvpDefs['Session-Id'], c.sessionId),
    ...originAvps(local),
    utf8Avp(AvpDefs['Destination-Realm'], c.destinationRealm),
    utf8Avp(AvpDefs['Destination-Host'], c.destinationHost),
    u32Avp(AvpDefs['Auth-Application-Id'], c.applicationId),
  ];
  if (c.userName !== undefined) avps.push(utf8Avp(AvpDefs['User-Name'], c.userName));
  return request(CommandCode.ABORT_SESSION, c.applicationId, ids, avps, true);
}

export type DeaResult = { readonly resultCode: number } | { readonly experimentalResultCode: number /* vendor 3GPP */ };

/**
 * DEA (RFC 4072 §3.2): < Session-Id > { Auth-Application-Id } { Result-Code } or Experimental-Result { Origin-Host }
 * { Origin-Realm } { Auth-Request-Type } [ EAP-Payload ] [ User-Name ] [ EAP-Master-Session-Key ] ...
 */
export function buildDea(
  der: DiameterMessage,
  local: LocalIdentity,
  result: DeaResult,
  extra: { eap?: Uint8Array; msk?: Uint8Array; userName?: string; mobileNodeIdentifier?: string } = {},
): DiameterMessage {
  const sid = findAvp(der.avps, AvpDefs['Session-Id'].code);
  const avps: Avp[] = [
    ...(sid ? [sid] : []),
    u32Avp(AvpDefs['Auth-Application-Id'], der.applicationId),
    'resultCode' in result
      ? u32Avp(AvpDefs['Result-Code'], result.resultCode)
      : groupedAvp(AvpDefs['Experimental-Result'], [
          u32Avp(AvpDefs['Vendor-Id'], VENDOR_3GPP),
          u32Avp(AvpDefs['Experimental-Result-Code'], result.experimentalResultCode),
        ]),
    ...originAvps(local),
    u32Avp(AvpDefs['Auth-Request-Type'], AuthRequestType.AUTHORIZE_AUTHENTICATE),
  ];
  if (extra.eap) avps.push(makeAvp(AvpDefs['EAP-Payload'], extra.eap));
  if (extra.userName !== undefined) avps.push(utf8Avp(AvpDefs['User-Name'], extra.userName));
  if (extra.msk) avps.push(makeAvp(AvpDefs['EAP-Master-Session-Key'], extra.msk));
  if (extra.mobileNodeIdentifier !== undefined) {
    avps.push(utf8Avp(AvpDefs['Mobile-Node-Identifier'], extra.mobileNodeIdentifier));
  }
  if ('resultCode' in result && result.resultCode === ResultCode.DIAMETER_SUCCESS) {
    // RFC 6733 §8.11: the server keeps session state until STR/ASR.
    avps.push(u32Avp(AvpDefs['Auth-Session-State'], AuthSessionState.STATE_MAINTAINED));
  }
  const error = 'resultCode' in result && result.resultCode >= 3000 && result.resultCode < 4000;
  return {
    flags: (der.flags & CommandFlag.PROXIABLE) | (error ? CommandFlag.ERROR : 0),
    commandCode: der.commandCode,
    applicationId: der.applicationId,
    hopByHop: der.hopByHop,
    endToEnd: der.endToEnd,
    avps,
  };
}
