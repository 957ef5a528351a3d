// The broker's policy as aedes hooks: who may connect (authenticate), what they may publish and
// subscribe to (authorizePublish/authorizeSubscribe → acl.ts). Decisions live in acl.ts; this
// file turns them into MQTT behaviour, counts them and logs them.
import type { Aedes, AedesOptions, AuthenticateError, Client, PublishPacket } from 'aedes';
import type { Logger } from 'pino';
import { decode } from '../shared/decode.js';
import type { RevocationPayload } from '../shared/payloads.js';
import { REVOCATIONS_TOPIC } from '../shared/topics.js';
import { type AclAction, type AclDecision, authorize, authorizeRetain } from './acl.js';
import type { Authenticate, BrokerIdentity } from './identity.js';
import type { StatsCounters } from './stats.js';

/** CONNACK return codes, MQTT 3.1.1 §3.2.2.3 (aedes' AuthErrorCode is an ambient const enum). */
const IDENTIFIER_REJECTED = 2;
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

const SYS_RESERVED: AclDecision = { allow: false, reason: '$SYS topics are reserved for the broker' };

/** One loud log line per client (or per backend outage) per window; the rest go to debug. */
const WARN_EVERY_MS = 10_000;

type Will = NonNullable<Parameters<NonNullable<AedesOptions['preConnect']>>[1]['will']>;
type PolicyHooks = Required<Pick<AedesOptions, 'preConnect' | 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'>>;

export interface PolicyDeps {
  authenticate: Authenticate;
  logger: Logger;
  stats: StatsCounters;
  remoteAddressOf: (client: Client) => string;
  /** Called once a client's credentials were accepted, before its CONNACK. */
  onAuthenticated?: (client: Client, identity: BrokerIdentity) => void;
  /** A valid revocation from a service (the controller): close that device's connection. */
  onRevocation?: (revocation: RevocationPayload) => void;
}

export interface Policy {
  hooks: PolicyHooks;
  /** Makes `aedes.publish` drop the packets `authorizePublish` denied; see the comment inside. */
  installDropFilter(aedes: Aedes): void;
  /** The ACL's answer for a filter, without counting or logging: for the session store (persistence.ts). */
  maySubscribe(client: Client, filter: string): boolean;
}

