/**
 * The standalone AAA server's config file (`dsmip aaa --config aaa.yaml`): the subscriber store of EAP-AKA
 * (TS 33.402 §6.2, the 3GPP AAA server), the users of RFC 4739 second rounds (EAP-MD5/GTC), and where its RADIUS
 * (RFC 3579) and Diameter EAP (RFC 4072, S6b TS 29.273 §9) listeners serve HAs; metrics and logging.
 */
import { z } from 'zod';
import { PASSWORD_METHODS, passwordUsersSchema } from './aaa-common-schema.ts';
import { loggingSchema } from './common-schema.ts';
import { bool, domainName, ipAddress, ipPrefix, localPort, nonEmptyText, oneOf, socketAddress } from './scalars.ts';

/** RADIUS: the UDP address to listen on and the NAS clients allowed, each with its shared secret (RFC 2865 §3). */
const radiusListenerSchema = z.strictObject({
  listen: socketAddress(1812),
  clients: z.array(z.strictObject({ address: ipPrefix, secret: nonEmptyText })).min(1),
});

/** Diameter applications the server announces in its CEA (RFC 6733 §5.3): Diameter EAP (5) for S6b's DER/DEA. */
export const DIAMETER_APPLICATIONS = ['eap', 's6b'] as const;

const diameterListenerSchema = z.strictObject({
  listen: socketAddress(3868),
  originHost: domainName,
  realm: domainName,
  applications: z.array(oneOf(DIAMETER_APPLICATIONS)).min(1).prefault(['eap']),
});

export const aaaSchema = z.strictObject({
  /** JSON subscriber file (src/eap/subscriber.ts): K, OPc, AMF, SQN; SQN state is written back to it. */
  subscriberFile: nonEmptyText,
  secondAuth: z
    .strictObject({
      /** The method offered first in a second round; a Nak for the other is honoured (RFC 3748 §5.3.1). */
      method: oneOf(PASSWORD_METHODS).prefault('md5'),
      users: passwordUsersSchema,
    })
    .prefault({}),
  radius: radiusListenerSchema.optional(),
  diameter: diameterListenerSchema.optional(),
  metrics: z
    .strictObject({
      enabled: bool.prefault('true'),
      address: ipAddress.prefault('127.0.0.1'),
      port: localPort.prefault('9466'),
    })
    .prefault({}),
  logging: loggingSchema.prefault({}),
});
