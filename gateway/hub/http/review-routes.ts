/**
 * Review sync's endpoints at the hub (docs/hub.md#http): a program reviews any store gateway's surveys and periods
 * for the chain, as `loyalty hub review` does, with the store gateway's request bodies (gateway/http/schemas.ts).
 * A program names who reviews in `by`; the hub has no signed-in users. Each review reaches its store at once.
 */
import type { FastifyInstance } from "fastify";
import type { Pool } from "pg";
import { z } from "zod";
import { GatewayError } from "../../errors.ts";
import { parse, periodReviewBody, surveyReviewBody, undoBody } from "../../http/schemas.ts";
import { parseDay } from "../../reports/query.ts";
import { terminalDefaults } from "../../terminals/config.ts";
import { parseTime } from "../../time/zone.ts";
import type { HubConfig } from "../config.ts";
import { rebuildHubQueued } from "../rebuild.ts";
import { hubReviewHistory, hubReviewPeriod, hubReviewSurvey, hubUndoReview, type HubReviewer } from "../review.ts";
import { hubPeriods, hubSurveys, periodZone } from "../review-list.ts";
import { hubStoreId } from "../wire.ts";

const listQuery = z
  .object({
    from: z.string().default("yesterday"),
    to: z.string().optional(),
    terminal: z.string().min(1).optional(),
    invalid: z.enum(["true", "false"]).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(500),
  })
  .strict();

export function hubReviewRoutes(app: FastifyInstance, o: { pool: Pool; config: HubConfig; now: () => number }): void {
  const { pool, config, now } = o;
  const storeOf = (params: unknown) => parse(z.object({ store: hubStoreId }).passthrough(), params, "path").store;
  const id = (params: unknown) => {
    const n = Number((params as { id: string }).id);
    if (!Number.isSafeInteger(n) || n <= 0) throw new GatewayError("invalid", `not an id: "${(params as { id: string }).id}"`);
    return n;
  };
  const who = (by: string | undefined): HubReviewer => {
    if (!by) throw new GatewayError("invalid", "body: by: say who reviews (the hub has no signed-in users)");
    return { by, now: now(), via: "api" };
  };
  const list = async (query: unknown) => {
    await rebuildHubQueued(pool, terminalDefaults(config));
    const q = parse(listQuery, query, "query");
    const from = parseDay(q.from, config.timeZone, now(), "from");
    const to = q.to === undefined ? from : parseDay(q.to, config.timeZone, now(), "to");
    if (to < from) throw new GatewayError("invalid", `query: to ${to} is before from ${from}`);
    return { from, to, terminal: q.terminal, invalid: q.invalid === "true" ? true : undefined, limit: q.limit };
  };

  app.get("/api/review/:store/surveys", async (req) => hubSurveys(pool, storeOf(req.params), await list(req.query)));
  app.get("/api/review/:store/periods", async (req) => hubPeriods(pool, storeOf(req.params), await list(req.query)));
  app.get("/api/review/:store/log", async (req) => {
    const q = parse(z.object({ terminal: z.string().min(1).optional(), limit: z.coerce.number().int().min(1).max(10_000).default(100) }).strict(), req.query, "query");
    return hubReviewHistory(pool, storeOf(req.params), { terminalId: q.terminal, limit: q.limit });
  });
  app.post("/api/review/:store/surveys/:id", async (req) => {
    const b = parse(surveyReviewBody, req.body, "body");
    const uid = await hubReviewSurvey(pool, storeOf(req.params), id(req.params), b.valid, b.reason ?? null, who(b.by));
    return { review: uid, changed: uid !== null };
  });
  app.post("/api/review/:store/periods/:id", async (req) => {
    const b = parse(periodReviewBody, req.body, "body");
    const store = storeOf(req.params);
    const periodId = id(req.params);
    let end: number | null = null;
    if (b.end !== undefined) {
      const t = parseTime(b.end, (await periodZone(pool, store, periodId)) ?? config.timeZone, now());
      if (t === undefined) throw new GatewayError("invalid", `body: end: expected an ISO time or "YYYY-MM-DD HH:MM[:SS]", got "${b.end}"`);
      end = t;
    }
    const uid = await hubReviewPeriod(pool, store, periodId, b.status, end, b.reason ?? null, who(b.by));
    return { review: uid, changed: uid !== null };
  });
  app.post("/api/review/:store/undo/:uid", async (req) => {
    const b = parse(undoBody, req.body, "body");
    const uid = parse(z.object({ uid: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, "expected a review's uid (8 to 64 letters, digits or '-'), as GET /api/review/<store>/log lists them") }).passthrough(), req.params, "path").uid;
    return { review: await hubUndoReview(pool, storeOf(req.params), uid, who(b.by)) };
  });
}
