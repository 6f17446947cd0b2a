/**
 * Simple link sections of the navigation, behind their permission: Отчёты lists the report views (the HTML reports
 * and the nightly files).
 */
import type { FastifyInstance } from "fastify";
import type { Store } from "../../store/store.ts";
import { html, type Html } from "../html.ts";
import { page } from "../layout.ts";
import type { Permission } from "../roles.ts";
import { gate } from "./gate.ts";

const SECTIONS: { path: string; title: string; needs: Permission; body: Html }[] = [
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
