/**
 * The sections still to come (issue 16): the review desk. Each is in the navigation already and
 * behind its permission, and says what it will hold; the pages that replace these keep the paths. Отчёты lists the
 * report views that exist today.
 */
import type { FastifyInstance } from "fastify";
import type { Store } from "../../store/store.ts";
import { html, type Html } from "../html.ts";
import { page } from "../layout.ts";
import type { Permission } from "../roles.ts";
import { gate } from "./gate.ts";

const SECTIONS: { path: string; title: string; needs: Permission; body: Html }[] = [
  { path: "/review", title: "Проверка", needs: "review", body: html`<p class="message">Рабочее место эксперта появится здесь. Пока проверка ведётся командой <code>npx loyalty review</code> и через API <code>/api/review/…</code>.</p>` },
  {
    path: "/reports",
    title: "Отчёты",
    needs: "read",
    body: html`<ul><li><a href="/report?from=today&amp;groupBy=terminal">Сегодня по терминалам</a></li><li><a href="/report?from=yesterday&amp;groupBy=terminal">Вчера по терминалам</a></li><li><a href="/report?from=-6&amp;to=today">Последние 7 дней по магазинам</a></li><li><a href="/reports/">Ночные отчёты (список файлов)</a></li></ul>`,
  },
];

export function sectionRoutes(app: FastifyInstance, o: { store: Store }): void {
  for (const s of SECTIONS) {
    app.get(s.path, { config: { web: true }, preHandler: gate(o.store, s.needs) }, async (req, reply) =>
      reply.type("text/html; charset=utf-8").send(page({ title: s.title, auth: req.auth, store: o.store, active: s.path, body: html`<h1>${s.title}</h1>${s.body}` })),
    );
  }
}
