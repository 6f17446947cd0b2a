/**
 * Who may ask the gateway's HTTP side for what (docs/reports.md#who-may-call-it, issue 15). Three checks, in order:
 * 1. the Host header names this gateway (the allow-list), else 421: a page on another site whose name was
 *    rebound to this machine's address (DNS rebinding) sends its own name as Host;
 * 2. with `http.token` set, every request carries it (or a valid session), else 401;
 * 3. without a token (loopback only), a call that changes something (any method but GET, HEAD, OPTIONS) is taken
 *    only when it is provably local: from a loopback socket, to a loopback name, and not sent by a page of
 *    another site (Origin, Sec-Fetch-Site), else 403.
 * Routes of the web app (their route config has `web: true`: the pages, sign-in, their assets) pass after check 1:
 * they authenticate themselves by session (a page without one sends the browser to sign in) and check CSRF.
 * `judge` is pure; `guardHook` reads the request and answers refusals as JSON `{ error, message }`.
 */
import { timingSafeEqual } from "node:crypto";
import { hostname, networkInterfaces } from "node:os";
import type { FastifyReply, FastifyRequest } from "fastify";
import { hostnameOf, isLoopbackIp, LOOPBACK_NAMES } from "./loopback.ts";

/** What the guard looks at in one request. */
export interface RequestFacts {
  method: string;
  host: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  remoteAddress: string | undefined;
  /** The token the request carries (`Authorization: Bearer`, or `?token=`). */
  token: string | undefined;
  /** True when a session (the web app's) vouches for the request. */
  session: boolean;
  /** True for a route of the web app, which checks its session itself (gateway/web/auth.ts). */
  web?: boolean;
}

export interface GuardOptions {
  /** Host names (lower case, IPv6 without brackets) this gateway answers to. */
  allowedHosts: ReadonlySet<string>;
  /** `http.token`; undefined: loopback only, changes only from this machine. */
  token: string | undefined;
  /** The port the server listens on, which a local page's Origin must name. */
  port: number;
  /** What the messages call this server: "gateway" (the default) or "hub". */
  name?: string;
}

export type Verdict = { ok: true } | { ok: false; status: 400 | 401 | 403 | 421; error: string; message: string };

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function tokenOk(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

const loopbackName = (host: string) => isLoopbackIp(host) || LOOPBACK_NAMES.includes(host);

/** An Origin of a page served by this gateway on this machine (or none, as programs send). */
function localOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  try {
    const u = new URL(origin);
    const p = u.port === "" ? (u.protocol === "https:" ? 443 : 80) : Number(u.port);
    return (u.protocol === "http:" || u.protocol === "https:") && loopbackName(hostnameOf(u.host) ?? "") && p === port;
  } catch {
    return false; /* "null" (a sandboxed or file page) and anything unparsable */
  }
}

export function judge(r: RequestFacts, o: GuardOptions): Verdict {
  const me = o.name ?? "gateway";
  const host = r.host === undefined ? undefined : hostnameOf(r.host);
  if (host === undefined) return { ok: false, status: 400, error: "bad_request", message: `the request has no valid Host header; ask for this ${me} by its address, e.g. http://127.0.0.1:${o.port}/` };
  if (!o.allowedHosts.has(host)) {
    return { ok: false, status: 421, error: "misdirected", message: `this ${me} does not answer to the name "${host}"; use one of ${[...o.allowedHosts].join(", ")}, or add the name to http.allowedHosts if it is this ${me}'s` };
  }
  if (r.web) return { ok: true };
  if (o.token !== undefined) {
    if (r.session || tokenOk(o.token, r.token)) return { ok: true };
    return { ok: false, status: 401, error: "unauthorized", message: `send the ${me}'s token as Authorization: Bearer <token>` };
  }
  if (SAFE.has(r.method) || r.session) return { ok: true };
  const site = r.secFetchSite;
  const local = isLoopbackIp(r.remoteAddress) && loopbackName(host) && localOrigin(r.origin, o.port) && (site === undefined || site === "same-origin" || site === "none");
  if (local) return { ok: true };
  return { ok: false, status: 403, error: "forbidden", message: `changes are accepted only from this machine (a loopback address, named 127.0.0.1 or localhost, not from a page of another site), or with the ${me}'s token (set http.token)` };
}

/**
 * The names a server bound to `host` answers to: `host` itself, localhost names on a loopback bind, every
 * interface address and the machine's name on a wildcard bind (0.0.0.0, ::), and `configured` (http.allowedHosts).
 */
export function allowedHosts(host: string, configured: readonly string[]): Set<string> {
  const names = new Set<string>([hostnameOf(host) ?? host.toLowerCase(), ...configured.map((h) => hostnameOf(h) ?? h.toLowerCase())]);
  if (isLoopbackIp(host) || LOOPBACK_NAMES.includes(host.toLowerCase())) for (const n of LOOPBACK_NAMES) names.add(n);
  if (host === "0.0.0.0" || host === "::") {
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(a.address.toLowerCase());
    for (const n of LOOPBACK_NAMES) names.add(n);
  }
  return names;
}

export const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The request's facts for `judge`. */
export function factsOf(req: FastifyRequest, session: (req: FastifyRequest) => boolean): RequestFacts {
  const auth = req.headers.authorization;
  return {
    method: req.method,
    host: one(req.headers.host),
    origin: one(req.headers.origin),
    secFetchSite: one(req.headers["sec-fetch-site"]),
    remoteAddress: req.socket.remoteAddress,
    token: auth?.startsWith("Bearer ") ? auth.slice(7) : (req.query as { token?: string } | undefined)?.token,
    session: session(req),
    web: (req.routeOptions.config as { web?: boolean } | undefined)?.web === true,
  };
}

/** A fastify onRequest hook that answers every refused request with its reason. */
export function guardHook(o: GuardOptions, session: (req: FastifyRequest) => boolean = () => false) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const v = judge(factsOf(req, session), o);
    if (!v.ok) return reply.code(v.status).send({ error: v.error, message: v.message });
  };
}
