/**
 * The dashboard at `/` (docs/web.md#dashboard): the live part (dashboard/render.ts) rendered once with the page and
 * then replaced at every push over server-sent events from `/live/events` (dashboard/live.ts, drawn by
 * assets/dash.js); alerts acknowledged from it with `POST /dashboard/alerts/:id/ack`, audited under the user.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ackAlert } from "../../alerts/manage.ts";
import { GatewayError } from "../../errors.ts";
import type { Store } from "../../store/store.ts";
import { liveFragment } from "../dashboard/render.ts";
import { mayAck, type LiveHub } from "../dashboard/live.ts";
import { html } from "../html.ts";
import { messagePage, page } from "../layout.ts";
import { errorWords } from "../error-words.ts";
import { gate } from "./gate.ts";

const ackForm = z.object({ _csrf: z.string().optional(), comment: z.string().optional() });

export function dashboardRoutes(app: FastifyInstance, o: { store: Store; now: () => number; live: LiveHub }): void {
  const { store, now, live } = o;
  const read = { config: { web: true }, preHandler: gate(store, "read") };

  app.get("/", read, async (req, reply) => {
    const auth = req.auth!;
    const snap = live.snapshot();
    const body = html`<h1>Дашборд <span class="muted">сегодня, ${snap.today}</span></h1>
      <section id="live" aria-label="Сейчас" aria-live="polite">${liveFragment(snap, { csrf: auth.csrf, mayAck: mayAck(auth.user.roles) })}</section>
      <script src="/assets/chart.umd.min.js" defer></script><script src="/assets/dash.js" defer></script>`;
    return reply.type("text/html; charset=utf-8").send(page({ title: "Дашборд", auth, store, active: "/", body }));
  });

  app.get("/live/events", read, async (req, reply) => {
    reply.hijack();
    live.subscribe(reply.raw, req.auth!.tokenSha256);
  });

  app.post("/dashboard/alerts/:id/ack", read, async (req, reply) => {
    const auth = req.auth!;
    const refuse = (code: number, title: string, text: string) => reply.code(code).type("text/html; charset=utf-8").send(messagePage({ title, text, auth, store }));
    if (!mayAck(auth.user.roles)) return refuse(403, "Нет доступа", "Менеджер видит оповещения, но не подтверждает их: это делают эксперт, монтажник или администратор.");
    const text = (req.params as { id: string }).id;
    const id = Number(text);
    if (!/^\d{1,15}$/.test(text) || id <= 0) return refuse(404, "Нет такого оповещения", `Оповещения «${text}» нет.`);
    const form = ackForm.safeParse(req.body ?? {});
    const comment = form.success ? form.data.comment?.trim() || undefined : undefined;
    try {
      const t = now();
      ackAlert(store, id, comment, { by: auth.user.login, now: t });
      store.audit.add({ atMs: t, by: auth.user.login, userId: auth.user.id, via: "web", action: "alert.ack", subject: String(id), detail: comment ?? null });
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      const words: Record<string, string> = { not_found: `Оповещения №${id} нет.`, conflict: `Оповещение №${id} уже подтверждено или закрыто.`, invalid: "Комментарий: от 1 до 2000 символов." };
      return refuse(err.code === "not_found" ? 404 : err.code === "conflict" ? 409 : 400, "Не подтверждено", words[err.code] ?? errorWords(err));
    }
    live.nudge();
    return reply.redirect("/", 303);
  });
}