function refusal(returnCode: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

function who(identity: BrokerIdentity | null): Record<string, string> {
  if (identity === null) return {};
  return identity.kind === 'device' ? { deviceId: identity.deviceId } : { service: identity.name };
}

export function createPolicy(deps: PolicyDeps): Policy {
  const { stats, logger } = deps;
  const identities = new WeakMap<Client, BrokerIdentity>();
  const wills = new WeakMap<Client, Will>();
  const dropped = new WeakSet<object>();
  const lastDenialWarn = new WeakMap<Client, number>();
  let lastBackendWarn = 0;

  /** authorize(), plus the retain rule for devices: they retain nothing but their own state. */
  function decidePublish(identity: BrokerIdentity | null, packet: { topic: string; retain?: boolean }): AclDecision {
    const decision = authorize(identity, 'publish', packet.topic);
    if (!decision.allow || !packet.retain || identity?.kind !== 'device') return decision;
    return authorizeRetain(identity, packet.topic);
  }

  function denied(client: Client, action: AclAction, topic: string, reason: string): void {
    stats.aclDenied[action]++;
    const now = Date.now();
    const loud = now - (lastDenialWarn.get(client) ?? 0) >= WARN_EVERY_MS;
    if (loud) lastDenialWarn.set(client, now);
    const fields = { ...who(identities.get(client) ?? null), clientId: client.id, action, topic, reason };
    if (loud) logger.warn(fields, 'MQTT %s denied', action);
    else logger.debug(fields, 'MQTT %s denied', action);
  }

  function revoke(identity: BrokerIdentity, payload: Buffer | string): void {
    const decoded = decode('revocation', payload);
    if (!decoded.ok) {
      stats.revocations.invalid++;
      logger.warn({ ...who(identity), reason: decoded.error.reason, detail: decoded.error.detail }, 'MQTT revocation dropped: bad payload');
      return;
    }
    deps.onRevocation?.(decoded.value);
  }

  const hooks: PolicyHooks = {
    // The will is part of CONNECT; keep it so authenticate can check it against the identity.
    preConnect(client, packet, callback) {
      if (packet.will) wills.set(client, packet.will);
      callback(null, true);
    },

    authenticate(client, username, password, done) {
      const clientId = client.id;
      const remoteAddress = deps.remoteAddressOf(client);
      // Never log the password: only these fields ever reach the log line.
      const refuse = (returnCode: number, reason: string) => {
        stats.connectionsRefused.auth++;
        logger.warn({ username, clientId, remoteAddress, reason, returnCode }, 'MQTT connection refused');
        done(refusal(returnCode, reason), null);
      };
      // Anonymous clients are refused (architecture notes). [MQTT-3.1.2-22] forbids a password
      // without a user name, so both must be present.
      if (!username || !password || password.length === 0) {
        refuse(BAD_USERNAME_OR_PASSWORD, 'anonymous: no user name or password');
        return;
      }
      const request = { username, password: password.toString('utf8'), clientId, remoteAddress };
      // The CONNECT packet stays referenced for the connection's life (mqtt-packet keeps it as
      // its parser settings): wipe the secret's bytes so no heap dump of the broker holds them.
      password.fill(0);
      deps.authenticate(request).then(
        (identity) => {
          if (identity === null) return refuse(BAD_USERNAME_OR_PASSWORD, 'unknown user name or wrong secret');
          // A session is keyed by client id and a new CONNECT takes the old one over
          // [MQTT-3.1.4-2]; binding a device's client id to its own id means one device's
          // credentials can never kick another device off.
          if (identity.kind === 'device' && identity.deviceId !== clientId) {
            return refuse(IDENTIFIER_REJECTED, `client id must equal the device id ${identity.deviceId}`);
          }
          const will = wills.get(client);
          wills.delete(client);
          if (will) {
            const decision = decidePublish(identity, will);
            // Refusing at CONNECT means every will aedes ever stores was authorised, including
            // those it later publishes with `client === null`.
            if (!decision.allow) return refuse(NOT_AUTHORIZED, `Last Will refused: ${decision.reason}`);
          }
          identities.set(client, identity);
          deps.onAuthenticated?.(client, identity);
          logger.debug({ ...who(identity), clientId, remoteAddress }, 'MQTT client authenticated');
          done(null, true);
        },
        (err: unknown) => {
          stats.connectionsRefused.auth++;
          const now = Date.now();
          const fields = { username, clientId, remoteAddress, err };
          // CONNACK 3 tells the client to retry soon, unlike 4/5 which mean "fix your credentials".
          if (now - lastBackendWarn >= WARN_EVERY_MS) {
            lastBackendWarn = now;
            logger.error(fields, 'MQTT connection refused: credential check unavailable');
          } else logger.debug(fields, 'MQTT connection refused: credential check unavailable');
          done(refusal(SERVER_UNAVAILABLE, 'credential check unavailable'), null);
        },
      );
    },

    authorizePublish(client, packet, callback) {
      // `null` only for wills aedes re-publishes after their owner's broker vanished; wills are
      // checked against their owner's identity at CONNECT, so they are already authorised.
      if (client === null) return callback(null);
      const identity = identities.get(client) ?? null;
      // Addressed to the broker itself: acted on and never routed. Devices are refused by the
      // ACL below (the topic is outside their tree).
      if (packet.topic === REVOCATIONS_TOPIC && identity?.kind === 'service') {
        revoke(identity, packet.payload);
        dropped.add(packet);
        return callback(null);
      }
      const decision = packet.topic.startsWith('$SYS') ? SYS_RESERVED : decidePublish(identity, packet);
      if (!decision.allow) {
        denied(client, 'publish', packet.topic, decision.reason);
        // [MQTT-3.3.5-2]: an unauthorised PUBLISH is either acknowledged as usual or the
        // connection is closed. We acknowledge and drop (as Mosquitto does): closing would make a
        // misconfigured agent reconnect and resend its outbox in a loop.
        dropped.add(packet);
        return callback(null);
      }
      // Never retain commands: a retained command replays at every reconnect. Dropping the
      // controller's command could lose an emergency broadcast, so deliver it, unretained.
      if (packet.retain && identity?.kind === 'service' && !authorizeRetain(identity, packet.topic).allow) {
        packet.retain = false;
        logger.warn({ service: identity.name, topic: packet.topic }, 'retain flag removed from a command');
      }
      stats.countMessage(packet.topic);
      callback(null);
    },

    authorizeSubscribe(client, sub, callback) {
      const decision = authorize(identities.get(client) ?? null, 'subscribe', sub.topic);
      if (decision.allow) return callback(null, sub);
      denied(client, 'subscribe', sub.topic, decision.reason);
      // A null subscription makes aedes answer 0x80 (Failure) for this filter in the SUBACK
      // (§3.9.3, [MQTT-3.8.4-5]) and keep the connection; an error would close it.
      callback(null, null);
    },
  };

  return {
    hooks,
    maySubscribe: (client, filter) => authorize(identities.get(client) ?? null, 'subscribe', filter).allow,
    installDropFilter(aedes) {
      // aedes offers no "acknowledge but do not route" outcome for authorizePublish: an error
      // closes the connection. Its publish handler acknowledges (PUBACK/PUBREC) and then calls
      // `broker.publish(packet, client, done)`, which is where routing and retained storage
      // happen, so a denied packet stops there. This is the one place we wrap an aedes method.
      type Publish = (packet: PublishPacket, client: unknown, done?: (err?: Error) => void) => void;
      const publish = aedes.publish.bind(aedes) as unknown as Publish;
      const filtered: Publish = (packet, client, done) => {
        if (!dropped.has(packet)) return publish(packet, client, done);
        dropped.delete(packet);
        const callback = typeof client === 'function' ? client : done;
        callback?.();
      };
      (aedes as unknown as { publish: Publish }).publish = filtered;
    },
  };
}
