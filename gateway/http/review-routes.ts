/** The review API (docs/reports.md#http, #expert-review): the lists, the actions on surveys and periods, undo, the log. */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Config } from "../config/schema.ts";
import { GatewayError } from "../errors.ts";
import type { Flag } from "../indices/flags.ts";
import { parseDay } from "../reports/query.ts";
import { catchUp } from "../reports/report.ts";
import { reviewPeriod, reviewSurvey, undoReview } from "../review/actions.ts";
import { checkFilter, reviewPeriods, reviewSurveys, reviewUnassigned, reviewUntimed, type ReviewFilter } from "../review/list.ts";
import type { Store } from "../store/store.ts";
import { parseTime } from "../time/zone.ts";
import { actorOf } from "../web/auth.ts";
import { parse, periodReviewBody, reviewQuery, surveyReviewBody, undoBody } from "./schemas.ts";

/** `reviewed` is called after a review changed something (the dashboard's push and the alert engine, app.ts). */
export function reviewRoutes(app: FastifyInstance, o: { store: Store; config: Config; now: () => number; reviewed?: (() => void) | undefined }): void {
  const { store, config, now } = o;
  const changed = <T>(logId: T): T => {
    if (logId !== null) o.reviewed?.();
    return logId;
  };
  /* The signed-in expert (403 for a user without the review permission), or the program that names itself in `by`. */
  const who = (req: FastifyRequest, by: string | undefined) => ({ ...actorOf(req, "review", by), now: now() });
  const day = (text: string, what: string) => parseDay(text, config.timeZone, now(), what);

  const filter = (query: unknown): ReviewFilter => {
    catchUp(store, config);
    const q = parse(reviewQuery, query, "query");
    const from = day(q.from, "from");
    checkFilter(store, { stores: q.store, terminals: q.terminal });
    return { from, to: q.to === undefined ? from : day(q.to, "to"), stores: q.store, terminals: q.terminal, employees: q.employee, answers: q.answer, flags: q.flag as Flag[] | undefined, status: q.status as ReviewFilter["status"], valid: q.invalid === undefined ? undefined : q.invalid === "false", limit: q.limit };
  };
  app.get("/api/review/surveys", async (req) => reviewSurveys(store, filter(req.query)));
  app.get("/api/review/periods", async (req) => reviewPeriods(store, filter(req.query)));
  app.get("/api/review/untimed", async (req) => reviewUntimed(store, filter(req.query), config.timeZone));
  app.get("/api/review/unassigned", async (req) => {
    const f = filter(req.query);
    if (f.stores?.length || f.terminals?.length) throw new GatewayError("invalid", "query: store, terminal: events of no terminal belong to no store; list them without store and terminal");
    return reviewUnassigned(store, f, config.timeZone);
  });
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
    const actor = who(req, b.by);
    const logId = changed(reviewSurvey(store, id((req.params as { id: string }).id), b.valid, b.reason ?? null, actor));
    return { review: logId, changed: logId !== null };
  });
  app.post("/api/review/periods/:id", async (req) => {
    const b = parse(periodReviewBody, req.body, "body");
    const actor = who(req, b.by);
    const periodId = id((req.params as { id: string }).id);
    let end: number | null = null;
    if (b.end !== undefined) {
      const p = store.derived.period(periodId);
      const tz = (p && store.terminals.store(store.terminals.terminal(p.terminalId)?.storeId ?? "")?.timeZone) ?? config.timeZone;
      const t = parseTime(b.end, tz, now());
      if (t === undefined) throw new GatewayError("invalid", `body: end: expected an ISO time or "YYYY-MM-DD HH:MM[:SS]", got "${b.end}"`);
      end = t;
    }
    const logId = changed(reviewPeriod(store, periodId, b.status, end, b.reason ?? null, actor));
    return { review: logId, changed: logId !== null };
  });
  app.post("/api/review/undo/:id", async (req) => {
    const b = parse(undoBody, req.body, "body");
    const actor = who(req, b.by);
    return { review: changed(undoReview(store, id((req.params as { id: string }).id), actor)) };
  });
}
