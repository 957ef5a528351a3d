// Schemas shared by many routes (TypeBox: one definition gives the JSON Schema for validation and
// OpenAPI, and the static type for handlers).
import { type TSchema, Type } from '@sinclair/typebox';

export const ErrorResponse = Type.Object(
  { code: Type.String(), message: Type.String(), reqId: Type.String(), details: Type.Optional(Type.Unknown()) },
  { description: 'Every error: a stable code and a message in the reader\'s language (Vietnamese by default).' },
);

/** The error responses a protected route can give, for its `response` schema. */
export const protectedErrors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
};

export const Page = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});

export const AreaCode = Type.String({ pattern: '^[0-9]{2,5}$', description: 'GSO code of a province (2 digits), district (3) or commune (5)' });
export const CommuneCode = Type.String({ pattern: '^[0-9]{5}$', description: 'GSO code of a commune (5 digits)' });
export const DeviceId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' });

export const Paged = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), total: Type.Integer() });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
