/**
 * The gateway's HTTP side (docs/reports.md#http): reports (JSON, CSV, HTML), the nightly files, and the review API. Listens on
 * 127.0.0.1 by default; on any other address the configuration requires a token, sent as `Authorization: Bearer`
 * (or `?token=` for a report opened in a browser). Every body and query is checked by zod; errors are JSON
 * `{ error, message }` with 400, 401, 404 or 409, never a crash.
 */
import { timingSafeEqual } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, normalize, resolve, sep } from "node:path";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import type { z } from "zod";
import type { Config } from "../config/schema.ts";
import { GatewayError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { render } from "../reports/render.ts";
import { catchUp, checkRange, makeReport, parseDay, parseGroupBy } from "../reports/report.ts";
import { reviewPeriod, reviewSurvey, undoReview } from "../review/actions.ts";
import type { Flag } from "../indices/flags.ts";
import { reviewPeriods, reviewSurveys, type ReviewFilter } from "../review/list.ts";
import type { Store } from "../store/store.ts";
import { parseTime } from "../time/zone.ts";
import { periodReviewBody, reportQuery, reviewQuery, surveyReviewBody, undoBody } from "./schemas.ts";

const STATUS: Record<string, number> = { invalid: 400, not_found: 404, conflict: 409, config: 400 };
const TYPES: Record<string, string> = { json: "application/json; charset=utf-8", csv: "text/csv; charset=utf-8", html: "text/html; charset=utf-8" };

function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new GatewayError("invalid", `${where}: ${r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  return r.data;
}

function tokenOk(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface HttpServer {
  readonly url: string;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

export async function startHttp(o: { store: Store; config: Config; log: Logger; now: () => number }): Promise<HttpServer> {
  const { store, config, now } = o;
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  const token = config.http.token;

  app.addHook("onRequest", async (req, reply) => {
    if (!token) return;
    const auth = req.headers.authorization;
    const given = auth?.startsWith("Bearer ") ? auth.slice(7) : (req.query as { token?: string } | undefined)?.token;
    if (!tokenOk(token, given)) return reply.code(401).send({ error: "unauthorized", message: "send the gateway's token as Authorization: Bearer <token>" });
  });
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof GatewayError) return reply.code(STATUS[err.code] ?? 400).send({ error: err.code, message: err.message });
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: "bad_request", message: err.message });
    o.log.error({ err, url: req.url }, "http request failed");
    return reply.code(500).send({ error: "internal", message: "internal error; see the gateway log" });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: "not_found", message: `no such path ${req.url.split("?")[0]}` }));

  const who = (by: string) => ({ by, now: now() });
  const day = (text: string, what: string) => parseDay(text, config.timeZone, now(), what);

  app.get("/healthz", async () => ({ ok: true }));

  const report = async (query: unknown, reply: FastifyReply, forced?: "html") => {
    const q = parse(reportQuery, query, "query");
    const from = day(q.from, "from");
    const to = q.to === undefined ? from : day(q.to, "to");
    checkRange(from, to);
    const r = makeReport(store, config, { from, to, groupBy: parseGroupBy(q.groupBy), stores: q.store, terminals: q.terminal, employees: q.employee }, now());
    const format = forced ?? q.format;
    return reply.type(TYPES[format]!).send(render(r, format));
  };
  app.get("/api/report", (req, reply) => report(req.query, reply));
  app.get("/report", (req, reply) => report(req.query, reply, "html"));

  const filter = (query: unknown): ReviewFilter => {
    catchUp(store, config);
    const q = parse(reviewQuery, query, "query");
    const from = day(q.from, "from");
    return { from, to: q.to === undefined ? from : day(q.to, "to"), stores: q.store, terminals: q.terminal, employees: q.employee, answers: q.answer, flags: q.flag as Flag[] | undefined, status: q.status as ReviewFilter["status"], valid: q.invalid === undefined ? undefined : q.invalid === "false", limit: q.limit };
  };
  app.get("/api/review/surveys", async (req) => reviewSurveys(store, filter(req.query)));
  app.get("/api/review/periods", async (req) => reviewPeriods(store, filter(req.query)));
  app.get("/api/review/log", async (req) => {
    const q = req.query as { terminal?: string; limit?: string };
    const limit = Number(q.limit ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new GatewayError("invalid", "query: limit: expected 1..10000");
    return store.reviews.entries(q.terminal ?? null, limit);
  });
  const id = (text: string) => {
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n <= 0) throw new GatewayError("invalid", `not an id: "${text}"`);
    return n;
  };
  app.post("/api/review/surveys/:id", async (req) => {
    const b = parse(surveyReviewBody, req.body, "body");
    const logId = reviewSurvey(store, id((req.params as { id: string }).id), b.valid, b.reason ?? null, who(b.by));
    return { review: logId, changed: logId !== null };
  });
  app.post("/api/review/periods/:id", async (req) => {
    const b = parse(periodReviewBody, req.body, "body");
    const periodId = id((req.params as { id: string }).id);
    let end: number | null = null;
    if (b.end !== undefined) {
      const p = store.derived.period(periodId);
      const tz = (p && store.terminals.store(store.terminals.terminal(p.terminalId)?.storeId ?? "")?.timeZone) ?? config.timeZone;
      const t = parseTime(b.end, tz, now());
      if (t === undefined) throw new GatewayError("invalid", `body: end: expected an ISO time or "YYYY-MM-DD HH:MM[:SS]", got "${b.end}"`);
      end = t;
    }
    const logId = reviewPeriod(store, periodId, b.status, end, b.reason ?? null, who(b.by));
    return { review: logId, changed: logId !== null };
  });
  app.post("/api/review/undo/:id", async (req) => {
    const b = parse(undoBody, req.body, "body");
    return { review: undoReview(store, id((req.params as { id: string }).id), who(b.by)) };
  });

  /* The nightly job's files: /reports/ lists them, /reports/<store>/<file> serves one. */
  const folder = resolve(config.reports.folder);
  app.get("/reports/", async () => {
    if (!existsSync(folder)) return [];
    return readdirSync(folder, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(join(folder, d.name)).map((f) => `${d.name}/${f}`))
      .sort();
  });
  app.get("/reports/*", async (req, reply) => {
    const rel = (req.params as { "*": string })["*"];
    const path = normalize(join(folder, rel));
    if (!path.startsWith(folder + sep) || !existsSync(path) || !statSync(path).isFile()) throw new GatewayError("not_found", `no report ${rel}`);
    const ext = path.slice(path.lastIndexOf(".") + 1);
    return reply.type(TYPES[ext] ?? "application/octet-stream").send(readFileSync(path));
  });

  try {
    await app.listen({ host: config.http.host, port: config.http.port });
  } catch (err) {
    await app.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === "EADDRINUSE") throw new GatewayError("conflict", `${config.http.host}:${config.http.port} is already in use (another gateway?): choose another port with http.port or LOYALTY_HTTP_PORT, or turn HTTP off with http.enabled false`);
    throw new GatewayError("config", `the HTTP server cannot listen on ${config.http.host}:${config.http.port}: ${e.message}`);
  }
  const addr = app.server.address();
  const port = typeof addr === "object" && addr ? addr.port : config.http.port;
  const url = `http://${config.http.host.includes(":") ? `[${config.http.host}]` : config.http.host}:${port}`;
  o.log.info({ url, token: token ? "required" : "none (loopback only)" }, "http listening: reports and review API");
  return { url, app, close: () => app.close() };
}
