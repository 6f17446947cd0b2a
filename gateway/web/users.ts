/**
 * What can be done to users (docs/web.md#users-and-roles), from the CLI (`loyalty users`) and the users page alike:
 * add, change roles, set a password, remove. Each change is one transaction with its audit entry; setting a
 * password or removing a user ends their sessions. The last admin can be neither removed nor demoted, so the web
 * app always has someone who can manage it (the CLI adds another admin at any time).
 */
import { GatewayError } from "../errors.ts";
import type { Actor } from "../store/audit.ts";
import type { Store } from "../store/store.ts";
import type { UserRow } from "../store/users.ts";
import { hashPassword, passwordProblem } from "./password.ts";
import { parseRoles, rolesInWords, type Role } from "./roles.ts";

const LOGIN = /^[\p{L}\p{N}._@-]{1,64}$/u;

export function checkLogin(login: string): string {
  const l = login.trim();
  if (!LOGIN.test(l)) throw new GatewayError("invalid", `login "${login}": 1 to 64 letters, digits, dots, dashes, underscores or @, no spaces`);
  return l;
}

export function rolesOf(text: string | readonly string[], where: string): Role[] {
  const r = parseRoles(text, where);
  if (typeof r === "string") throw new GatewayError("invalid", r);
  return r;
}

function checkPassword(password: string): void {
  const p = passwordProblem(password);
  if (p) throw new GatewayError("invalid", p);
}

export function existingUser(store: Store, login: string): UserRow {
  const u = store.users.byLogin(login.trim());
  if (!u) throw new GatewayError("not_found", `no user "${login}"${store.users.count() ? ` (users: ${store.users.all().map((x) => x.login).join(", ")})` : " (there are no users yet)"}`);
  return u;
}

const admins = (store: Store) => store.users.all().filter((u) => u.roles.includes("admin"));

export async function addUser(store: Store, u: { login: string; name?: string | null; roles: string | readonly string[]; password: string }, who: Actor, now: number): Promise<UserRow> {
  const login = checkLogin(u.login);
  const roles = rolesOf(u.roles, "roles");
  checkPassword(u.password);
  if (store.users.byLogin(login)) throw new GatewayError("conflict", `a user "${login}" exists already; change their password or roles instead`);
  const hash = await hashPassword(u.password);
  return store.tx(() => {
    if (store.users.byLogin(login)) throw new GatewayError("conflict", `a user "${login}" exists already; change their password or roles instead`);
    const id = store.users.add({ login, name: u.name?.trim() || null, roles, password: hash }, now);
    store.audit.add({ ...who, atMs: now, action: "user.add", subject: login, detail: rolesInWords(roles) });
    return store.users.byId(id)!;
  });
}

export function setRoles(store: Store, login: string, text: string | readonly string[], who: Actor, now: number): UserRow {
  const roles = rolesOf(text, "roles");
  return store.tx(() => {
    const u = existingUser(store, login);
    if (u.roles.includes("admin") && !roles.includes("admin") && admins(store).length === 1) {
      throw new GatewayError("conflict", `${u.login} is the only admin: make someone else an admin first`);
    }
    if (u.roles.join(",") === roles.join(",")) return u;
    store.users.setRoles(u.id, roles);
    store.audit.add({ ...who, atMs: now, action: "user.roles", subject: u.login, detail: `${rolesInWords(u.roles)} → ${rolesInWords(roles)}` });
    return store.users.byId(u.id)!;
  });
}

/** Sets a new password and signs the user out everywhere; returns how many sessions ended. */
export async function setPassword(store: Store, login: string, password: string, who: Actor, now: number): Promise<number> {
  checkPassword(password);
  existingUser(store, login);
  const hash = await hashPassword(password);
  return store.tx(() => {
    const u = existingUser(store, login);
    store.users.setPassword(u.id, hash, now);
    const ended = store.sessions.endUser(u.id);
    store.audit.add({ ...who, atMs: now, action: "user.password", subject: u.login, detail: null });
    return ended;
  });
}

/** Removes the user and ends their sessions; their reviews stay in the audit log under their login. */
export function removeUser(store: Store, login: string, who: Actor, now: number): UserRow {
  return store.tx(() => {
    const u = existingUser(store, login);
    if (u.roles.includes("admin") && admins(store).length === 1) throw new GatewayError("conflict", `${u.login} is the only admin and cannot be removed: make someone else an admin first`);
    store.users.remove(u.id);
    store.audit.add({ ...who, atMs: now, action: "user.remove", subject: u.login, detail: rolesInWords(u.roles) });
    return u;
  });
}
