/**
 * What every HTTP server of ours shares (the store gateway's, gateway/http/server.ts; the hub's,
 * gateway/hub/http/server.ts): errors answered as JSON `{ error, message }` in words, and listening under the
 * guard (guard.ts): the port chosen for `port` 0 and the address bound become the guard's, and a server without a
 * token that ended up bound beyond loopback is closed with its reason.
 */
import type { FastifyInstance } from "fastify";
import { GatewayError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { GuardOptions } from "./guard.ts";
import { isLoopbackIp } from "./loopback.ts";

const STATUS: Record<string, number> = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409, config: 400 };

/** GatewayErrors by their code, fastify's own client errors as 400s; anything else a logged 500 without its details. */
export function jsonErrors(app: FastifyInstance, log: Logger, logName: string): void {
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof GatewayError) return reply.code(STATUS[err.code] ?? 400).send({ error: err.code, message: err.message });
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: "bad_request", message: err.message });
    log.error({ err, url: req.url }, "http request failed");
    return reply.code(500).send({ error: "internal", message: `internal error; see the ${logName} log` });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: "not_found", message: `no such path ${req.url.split("?")[0]}` }));
}

export interface ListenOptions {
  host: string;
  port: number;
  token?: string | undefined;
  /** Said when the port is taken: who else may hold it ("another gateway") and what to do. */
  inUse: { who: string; hint: string };
}

/** Listens and completes `guard` (port, bound address); returns `http://host:port`. Closes `app` on any failure. */
export async function listenGuarded(app: FastifyInstance, o: ListenOptions, guard: GuardOptions): Promise<string> {
  try {
    await app.listen({ host: o.host, port: o.port });
  } catch (err) {
    await app.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === "EADDRINUSE") throw new GatewayError("conflict", `${o.host}:${o.port} is already in use (${o.inUse.who}?): ${o.inUse.hint}`);
    throw new GatewayError("config", `the HTTP server cannot listen on ${o.host}:${o.port}: ${e.message}`);
  }
  const addr = app.server.address();
  const port = typeof addr === "object" && addr ? addr.port : o.port;
  guard.port = port;
  /* The address bound is this server's too: with http.host localhost, http://127.0.0.1:<port>/ is the same server. */
  if (typeof addr === "object" && addr) guard.allowedHosts = new Set([...guard.allowedHosts, addr.address.toLowerCase()]);
  if (!o.token && !(typeof addr === "object" && addr && isLoopbackIp(addr.address))) {
    await app.close();
    throw new GatewayError("config", `http.host ${o.host} is bound to ${typeof addr === "object" && addr ? addr.address : "?"}, not a loopback address: set http.token, or use http.host 127.0.0.1`);
  }
  return `http://${o.host.includes(":") ? `[${o.host}]` : o.host}:${port}`;
}
