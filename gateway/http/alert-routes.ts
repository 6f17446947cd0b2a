/**
 * The alerts JSON API (docs/alerts.md#http): rules, alerts with their comments, acknowledge, comment, close, and
 * the delivery log. Reads for every caller the guard lets in; changes under guard.ts's rule for changes (the token,
 * or provably local). Bodies are checked by zod (schemas.ts) and rules by gateway/alerts/rules.ts.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ackAlert, addRule, closeAlert, commentAlert, deliveries, getAlert, listAlerts, listRules, removeRule } from "../alerts/manage.ts";
import type { Config } from "../config/schema.ts";
import { GatewayError } from "../errors.ts";
import { indexSettings } from "../reports/settings.ts";
import type { Store } from "../store/store.ts";
import { parse } from "./schemas.ts";

const by = z.string().trim().min(1).max(100);
const alertsQuery = z
  .object({ all: z.enum(["true", "false"]).optional(), rule: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(10_000).default(500), token: z.string().optional() })
  .strict();
const deliveriesQuery = z.object({ alert: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(10_000).default(200), token: z.string().optional() }).strict();
const ackBody = z.object({ by, comment: z.string().max(2000).optional() }).strict();
const commentBody = z.object({ by, text: z.string().max(2000) }).strict();
const removeBody = z.object({ by }).strict();

export interface AlertRouteOptions {
  store: Store;
  config: Config;
  now: () => number;
  /** After every change: evaluate the rules soon (a rule was added, an alert closed) and push the open dashboards. */
  nudge?: (() => void) | undefined;
}

export function alertRoutes(app: FastifyInstance, o: AlertRouteOptions): void {
  const { store, config, now } = o;
  const settings = indexSettings(config);
  const nudge = () => o.nudge?.();
  const id = (params: unknown) => {
    const text = (params as { id: string }).id;
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n <= 0) throw new GatewayError("invalid", `not an id: "${text}"`);
    return n;
  };

  app.get("/api/alerts", async (req) => {
    const q = parse(alertsQuery, req.query, "query");
    return listAlerts(store, { all: q.all === "true", ruleId: q.rule, limit: q.limit });
  });
  app.get("/api/alerts/rules", async () => listRules(store));
  app.get("/api/alerts/deliveries", async (req) => {
    const q = parse(deliveriesQuery, req.query, "query");
    return deliveries(store, { alertId: q.alert, limit: q.limit });
  });
  app.get("/api/alerts/:id", async (req) => getAlert(store, id(req.params)));

  app.post("/api/alerts/rules", async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body !== "object" || Array.isArray(body)) throw new GatewayError("invalid", "body: expected a JSON object: the rule and by");
    const { by: who, ...rule } = body;
    const b = parse(removeBody, { by: who }, "body");
    const view = addRule(store, rule, { by: b.by, now: now() });
    nudge();
    return reply.code(201).send(view);
  });
  app.delete("/api/alerts/rules/:id", async (req) => {
    const b = parse(removeBody, req.body, "body");
    removeRule(store, id(req.params), { by: b.by, now: now() });
    nudge();
    return { removed: true };
  });
  app.post("/api/alerts/:id/ack", async (req) => {
    const b = parse(ackBody, req.body, "body");
    const view = ackAlert(store, id(req.params), b.comment, { by: b.by, now: now() });
    nudge();
    return view;
  });
  app.post("/api/alerts/:id/comment", async (req) => {
    const b = parse(commentBody, req.body, "body");
    const view = commentAlert(store, id(req.params), b.text, { by: b.by, now: now() });
    nudge();
    return view;
  });
  app.post("/api/alerts/:id/close", async (req) => {
    const b = parse(ackBody, req.body, "body");
    const view = closeAlert(store, settings, id(req.params), b.comment, { by: b.by, now: now() });
    nudge();
    return view;
  });
}
