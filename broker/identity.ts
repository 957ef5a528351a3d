// Who is on the other end of an MQTT connection, as decided once at CONNECT by the
// controller's credential check. The broker only consumes this; it never stores credentials.
import { type Static, Type } from '@sinclair/typebox';
import { AREA_CODE_PATTERN, DEVICE_ID_PATTERN } from '../shared/topics.js';

export type BrokerIdentity =
  | {
      kind: 'device';
      deviceId: string;
      /** GSO codes of the device's commune, district and province (for `areas/{code}/cmd`). */
      areaCodes: string[];
    }
  | { kind: 'service'; name: string };

export interface AuthenticateRequest {
  username: string;
  password: string;
  clientId: string;
  remoteAddress: string;
}

/**
 * Checks credentials. Resolves to the identity, or `null` when the credentials are refused.
 * Rejects only when the check itself could not be made (database or controller unavailable);
 * the broker then answers CONNACK 3 "server unavailable" so the client retries soon instead
 * of treating its credentials as wrong.
 */
export type Authenticate = (req: AuthenticateRequest) => Promise<BrokerIdentity | null>;

// ---- the HTTP credential check a standalone broker asks the controller for -----------------
// POST {controllerUrl}/api/v1/mqtt/authenticate, body AuthenticateRequest, HTTP Basic auth with
// the broker's service name and secret; answers 200 AuthenticateResponse, or 401/403 = refused.
// Objects are left open on purpose: a field the controller adds later must not make every
// standalone broker refuse every device.

export const MQTT_AUTHENTICATE_PATH = '/api/v1/mqtt/authenticate';

export const BrokerIdentitySchema = Type.Union([
  Type.Object({
    kind: Type.Literal('device'),
    deviceId: Type.String({ pattern: DEVICE_ID_PATTERN.source }),
    areaCodes: Type.Array(Type.String({ pattern: AREA_CODE_PATTERN.source }), { maxItems: 16 }),
  }),
  Type.Object({ kind: Type.Literal('service'), name: Type.String({ minLength: 1, maxLength: 128 }) }),
]);

export const AuthenticateRequestSchema = Type.Object({
  username: Type.String(),
  password: Type.String(),
  clientId: Type.String(),
  remoteAddress: Type.String(),
});

export const AuthenticateResponseSchema = Type.Object({ identity: BrokerIdentitySchema });

// The schema and the hand-written type must describe the same thing.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const identitySchemaMatches: Same<Static<typeof BrokerIdentitySchema>, BrokerIdentity> = true;
const requestSchemaMatches: Same<Static<typeof AuthenticateRequestSchema>, AuthenticateRequest> = true;
void identitySchemaMatches;
void requestSchemaMatches;
