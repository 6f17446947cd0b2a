/**
 * The audit of changes that are no expert review (reviews keep their own log in reviews.ts): users today, terminals
 * and alerts as their pages come. Append-only: who (login, user id when signed in), through what, what, on what.
 */
import type { Db } from "./db.ts";

/** Through what a change came: the command line, a program with the token, or a signed-in user's page or call. */
export type Via = "cli" | "api" | "web" | "hub";

export interface Actor {
  /** A login, or the name a program or the command line gave. */
  by: string;
  /** The signed-in user's id (web only). */
  userId: number | null;
  via: Via;
}

export interface AuditEntry extends Actor {
  id: number;
  atMs: number;
  /** e.g. user.add, user.roles, user.password, user.remove */
  action: string;
  /** What it acted on, e.g. the user's login. */
  subject: string;
  /** Before and after in words, e.g. "эксперт → эксперт, монтажник"; null when the action says it all. */
  detail: string | null;
}

export function auditRepo(db: Db) {
  const q = {
    add: db.prepare(`INSERT INTO audit_log (at_ms, by, user_id, via, action, subject, detail) VALUES (@atMs, @by, @userId, @via, @action, @subject, @detail)`),
    recent: db.prepare(`SELECT id, at_ms AS atMs, by, user_id AS userId, via, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT ?`),
  };
  return {
    add(e: Omit<AuditEntry, "id">): number {
      return Number(q.add.run(e).lastInsertRowid);
    },
    /** Newest first. */
    recent(limit: number): AuditEntry[] {
      return q.recent.all(limit) as AuditEntry[];
    },
  };
}
