/**
 * Which `EapBackend` serves `ha.aaa.mode`. The embedded AAA is built here; the RADIUS (RFC 3579) and Diameter EAP
 * (RFC 4072) clients plug into `EAP_BACKEND_FACTORIES` from their own modules, so this file stays the only place
 * that knows the list. A mode whose client is not part of this tree fails at start with a ConfigError on
 * `ha.aaa.mode`, before any socket is opened.
 */
import type { DeepReadonly } from '../../config/freeze.ts';
import type { HaAaaConfig } from '../../config/load.ts';
import type { EapServerFactory } from '../../ike/eap.ts';
import { ConfigError } from '../../util/errors.ts';
import type { EapBackend } from './eap-backend.ts';
import { EmbeddedEapBackend } from './embedded-backend.ts';
import { diameterBackendOf, type ExternalBackendDeps, radiusBackendOf } from './external-backends.ts';

export type ExternalAaaMode = 'radius' | 'diameter';

export interface EapBackendDeps extends ExternalBackendDeps {
  /** The embedded EAP servers (EAP-AKA + second round), for `mode: embedded`. */
  readonly embeddedServers?: EapServerFactory;
}

/** Builds the client of one external mode from its config section (`ha.aaa.radius` / `ha.aaa.diameter`). */
export type EapBackendFactory = (config: DeepReadonly<HaAaaConfig>, deps: EapBackendDeps) => EapBackend;

/** The external clients built into this tree. */
export const EAP_BACKEND_FACTORIES: Partial<Record<ExternalAaaMode, EapBackendFactory>> = {
  radius: radiusBackendOf,
  diameter: diameterBackendOf,
};

export function createEapBackend(config: DeepReadonly<HaAaaConfig>, deps: EapBackendDeps): EapBackend {
  if (config.mode === 'embedded') {
    if (!deps.embeddedServers) throw new ConfigError('INVALID', 'ha.aaa.mode', 'embedded AAA without EAP servers');
    return new EmbeddedEapBackend({ servers: deps.embeddedServers, now: deps.now });
  }
  const factory = EAP_BACKEND_FACTORIES[config.mode];
  if (!factory) throw new ConfigError('INVALID', 'ha.aaa.mode', `mode ${config.mode} not built in this tree`);
  return factory(config, deps);
}
