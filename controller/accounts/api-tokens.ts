// API tokens for machine clients (e.g. a province's upstream source system). The token is shown
// once as `loa_<id>_<secret>`; the database keeps only sha256(secret). A token acts with its own
// role and scope, which can never exceed its owner's; revoking it or disabling the owner ends it.
import { randomBytes } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import type { LoaDatabase } from '../db/client.js';
import { apiTokens, type Role, users } from '../db/schema/accounts.js';
import { sameHash, sha256Hex } from '../security/fast-hash.js';
import { randomSecret } from '../security/secret-hash.js';
import type { Actor } from './actor.js';

const TOKEN_PATTERN = /^loa_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface TokenView {
  id: string;
  name: string;
  role: Role;
  scopeCode: string;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
}

export class ApiTokenService {
  constructor(
    private readonly database: LoaDatabase,
    private readonly clock: () => number = Date.now,
  ) {}

  create(ownerId: number, input: { name: string; role: Role; scopeCode: string; expiresAt: number | null }): { view: TokenView; token: string } {
    const id = randomBytes(6).toString('hex');
    const secret = randomSecret(32);
    const now = this.clock();
    this.database.db
      .insert(apiTokens)
      .values({ id, userId: ownerId, name: input.name, tokenHash: sha256Hex(secret), role: input.role, scopeCode: input.scopeCode, createdAt: now, expiresAt: input.expiresAt })
      .run();
    return { view: this.get(id)!, token: `loa_${id}_${secret}` };
  }

  get(id: string): (TokenView & { userId: number }) | undefined {
    return this.database.db
      .select({
        id: apiTokens.id,
        userId: apiTokens.userId,
        name: apiTokens.name,
        role: apiTokens.role,
        scopeCode: apiTokens.scopeCode,
        createdAt: apiTokens.createdAt,
        lastUsedAt: apiTokens.lastUsedAt,
        expiresAt: apiTokens.expiresAt,
        revokedAt: apiTokens.revokedAt,
      })
      .from(apiTokens)
      .where(eq(apiTokens.id, id))
      .get();
  }

  listForUser(userId: number): TokenView[] {
    return this.database.db
      .select({
        id: apiTokens.id,
        name: apiTokens.name,
        role: apiTokens.role,
        scopeCode: apiTokens.scopeCode,
        createdAt: apiTokens.createdAt,
        lastUsedAt: apiTokens.lastUsedAt,
        expiresAt: apiTokens.expiresAt,
        revokedAt: apiTokens.revokedAt,
      })
      .from(apiTokens)
      .where(eq(apiTokens.userId, userId))
      .orderBy(desc(apiTokens.createdAt))
      .all();
  }

  revoke(id: string): void {
    this.database.db.update(apiTokens).set({ revokedAt: this.clock() }).where(eq(apiTokens.id, id)).run();
  }

  /** The actor a bearer token stands for, or null when it is unknown, revoked, expired or its owner disabled. */
  resolve(bearer: string): Actor | null {
    const match = TOKEN_PATTERN.exec(bearer);
    if (!match) return null;
    const [, id, secret] = match as unknown as [string, string, string];
    const row = this.database.db
      .select({ token: apiTokens, owner: users })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(eq(apiTokens.id, id))
      .get();
    const now = this.clock();
    if (!row || !sameHash(row.token.tokenHash, sha256Hex(secret))) return null;
    if (row.token.revokedAt !== null || !row.owner.active || (row.token.expiresAt !== null && row.token.expiresAt <= now)) return null;
    if (row.token.lastUsedAt === null || now - row.token.lastUsedAt > 60_000) {
      this.database.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, id)).run();
    }
    return {
      kind: 'token',
      tokenId: id,
      userId: row.owner.id,
      username: row.owner.username,
      displayName: `${row.owner.displayName} (token ${row.token.name})`,
      role: row.token.role,
      scopeCode: row.token.scopeCode,
    };
  }
}
