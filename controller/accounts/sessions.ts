// Cookie sessions: a random 256-bit id in an HttpOnly, SameSite=Strict cookie; the database
// keeps only its sha256, with an absolute expiry. Why sessions and not JWTs: a session can be
// revoked at once (sign-out, account disabled, password changed), which a stateless token cannot.
import { and, eq, isNull, lt } from 'drizzle-orm';
import type { LoaDatabase } from '../db/client.js';
import { sessions, users } from '../db/schema/accounts.js';
import { sha256Hex } from '../security/fast-hash.js';
import { randomSecret } from '../security/secret-hash.js';
import type { Actor } from './actor.js';

export const SESSION_COOKIE = 'loa_session';
const TOUCH_EVERY_MS = 60_000;

export type SessionLookup = { status: 'ok'; actor: Actor; expiresAt: number } | { status: 'expired' } | { status: 'invalid' };

export class SessionStore {
  constructor(
    private readonly database: LoaDatabase,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  create(userId: number, ip: string | null, userAgent: string | null): { token: string; expiresAt: number } {
    const token = randomSecret();
    const now = this.clock();
    const expiresAt = now + this.ttlMs;
    this.database.db
      .insert(sessions)
      .values({ idHash: sha256Hex(token), userId, createdAt: now, expiresAt, lastSeenAt: now, ip, userAgent: userAgent?.slice(0, 300) ?? null })
      .run();
    return { token, expiresAt };
  }

  lookup(token: string): SessionLookup {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { status: 'invalid' };
    const row = this.database.db
      .select({ session: sessions, user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.idHash, sha256Hex(token)))
      .get();
    if (!row || row.session.revokedAt !== null || !row.user.active) return { status: 'invalid' };
    const now = this.clock();
    if (row.session.expiresAt <= now) return { status: 'expired' };
    if (now - row.session.lastSeenAt > TOUCH_EVERY_MS) {
      this.database.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.idHash, row.session.idHash)).run();
    }
    const { user } = row;
    return {
      status: 'ok',
      expiresAt: row.session.expiresAt,
      actor: { kind: 'user', userId: user.id, username: user.username, displayName: user.displayName, role: user.role, scopeCode: user.scopeCode },
    };
  }

  revoke(token: string): void {
    this.database.db.update(sessions).set({ revokedAt: this.clock() }).where(eq(sessions.idHash, sha256Hex(token))).run();
  }

  revokeAllForUser(userId: number): void {
    this.database.db
      .update(sessions)
      .set({ revokedAt: this.clock() })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
      .run();
  }

  purgeExpired(): number {
    return this.database.db.delete(sessions).where(lt(sessions.expiresAt, this.clock())).run().changes;
  }
}
