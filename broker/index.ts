// The broker part's public surface, for the controller (`npm start`, in-process) and the CLI
// (`loa broker`, standalone with createHttpAuthenticate).
export { type AclAction, type AclDecision, authorize, authorizeRetain } from './acl.js';
export { type BrokerPorts, createLoaBroker, type LoaBroker, type LoaBrokerOptions } from './broker.js';
export {
  type Authenticate,
  type AuthenticateRequest,
  AuthenticateRequestSchema,
  AuthenticateResponseSchema,
  type BrokerIdentity,
  BrokerIdentitySchema,
  MQTT_AUTHENTICATE_PATH,
} from './identity.js';
export { AuthBackendError, createHttpAuthenticate, type HttpAuthenticateOptions } from './standalone.js';
export type { BrokerStats, MessageKind, RefusalReason } from './stats.js';
