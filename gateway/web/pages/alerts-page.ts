/**
 * The alerts page (docs/web.md#alerts): every role reads it; the expert, the installer and the admin add and remove
 * rules and acknowledge, comment and close alerts, all through gateway/alerts/manage.ts as `loyalty alerts` and the
 * alerts API do. Each change is recorded under the signed-in user's login there and in audit_log (via web), and
 * nudges the alert engine and the open dashboards (app.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ackAlert, addRule, closeAlert, commentAlert, deliveries, listAlerts, listRules, removeRule } from "../../alerts/manage.ts";
import type { Config } from "../../config/schema.ts";
import { GatewayError } from "../../errors.ts";
import { parse } from "../../http/schemas.ts";
import { indexSettings } from "../../reports/settings.ts";
import type { Store } from "../../store/store.ts";
import { page } from "../layout.ts";
import { may } from "../roles.ts";
import { ackForm, commentForm, ruleForm, ruleFromForm } from "./alert-forms.ts";
import { alertsBody } from "./alerts-view.ts";
import { audit, runChange, type Outcome } from "./change.ts";
import { gate } from "./gate.ts";
import { keptOf } from "./kept.ts";

/** The zone the page shows times in: the store's when there is one store, else the gateway's. */
function zoneOf(store: Store, fallback: string): string {
  const all = store.terminals.stores();
  return all.length === 1 ? all[0]!.timeZone : fallback;
}

export function alertsRoutes(app: FastifyInstance, o: { store: Store; config: Config; now: () => number; nudgeAlerts?: (() => void) | undefined }): void {
  const { store, config, now } = o;
  const settings = indexSettings(config);
  const change = { config: { web: true }, preHandler: gate(store, "alerts") };
  const draw = (req: FastifyRequest, all: boolean, msg?: Outcome) =>
    page({
      title: "Оповещения",
      auth: req.auth,
      store,
      active: "/alerts",
      body: alertsBody({
        alerts: listAlerts(store, { all, limit: 200 }),
        all,
        rules: listRules(store),
        deliveries: deliveries(store, { limit: 50 }),
        stores: store.terminals.stores().map((s) => ({ id: s.id, name: s.name })),
        terminals: store.terminals.terminals().map((t) => t.id),
        zone: zoneOf(store, config.timeZone),
        csrf: req.auth!.csrf,
        canChange: may(req.auth!.user.roles, "alerts"),
        msg,
        kept: msg?.ok === false ? keptOf(req) : undefined,
      }),
    });
  const run = (req: FastifyRequest, reply: FastifyReply, fn: () => string) => runChange(reply, (_code, msg) => draw(req, false, msg), fn);
  const who = (req: FastifyRequest) => ({ by: req.auth!.user.login, now: now() });
  const idOf = (req: FastifyRequest) => {
    const n = Number((req.params as { id: string }).id);
    if (!Number.isSafeInteger(n) || n <= 0) throw new GatewayError("not_found", "Такого оповещения нет.");
    return n;
  };
  const comment = (text: string) => (text.trim() ? text : undefined);

  app.get("/alerts", { config: { web: true }, preHandler: gate(store, "read") }, async (req, reply) => {
    const all = (req.query as { all?: string }).all === "1";
    return reply.type("text/html; charset=utf-8").send(draw(req, all));
  });

  app.post("/alerts/rules", change, (req, reply) =>
    run(req, reply, () => {
      const rule = ruleFromForm(parse(ruleForm, req.body, "form"));
      const view = addRule(store, rule, who(req));
      audit(store, req, now(), { action: "alert.rule.add", subject: `правило ${view.id}`, detail: view.text });
      o.nudgeAlerts?.();
      return `Правило «${view.name}» добавлено.`;
    }),
  );

  app.post("/alerts/rules/:id/remove", change, (req, reply) =>
    run(req, reply, () => {
      const id = idOf(req);
      const rule = store.alerts.rule(id);
      if (!rule) throw new GatewayError("not_found", `Правила ${id} нет (его уже удалили?).`);
      removeRule(store, id, who(req));
      audit(store, req, now(), { action: "alert.rule.remove", subject: `правило ${id}`, detail: null });
      o.nudgeAlerts?.();
      return `Правило ${id} удалено; его оповещения закрыты.`;
    }),
  );

  app.post("/alerts/:id/ack", change, (req, reply) =>
    run(req, reply, () => {
      const id = idOf(req);
      const c = comment(parse(ackForm, req.body, "form").comment);
      ackAlert(store, id, c, who(req));
      audit(store, req, now(), { action: "alert.ack", subject: `оповещение ${id}`, detail: c ?? null });
      o.nudgeAlerts?.();
      return `Оповещение ${id} принято${c ? " с комментарием" : ""}.`;
    }),
  );

  app.post("/alerts/:id/comment", change, (req, reply) =>
    run(req, reply, () => {
      const id = idOf(req);
      const text = parse(commentForm, req.body, "form").text;
      if (!text.trim()) throw new GatewayError("invalid", "Комментарий пуст: напишите, что сделано или что известно.");
      commentAlert(store, id, text, who(req));
      audit(store, req, now(), { action: "alert.comment", subject: `оповещение ${id}`, detail: text.trim() });
      o.nudgeAlerts?.();
      return `Комментарий к оповещению ${id} добавлен.`;
    }),
  );

  app.post("/alerts/:id/close", change, (req, reply) =>
    run(req, reply, () => {
      const id = idOf(req);
      const c = comment(parse(ackForm, req.body, "form").comment);
      closeAlert(store, settings, id, c, who(req));
      audit(store, req, now(), { action: "alert.close", subject: `оповещение ${id}`, detail: c ?? null });
      o.nudgeAlerts?.();
      return `Оповещение ${id} закрыто.`;
    }),
  );
}
