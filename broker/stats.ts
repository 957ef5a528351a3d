// Counters the controller exports as metrics. Plain numbers on a plain object: incrementing is
// the whole cost on the hot path, and the broker does not depend on any metrics library.
import { DEVICE_TOPIC_KINDS, type DeviceTopicKind, parseTopic } from '../shared/topics.js';
import type { AclAction } from './acl.js';

export type RefusalReason = 'auth' | 'rate' | 'packet_too_large';
/** Device topic kinds, `area/cmd` for area fan-out, `other` for anything outside the contract. */
export type MessageKind = DeviceTopicKind | 'area/cmd' | 'other';

export interface BrokerStats {
  /** Clients with an accepted CONNECT right now. */
  connectedClients: number;
  /** Network connections accepted (passed the rate limit), since start. */
  connectionsAccepted: number;
  /** Connections refused or closed by the broker's policy, since start. */
  connectionsRefused: Record<RefusalReason, number>;
  /** Publishes dropped and subscriptions refused by the ACL, since start. */
  aclDenied: Record<AclAction, number>;
  /** Authorised PUBLISH packets received from clients (wills included), by topic kind. */
  messagesIn: Record<MessageKind, number>;
  /** Bytes received on every transport, MQTT framing included. */
  bytesIn: number;
  /** Revocations from the controller: connections closed, devices not connected, bad payloads. */
  revocations: Record<RevocationOutcome, number>;
}

export type RevocationOutcome = 'closed' | 'not_connected' | 'invalid';

const MESSAGE_KINDS: readonly MessageKind[] = [...DEVICE_TOPIC_KINDS, 'area/cmd', 'other'];

export class StatsCounters {
  connectionsAccepted = 0;
  bytesIn = 0;
  readonly connectionsRefused: Record<RefusalReason, number> = { auth: 0, rate: 0, packet_too_large: 0 };
  readonly aclDenied: Record<AclAction, number> = { publish: 0, subscribe: 0 };
  readonly revocations: Record<RevocationOutcome, number> = { closed: 0, not_connected: 0, invalid: 0 };
  readonly messagesIn = Object.fromEntries(MESSAGE_KINDS.map((k) => [k, 0])) as Record<MessageKind, number>;

  countMessage(topic: string): void {
    const parsed = parseTopic(topic);
    const kind: MessageKind = parsed === null ? 'other' : parsed.scope === 'area' ? 'area/cmd' : parsed.kind;
    this.messagesIn[kind]++;
  }

  snapshot(connectedClients: number): BrokerStats {
    return {
      connectedClients,
      connectionsAccepted: this.connectionsAccepted,
      connectionsRefused: { ...this.connectionsRefused },
      aclDenied: { ...this.aclDenied },
      messagesIn: { ...this.messagesIn },
      bytesIn: this.bytesIn,
      revocations: { ...this.revocations },
    };
  }
}
