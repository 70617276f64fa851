import type { IkeEndpoint } from '../../ike/endpoint.ts';
import type { IkeEvent } from '../../ike/events.ts';
import type { KeyLogWriter } from '../../obs/keylog.ts';
import { espOuterFamily, espSaParamsOf } from './esp-sa-params.ts';

/**
 * Writes the Wireshark key files an engine event carries: the IKE SA keys, and both ESP directions of a new
 * Child SA (its outer family taken from the IKE SA's path). Shared by every IKE I/O shell.
 */
export function logKeysOfEvent(log: KeyLogWriter, engine: IkeEndpoint, e: IkeEvent): void {
  if (e.kind === 'key-log') {
    log.logIkeSa({
      initiatorSpi: e.spiI,
      responderSpi: e.spiR,
      encr: { id: e.encrId, keyLengthBits: e.encrKeyBits },
      ...(e.integId === undefined ? {} : { integ: e.integId, skAi: e.skAi, skAr: e.skAr }),
      skEi: e.skEi,
      skEr: e.skEr,
    });
  } else if (e.kind === 'child-sa-established') {
    const path = engine.ikeSa(e.ikeSaId)?.path;
    if (!path) return;
    const { inbound, outbound } = espSaParamsOf(e, path);
    const family = espOuterFamily(e, path);
    log.logEspSa(outbound, { family });
    log.logEspSa(inbound, { family });
  }
}
