/**
 * Config pieces of authentication shared by the UE, the HA and the standalone AAA server: the RFC 4739 second
 * round (EAP-MD5 / EAP-GTC, TS 33.402 external PDN authentication) and its user table, and the AAA client
 * settings of the HA (`ha.aaa`: embedded, RADIUS RFC 3579, Diameter EAP RFC 4072).
 */
import { z } from 'zod';
import { durationOfSec } from './duration.ts';
import { bool, domainName, duration, int, ipAddress, nonEmptyText, oneOf, port } from './scalars.ts';

export const PASSWORD_METHODS = ['md5', 'gtc'] as const;

/** `ue.ike.secondAuth`: the UE's credentials for the second round (RFC 4739 §2.2). */
export const ueSecondAuthSchema = z.strictObject({
  /** EAP-MD5-Challenge (RFC 3748 §5.4) or EAP-GTC (§5.6). */
  method: oneOf(PASSWORD_METHODS),
  /** IDi of the second round (ID_RFC822_ADDR), e.g. the user name at the external PDN. */
  identity: nonEmptyText,
  secret: nonEmptyText,
});

/** The embedded AAA's second-round users (identity → secret), unique identities. */
export const passwordUsersSchema = z
  .array(z.strictObject({ identity: nonEmptyText, secret: nonEmptyText }))
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((u, i) => {
      if (seen.has(u.identity)) ctx.addIssue({ code: 'custom', path: [i, 'identity'], message: 'duplicate identity' });
      seen.add(u.identity);
    });
  })
  .prefault([]);

/** The HA's policy and the embedded server's method for the second round. */
export const haSecondAuthSchema = z
  .strictObject({
    /** Refuse UEs that do not run a second round (AUTHENTICATION_FAILED; spec-choices AAA-3). */
    required: bool.prefault('false'),
    /** The method the embedded AAA offers first; a Nak for the other one is honoured. */
    method: oneOf(PASSWORD_METHODS).prefault('md5'),
    users: passwordUsersSchema,
  })
  .prefault({});

/** Per AAA round (one EAP message relayed); must stay inside the UE's IKE retransmission budget (RFC 7296 §2.1). */
const roundTimeout = duration({ min: durationOfSec(0.1), max: durationOfSec(60) });

/** `ha.aaa.radius` (RFC 3579 over RFC 2865 Access-Request/Challenge/Accept/Reject). */
export const haRadiusSchema = z.strictObject({
  servers: z
    .array(
      z.strictObject({
        host: ipAddress,
        port: port.prefault('1812'),
        /** The RADIUS shared secret (RFC 2865 §3). */
        secret: nonEmptyText,
      }),
    )
    .min(1),
  /** Wait for one answer before trying again (RFC 5080 §2.2.1 retransmission). */
  timeout: roundTimeout.prefault('3s'),
  retries: int(0, 10, 'a retry count').prefault('2'),
  /** NAS-Identifier (RFC 2865 §5.32). */
  nasIdentifier: nonEmptyText.prefault('dsmip-ha'),
  /** NAS-IP-Address / NAS-IPv6-Address; default the HA's address. */
  nasAddress: ipAddress.optional(),
});

/** `ha.aaa.diameter` (RFC 4072 Diameter EAP, as S6b for S2c: TS 29.273 §9). */
export const haDiameterSchema = z.strictObject({
  servers: z
    .array(
      z.strictObject({
        host: ipAddress,
        port: port.prefault('3868'),
        /** The peer's Origin-Host, checked in its CEA when given. */
        peerHost: domainName.optional(),
      }),
    )
    .min(1),
  originHost: domainName,
  originRealm: domainName,
  /** Destination-Realm of the DER (the AAA's realm). */
  destinationRealm: domainName,
  timeout: roundTimeout.prefault('5s'),
  /** Tw of the device watchdog (RFC 6733 §5.5.3). */
  watchdog: duration({ min: durationOfSec(6) }).prefault('30s'),
});

export const AAA_MODES = ['embedded', 'radius', 'diameter'] as const;

/** `ha.aaa`: who authenticates UEs. Embedded by default, so a plain HA needs nothing else. */
export const haAaaSchema = z
  .strictObject({
    mode: oneOf(AAA_MODES).prefault('embedded'),
    /** JSON subscriber file (src/eap/subscriber.ts) of the embedded AAA: keys only, never written by the HA. */
    subscriberFile: nonEmptyText.optional(),
    /**
     * SQN state file (src/node/aaa/sqn-journal.ts), written by the HA; default the subscriber file's path with
     * `.sqn` appended. A relative path is taken from the config file's folder.
     */
    sqnStateFile: nonEmptyText.optional(),
    /** SEQ values reserved per line of the state file: one fdatasync per this many vectors of a subscriber. */
    sqnReserve: int(1, 1_048_576, 'a count').prefault('1000'),
    /** How long the HA waits for the AAA's answer to one EAP message before failing the round. */
    timeout: roundTimeout.prefault('10s'),
    secondAuth: haSecondAuthSchema,
    radius: haRadiusSchema.optional(),
    diameter: haDiameterSchema.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.mode === 'embedded' && !a.subscriberFile)
      ctx.addIssue({ code: 'custom', path: ['subscriberFile'], message: 'needed for mode embedded' });
    if (a.mode === 'radius' && !a.radius)
      ctx.addIssue({ code: 'custom', path: ['radius'], message: 'needed for mode radius' });
    if (a.mode === 'diameter' && !a.diameter)
      ctx.addIssue({ code: 'custom', path: ['diameter'], message: 'needed for mode diameter' });
  });
