/** Reports over HTTP (docs/reports.md#http): `/api/report`, `/report` (HTML), and the nightly job's files; the hub serves the first two too. */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, normalize, resolve, sep } from "node:path";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { Config } from "../config/schema.ts";
import { GatewayError } from "../errors.ts";
import { reportFromQuery, type QueryOptions, type ReportQuery } from "../reports/query.ts";
import type { Store } from "../store/store.ts";
import { parse, reportQuery } from "./schemas.ts";

const TYPES: Record<string, string> = { json: "application/json; charset=utf-8", csv: "text/csv; charset=utf-8", html: "text/html; charset=utf-8" };

/** What builds and renders the report a query asks for: the store's (reports/query.ts) or the chain hub's (hub/report.ts). */
export type ReportMaker = (q: ReportQuery, format: "json" | "csv" | "html", o: QueryOptions) => string | Promise<string>;

/**
 * `GET /api/report` (the format asked for, JSON by default) and `GET /report` (HTML) over `make`: one request schema,
 * one set of formats and content types for the store gateway and the hub (docs/hub.md#chain-reports).
 */
export function reportEndpoints(app: FastifyInstance, make: ReportMaker, now: () => number): void {
  const report = async (query: unknown, reply: FastifyReply, forced?: "html") => {
    const q = parse(reportQuery, query, "query");
    const format = forced ?? q.format;
    const text = await make({ from: q.from, to: q.to, groupBy: q.groupBy, stores: q.store, terminals: q.terminal, employees: q.employee }, format, { now: now(), names: { from: "from", to: "to", groupBy: "groupBy" } });
    return reply.type(TYPES[format]!).send(text);
  };
  app.get("/api/report", (req, reply) => report(req.query, reply));
  app.get("/report", (req, reply) => report(req.query, reply, "html"));
}

export function reportRoutes(app: FastifyInstance, o: { store: Store; config: Config; now: () => number }): void {
  const { store, config, now } = o;
  reportEndpoints(app, (q, format, opts) => reportFromQuery(store, config, q, format, opts), now);

  /* The nightly job's files: /reports/ lists them, /reports/<store>/<file> serves one. */
  const folder = resolve(config.reports.folder);
  app.get("/reports/", async () => {
    if (!existsSync(folder)) return [];
    return readdirSync(folder, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      /* A name with a dot first is a report still being written (reports/atomic-file.ts). */
      .flatMap((d) => readdirSync(join(folder, d.name)).filter((f) => !f.startsWith(".")).map((f) => `${d.name}/${f}`))
      .sort();
  });
  app.get("/reports/*", async (req, reply) => {
    const rel = (req.params as { "*": string })["*"];
    const path = normalize(join(folder, rel));
    if (!path.startsWith(folder + sep) || !existsSync(path) || !statSync(path).isFile()) throw new GatewayError("not_found", `no report ${rel}`);
    const ext = path.slice(path.lastIndexOf(".") + 1);
    return reply.type(TYPES[ext] ?? "application/octet-stream").send(readFileSync(path));
  });
}
