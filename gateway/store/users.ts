/** The web app's users (docs/web.md#users-and-roles). gateway/web/users.ts decides; this only reads and writes. */
import type { Db } from "./db.ts";

export interface UserRow {
  id: number;
  login: string;
  name: string | null;
  /** Role names, as gateway/web/roles.ts lists them. */
  roles: string[];
  /** The scrypt hash (gateway/web/password.ts). */
  password: string;
  createdMs: number;
  passwordMs: number;
}

type Raw = { id: number; login: string; name: string | null; roles: string; password: string; created_ms: number; password_ms: number };
const row = (r: Raw): UserRow => ({ id: r.id, login: r.login, name: r.name, roles: r.roles.split(",").filter(Boolean), password: r.password, createdMs: r.created_ms, passwordMs: r.password_ms });

export function usersRepo(db: Db) {
  const q = {
    add: db.prepare(`INSERT INTO users (login, name, roles, password, created_ms, password_ms) VALUES (?, ?, ?, ?, ?, ?)`),
    byLogin: db.prepare(`SELECT * FROM users WHERE login = ?`),
    byId: db.prepare(`SELECT * FROM users WHERE id = ?`),
    all: db.prepare(`SELECT * FROM users ORDER BY login`),
    count: db.prepare(`SELECT count(*) AS n FROM users`),
    password: db.prepare(`UPDATE users SET password = ?, password_ms = ? WHERE id = ?`),
    roles: db.prepare(`UPDATE users SET roles = ? WHERE id = ?`),
    remove: db.prepare(`DELETE FROM users WHERE id = ?`),
  };
  return {
    add(u: { login: string; name: string | null; roles: readonly string[]; password: string }, now: number): number {
      return Number(q.add.run(u.login, u.name, u.roles.join(","), u.password, now, now).lastInsertRowid);
    },
    /** Logins compare without case: "Anna" and "anna" are one user. */
    byLogin(login: string): UserRow | undefined {
      const r = q.byLogin.get(login) as Raw | undefined;
      return r && row(r);
    },
    byId(id: number): UserRow | undefined {
      const r = q.byId.get(id) as Raw | undefined;
      return r && row(r);
    },
    all(): UserRow[] {
      return (q.all.all() as Raw[]).map(row);
    },
    count(): number {
      return (q.count.get() as { n: number }).n;
    },
    setPassword(id: number, hash: string, now: number): void {
      q.password.run(hash, now, id);
    },
    setRoles(id: number, roles: readonly string[]): void {
      q.roles.run(roles.join(","), id);
    },
    /** Removes the user and, by the foreign key, every session of theirs. */
    remove(id: number): void {
      q.remove.run(id);
    },
  };
}
