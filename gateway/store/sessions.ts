/**
 * Signed-in sessions (docs/web.md#sessions): one row per session, keyed by the SHA-256 of the cookie's random token,
 * with its CSRF token and expiry. Deleting the row ends the session; removing the user deletes all of theirs.
 */
import type { Db } from "./db.ts";

export interface SessionRow {
  tokenSha256: string;
  userId: number;
  csrf: string;
  createdMs: number;
  seenMs: number;
  expiresMs: number;
}

export function sessionsRepo(db: Db) {
  const q = {
    add: db.prepare(`INSERT INTO sessions (token_sha256, user_id, csrf, created_ms, seen_ms, expires_ms) VALUES (@tokenSha256, @userId, @csrf, @createdMs, @seenMs, @expiresMs)`),
    get: db.prepare(`SELECT token_sha256 AS tokenSha256, user_id AS userId, csrf, created_ms AS createdMs, seen_ms AS seenMs, expires_ms AS expiresMs FROM sessions WHERE token_sha256 = ?`),
    seen: db.prepare(`UPDATE sessions SET seen_ms = ? WHERE token_sha256 = ?`),
    end: db.prepare(`DELETE FROM sessions WHERE token_sha256 = ?`),
    endUser: db.prepare(`DELETE FROM sessions WHERE user_id = ?`),
    expire: db.prepare(`DELETE FROM sessions WHERE expires_ms <= ?`),
  };
  return {
    add(s: SessionRow): void {
      q.add.run(s);
    },
    get(tokenSha256: string): SessionRow | undefined {
      return q.get.get(tokenSha256) as SessionRow | undefined;
    },
    seen(tokenSha256: string, now: number): void {
      q.seen.run(now, tokenSha256);
    },
    end(tokenSha256: string): void {
      q.end.run(tokenSha256);
    },
    /** Ends every session of a user (a password reset signs them out everywhere). */
    endUser(userId: number): number {
      return q.endUser.run(userId).changes;
    },
    /** Deletes sessions whose absolute expiry has passed; returns how many. */
    expire(now: number): number {
      return q.expire.run(now).changes;
    },
  };
}
