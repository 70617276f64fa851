/** The UE's log lines: one child logger per component (src/obs/log.ts), fed from the node's own events. */
import { componentLogger, type Logger } from '../../obs/log.ts';
import type { UeNodeEvent } from './ue-events.ts';

export class UeLog {
  readonly node: Logger;
  private readonly ike: Logger;
  private readonly mip: Logger;
  private readonly dhcp: Logger;
  private readonly discovery: Logger;
  private readonly net: Logger;

  constructor(root: Logger) {
    this.node = componentLogger(root, 'node');
    this.ike = componentLogger(root, 'ike');
    this.mip = componentLogger(root, 'mip');
    this.dhcp = componentLogger(root, 'dhcp');
    this.discovery = componentLogger(root, 'discovery');
    this.net = componentLogger(root, 'net');
  }

  event(e: UeNodeEvent): void {
    switch (e.kind) {
      case 'datagram':
        return;
      case 'phase':
        this.node.info({ phase: e.phase }, `phase ${e.phase}`);
        return;
      case 'discovery':
        this.discovery.info({ event: e.event }, e.event.kind);
        return;
      case 'ike':
        if (e.event.kind === 'message-payloads') {
          // The cleartext of every protected message: its shape only, at debug (payload bytes stay out of logs).
          const { ikeSaId, direction, header, payloads } = e.event;
          const shape = { exchange: header.exchangeType, messageId: header.messageId, response: header.response };
          this.ike.debug({ ikeSaId, direction, ...shape, payloads: payloads.map((p) => p.kind) }, 'IKE message');
        } else if (e.event.kind === 'child-sa-established') {
          const { keysIn: _i, keysOut: _o, ...sa } = e.event; // keys stay out of logs (the key log has them)
          this.ike.info({ event: sa }, e.event.kind);
        } else this.ike.info({ event: e.event }, e.event.kind);
        return;
      case 'home-address':
        this.ike.info({ homePrefix: e.homePrefix, homeAddress: e.homeAddress, dns: e.dnsServers }, 'home address');
        return;
      case 'force-udp':
        this.mip.info({ reason: e.reason }, 'asking for UDP encapsulation (F = 1)');
        return;
      case 'binding-update':
      case 'binding-ack':
        this.mip.debug({ message: e.message }, e.kind);
        return;
      case 'mobility':
        this.mip.info({ event: e.event }, e.event.kind);
        return;
      case 'dhcpv6-parameters':
      case 'dhcpv4-parameters':
        this.dhcp.info({ parameters: e.parameters }, e.kind);
        return;
      case 'dhcp-failed':
        this.dhcp.warn({ family: e.family }, 'no DHCP answer');
        return;
      case 'care-of-change':
        if (e.stage === 'failed')
          this.mip.warn({ from: e.from, to: e.to, why: e.reason }, 'care-of address change failed');
        else this.mip.info({ ...e }, e.stage === 'started' ? 'care-of address changing' : 'care-of address changed');
        return;
      case 'drop':
        this.net.debug({ layer: e.layer, reason: e.reason }, 'dropped');
        return;
    }
  }
}
