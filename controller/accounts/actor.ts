// Who is making a request, once authenticated: a person through a session, or a machine
// client through an API token (acting with the token's role and scope).
import type { Role } from '../db/schema/accounts.js';

export interface Actor {
  kind: 'user' | 'token';
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  scopeCode: string;
  tokenId?: string;
}
