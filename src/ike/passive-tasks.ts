/**
 * Which passive tasks answer a request, by exchange type and SA state (strongSwan's task manager does the same when
 * a request arrives). IKE_SA_INIT and IKE_AUTH are answered only by the original responder (the HA).
 */
import { ExchangeType, ProtocolId } from '../wire/ike/constants.ts';
import type { IkeSa } from './ike-sa.ts';
import { findPayload } from './payloads.ts';
import type { InboundMessage, PassiveTask } from './task.ts';
import { ChildCreateResponder } from './tasks/child-create-responder.ts';
import { IkeRekeyResponder } from './tasks/ike-rekey.ts';
import { InformationalResponder } from './tasks/informational-responder.ts';

export interface RolePassiveTasks {
  /** IKE_SA_INIT on a new SA (responder only). */
  readonly ikeSaInit?: () => PassiveTask[];
  /** The IKE_AUTH exchange (responder only). */
  readonly ikeAuth?: () => PassiveTask[];
}

export function passiveTasksFor(sa: IkeSa, msg: InboundMessage, role: RolePassiveTasks): PassiveTask[] | undefined {
  switch (msg.header.exchangeType) {
    case ExchangeType.IKE_SA_INIT:
      return sa.state === 'connecting' ? role.ikeSaInit?.() : undefined;
    case ExchangeType.IKE_AUTH:
      return sa.state === 'authenticating' && !sa.originalInitiator ? role.ikeAuth?.() : undefined;
    case ExchangeType.CREATE_CHILD_SA: {
      if (!sa.established) return undefined;
      // An SA payload proposing protocol IKE rekeys the IKE SA (RFC 7296 §1.3.2).
      const proposals = findPayload(msg.payloads, 'sa')?.proposals ?? [];
      if (proposals[0]?.protocolId === ProtocolId.IKE) return [new IkeRekeyResponder()];
      return [new ChildCreateResponder(ExchangeType.CREATE_CHILD_SA)];
    }
    case ExchangeType.INFORMATIONAL:
      // Also while authenticating: the UE reports AUTHENTICATION_FAILED this way (RFC 7296 §2.21.2).
      return sa.state === 'connecting' ? undefined : [new InformationalResponder()];
    default:
      return undefined;
  }
}
