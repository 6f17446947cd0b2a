/**
 * The hub's HTTP endpoints (docs/hub.md#http), one group per line in `hubRoutes`:
 * - `GET /api/report`, `GET /report`: the chain report, with the store gateway's query and formats
 *   (gateway/http/report-routes.ts) over the hub's rollups (../report.ts);
 * - `GET /api/hub/status`: `loyalty hub status --json` (../status.ts);
 * - `GET /api/health`: the hub and its PostgreSQL answer.
 * - `/api/review/:store/...`: expert review for the chain (review-routes.ts, review sync).
 */
import type { FastifyInstance } from "fastify";
import type { Pool } from "pg";
import { reportEndpoints } from "../../http/report-routes.ts";
import type { HubConfig } from "../config.ts";
import { hubReportFromQuery } from "../report.ts";
import { readHubStatus } from "../status.ts";
import { hubReviewRoutes } from "./review-routes.ts";

export interface HubRouteOptions {
  pool: Pool;
  config: HubConfig;
  now: () => number;
}

export function hubRoutes(app: FastifyInstance, o: HubRouteOptions): void {
  healthRoutes(app, o);
  reportEndpoints(app, (q, format, opts) => hubReportFromQuery(o.pool, o.config, q, format, opts), o.now);
  statusRoutes(app, o);
  hubReviewRoutes(app, o);
}

function statusRoutes(app: FastifyInstance, o: HubRouteOptions): void {
  app.get("/api/hub/status", async () => readHubStatus(o.pool, o.config.alarms, o.now(), o.config.indices));
}

function healthRoutes(app: FastifyInstance, o: HubRouteOptions): void {
  app.get("/api/health", async (_req, reply) => {
    try {
      await o.pool.query("SELECT 1");
      return { ok: true };
    } catch (e) {
      return reply.code(503).send({ ok: false, error: "unavailable", message: `the hub cannot reach its PostgreSQL database: ${(e as Error).message}` });
    }
  });
}
