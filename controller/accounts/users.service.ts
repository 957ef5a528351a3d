// Staff accounts: creation with a strong password, role/scope rules, sign-in verification, and
// the first province admin. There is never a default password: the first admin's password comes
// from LOA_ADMIN_PASSWORD or is generated and shown once.
import { count, eq, sql } from 'drizzle-orm';
import { ROLE_LEVEL } from '../access/permissions.js';
import type { LoaDatabase } from '../db/client.js';
import { type Role, users } from '../db/schema/accounts.js';
import { AppError, type Language } from '../errors.js';
import type { AdminUnitIndex } from '../registry/admin-units.js';
import { checkPasswordStrength } from '../security/password-policy.js';
import { hashSecret, randomSecret, verifySecret } from '../security/secret-hash.js';

export interface UserView {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  scopeCode: string;
  active: boolean;
  createdAt: number;
  lastLoginAt: number | null;
}

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  scopeCode: string;
}

export type UserPatch = Partial<Pick<NewUser, 'displayName' | 'role' | 'scopeCode' | 'password'>> & { active?: boolean };

export type LoginCheck =
  | { status: 'ok'; user: UserView }
  | { status: 'unknown' }
  | { status: 'wrong_password'; user: UserView }
  | { status: 'disabled'; user: UserView };

const view = (row: typeof users.$inferSelect): UserView => ({
  id: row.id,
  username: row.username,
  displayName: row.displayName,
  role: row.role,
  scopeCode: row.scopeCode,
  active: row.active,
  createdAt: row.createdAt,
  lastLoginAt: row.lastLoginAt,
});

// Verifying against this when the username is unknown keeps the response time the same, so
// timing does not reveal which usernames exist.
let dummyHash: Promise<string> | undefined;

export class UserService {
  constructor(
    private readonly database: LoaDatabase,
    private readonly units: AdminUnitIndex,
    private readonly clock: () => number = Date.now,
  ) {}

  get(id: number): UserView | undefined {
    const row = this.database.db.select().from(users).where(eq(users.id, id)).get();
    return row && view(row);
  }

  /** Users whose own scope lies inside `scopeCode`. */
  listWithin(scopeCode: string): UserView[] {
    return this.database.db
      .select()
      .from(users)
      .orderBy(users.username)
      .all()
      .filter((u) => this.units.isWithin(scopeCode, u.scopeCode))
      .map(view);
  }

  count(): number {
    return this.database.db.select({ n: count() }).from(users).get()?.n ?? 0;
  }

  checkRoleScope(role: Role, scopeCode: string): void {
    const unit = this.units.get(scopeCode);
    if (!unit) throw new AppError('unknown_admin_unit', { code: scopeCode });
    const level = ROLE_LEVEL[role];
    if (level !== 'any' && unit.level !== level) throw new AppError('role_scope_mismatch', { role, level });
  }

  async create(input: NewUser, lang: Language): Promise<UserView> {
    const username = input.username.trim().toLowerCase();
    this.checkRoleScope(input.role, input.scopeCode);
    const weakness = checkPasswordStrength(input.password, username, lang);
    if (weakness) throw new AppError('weak_password', { reason: weakness });
    if (this.database.db.select({ id: users.id }).from(users).where(eq(users.username, username)).get()) {
      throw new AppError('duplicate_username', { username });
    }
    const now = this.clock();
    const row = this.database.db
      .insert(users)
      .values({
        username,
        displayName: input.displayName.trim(),
        passwordHash: await hashSecret(input.password, 'password'),
        role: input.role,
        scopeCode: input.scopeCode,
        createdAt: now,
        updatedAt: now,
        passwordChangedAt: now,
      })
      .returning()
      .get();
    return view(row);
  }

  async update(id: number, patch: UserPatch, lang: Language): Promise<UserView> {
    const current = this.database.db.select().from(users).where(eq(users.id, id)).get();
    if (!current) throw new AppError('not_found', { what: lang === 'vi' ? 'tài khoản' : 'account' });
    const role = patch.role ?? current.role;
    const scopeCode = patch.scopeCode ?? current.scopeCode;
    if (patch.role !== undefined || patch.scopeCode !== undefined) this.checkRoleScope(role, scopeCode);
    const now = this.clock();
    const set: Partial<typeof users.$inferInsert> = { updatedAt: now, role, scopeCode };
    if (patch.displayName !== undefined) set.displayName = patch.displayName.trim();
    if (patch.active !== undefined) set.active = patch.active;
    if (patch.password !== undefined) {
      const weakness = checkPasswordStrength(patch.password, current.username, lang);
      if (weakness) throw new AppError('weak_password', { reason: weakness });
      set.passwordHash = await hashSecret(patch.password, 'password');
      set.passwordChangedAt = now;
    }
    const row = this.database.db.update(users).set(set).where(eq(users.id, id)).returning().get();
    return view(row);
  }

  async checkLogin(username: string, password: string): Promise<LoginCheck> {
    const row = this.database.db
      .select()
      .from(users)
      .where(eq(users.username, username.trim().toLowerCase()))
      .get();
    if (!row) {
      dummyHash ??= hashSecret(randomSecret(), 'password');
      await verifySecret(password, await dummyHash);
      return { status: 'unknown' };
    }
    const ok = await verifySecret(password, row.passwordHash);
    if (!ok) return { status: 'wrong_password', user: view(row) };
    if (!row.active) return { status: 'disabled', user: view(row) };
    this.database.db.update(users).set({ lastLoginAt: this.clock() }).where(eq(users.id, row.id)).run();
    return { status: 'ok', user: view(row) };
  }

  async verifyPassword(id: number, password: string): Promise<boolean> {
    const row = this.database.db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, id)).get();
    return !!row && (await verifySecret(password, row.hash));
  }

  /**
   * On first start (no accounts at all) creates the province admin `admin`. Returns the generated
   * password so the caller can show it once; null when LOA_ADMIN_PASSWORD was used or users exist.
   */
  async ensureFirstAdmin(configuredPassword: string | undefined): Promise<{ created: boolean; generatedPassword: string | null }> {
    if (this.count() > 0) return { created: false, generatedPassword: null };
    const province = this.database.db.all<{ code: string }>(sql`SELECT code FROM admin_units WHERE level = 'province' ORDER BY code LIMIT 1`)[0];
    if (!province) throw new Error('no province in the registry: run `loa seed` first');
    const password = configuredPassword ?? randomSecret(15);
    await this.create({ username: 'admin', displayName: 'Quản trị tỉnh', password, role: 'province_admin', scopeCode: province.code }, 'en');
    return { created: true, generatedPassword: configuredPassword ? null : password };
  }
}
