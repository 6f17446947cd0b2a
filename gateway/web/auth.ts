/**
 * Who is asking, for the HTTP side (docs/web.md#sessions): a signed-in user by the session cookie, or a program by
 * the bearer token (or, without a token, from this machine: guard.ts). A change from a session must carry the
 * session's CSRF token (header X-CSRF-Token, or the form field _csrf): SameSite=Strict already keeps the cookie off
 * other sites' requests, and the token is the second lock the issue asks for. A program with the token needs none:
 * browsers never add an Authorization header on their own.
 */
import { timingSafeEqual } from "node:crypto";
import fastifyCookie from "@fastify/cookie";
import type { FastifyReply, FastifyRequest } from "fastify";
import { GatewayError } from "../errors.ts";
import type { Actor } from "../store/audit.ts";
import type { Store } from "../store/store.ts";
import { factsOf, tokenOk } from "../http/guard.ts";
import { may, type Permission } from "./roles.ts";
import { MAX_MS, resolveSession, type SignedIn } from "./session.ts";

export const COOKIE = "lb_session";
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in user's session, when the cookie opens one. */
    auth?: SignedIn;
    /** True when the request carries the gateway's token (a program). */
    byToken?: boolean;
  }
}

/** The guard's session check (HttpOptions.session): resolves the cookie once per request and keeps the result. */
export function sessionCheck(store: Store, token: string | undefined, now: () => number) {
  return (req: FastifyRequest): boolean => {
    const cookies = fastifyCookie.parse(req.headers.cookie ?? "");
    req.auth = resolveSession(store, cookies[COOKIE], now());
    req.byToken = token !== undefined && tokenOk(token, factsOf(req, () => false).token);
    return req.auth !== undefined;
  };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** True when a change needs the CSRF token and lacks it: a session's change without the right one. */
export function csrfMissing(req: FastifyRequest): boolean {
  if (SAFE.has(req.method) || !req.auth || req.byToken) return false;
  const header = req.headers["x-csrf-token"];
  const given = (Array.isArray(header) ? header[0] : header) ?? (req.body as { _csrf?: unknown } | undefined)?._csrf;
  return typeof given !== "string" || !same(given, req.auth.csrf);
}

export const CSRF_MESSAGE = "this change came without the page's CSRF token: reload the page and try again (programs use the bearer token instead of a session)";

/**
 * Who makes an API change: the signed-in user, who must hold `permission` (else 403), or a program, which names
 * itself in `by`. A session's own `by` is ignored: the audit records the login.
 */
export function actorOf(req: FastifyRequest, permission: Permission, by: string | undefined): Actor {
  if (req.auth && !req.byToken) {
    if (!may(req.auth.user.roles, permission)) throw new GatewayError("forbidden", `${req.auth.user.login} may not do this: it needs the ${permission} permission (docs/web.md#users-and-roles)`);
    return { by: req.auth.user.login, userId: req.auth.user.id, via: "web" };
  }
  if (by === undefined) throw new GatewayError("invalid", "body: by: required: the name the audit log records for this change (a signed-in user is recorded by login)");
  return { by, userId: null, via: "api" };
}

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(COOKIE, token, { path: "/", httpOnly: true, sameSite: "strict", secure: req.protocol === "https", maxAge: MAX_MS / 1000 });
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(COOKIE, { path: "/", httpOnly: true, sameSite: "strict", secure: req.protocol === "https" });
}
