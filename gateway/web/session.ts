/**
 * Sign-in, sessions and sign-out (docs/web.md#sessions). The cookie holds 256 random bits; the database keeps only
 * their SHA-256, the user and a CSRF token of the session. A session ends at sign-out, when its user is removed or
 * gets a new password, after IDLE_MS without a request, and at most MAX_MS after sign-in.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Store } from "../store/store.ts";
import type { UserRow } from "../store/users.ts";
import { hashPassword, verifyPassword } from "./password.ts";

export const IDLE_MS = 12 * 3_600_000;
export const MAX_MS = 7 * 24 * 3_600_000;
/** seen_ms is written at most this often, not on every request. */
const SEEN_EVERY_MS = 60_000;

export interface SignedIn {
  user: Pick<UserRow, "id" | "login" | "name" | "roles">;
  tokenSha256: string;
  csrf: string;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** A hash to verify against when the login is unknown, so a wrong login takes as long as a wrong password. */
let decoy: Promise<string> | undefined;

/** Checks the password and opens a session; returns its cookie token, or undefined for a wrong login or password. */
export async function signIn(store: Store, login: string, password: string, now: number): Promise<{ token: string; session: SignedIn } | undefined> {
  const u = store.users.byLogin(login.trim());
  if (!u) {
    await verifyPassword(password, await (decoy ??= hashPassword(randomBytes(16).toString("hex"))));
    return undefined;
  }
  if (!(await verifyPassword(password, u.password))) return undefined;
  const token = randomBytes(32).toString("base64url");
  const row = { tokenSha256: sha256(token), userId: u.id, csrf: randomBytes(32).toString("base64url"), createdMs: now, seenMs: now, expiresMs: now + MAX_MS };
  store.sessions.expire(now);
  store.sessions.add(row);
  return { token, session: { user: u, tokenSha256: row.tokenSha256, csrf: row.csrf } };
}

/** The session a cookie token opens now, or undefined (unknown, ended, idle too long, expired, user gone). */
export function resolveSession(store: Store, token: string | undefined, now: number): SignedIn | undefined {
  if (!token || token.length > 100) return undefined;
  const key = sha256(token);
  const s = store.sessions.get(key);
  if (!s) return undefined;
  if (s.expiresMs <= now || s.seenMs + IDLE_MS <= now) {
    store.sessions.end(key);
    return undefined;
  }
  const u = store.users.byId(s.userId);
  if (!u) return undefined;
  if (now - s.seenMs >= SEEN_EVERY_MS) store.sessions.seen(key, now);
  return { user: { id: u.id, login: u.login, name: u.name, roles: u.roles }, tokenSha256: key, csrf: s.csrf };
}

export function signOut(store: Store, s: SignedIn): void {
  store.sessions.end(s.tokenSha256);
}
