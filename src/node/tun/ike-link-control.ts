/**
 * The data SA's view (ue-data-sa.ts `DataSaIkeControl`) of one of the UE's IKE links (src/node/ue/ike-link.ts):
 * CREATE_CHILD_SA and INFORMATIONAL Delete through its engine, its events, and its NAT-T socket for ESP in UDP
 * (RFC 3948).
 */
import type { IkeEndpoint } from '../../ike/endpoint.ts';
import type { IkeEvent } from '../../ike/events.ts';
import type { UdpPeer } from './esp-data-tunnel.ts';
import type { DataSaIkeControl } from './ue-data-sa.ts';

/** The parts of an IkeLink (and its IkeDatagramEndpoint) this uses. */
export interface IkeLinkParts<E extends IkeEndpoint> {
  readonly ikeSaId: number;
  readonly events: { on(listener: (e: IkeEvent) => void): () => void };
  readonly endpoint: {
    readonly engine: E;
    run<T>(command: (engine: E, now: number) => T): T;
    sendEsp(esp: Uint8Array, to: UdpPeer): void;
    onEsp(handler: (esp: Uint8Array) => void): void;
  };
}

export function ikeLinkControl<E extends IkeEndpoint>(link: IkeLinkParts<E>): DataSaIkeControl {
  const ep = link.endpoint;
  return {
    ikeSaId: link.ikeSaId,
    createChildSa: (request) => {
      try {
        return ep.run((engine, now) => engine.createChildSa(now, link.ikeSaId, request));
      } catch {
        return false; // the endpoint is closed: the link was retired
      }
    },
    deleteChildSa: (spiIn) => {
      try {
        return ep.run((engine, now) => engine.deleteChildSa(now, link.ikeSaId, spiIn));
      } catch {
        return false; // the endpoint is closed: the link was retired, and its Child SAs with it
      }
    },
    state: () => {
      const sa = ep.engine.ikeSa(link.ikeSaId);
      return sa === undefined || sa.dead ? undefined : { path: sa.path, natDetected: sa.natDetected };
    },
    onEvent: (listener) => link.events.on(listener),
    sendEsp: (esp, to) => ep.sendEsp(esp, to),
    onEsp: (handler) => ep.onEsp((esp) => handler(esp)),
  };
}
