/**
 * The dashboard at `/` (docs/web.md#dashboard): today's indices per store and per terminal, from the report code
 * (the same figures as `loyalty report --from today`). The live part (server-sent events: the latest surveys,
 * terminals online, alerts) comes later into <section id="live">; this page is rendered once per request.
 */
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config/schema.ts";
import { parseDay } from "../../reports/query.ts";
import { makeReport } from "../../reports/report.ts";
import type { GroupJson, IndexFigureJson } from "../../reports/schema.ts";
import type { Store } from "../../store/store.ts";
import { html } from "../html.ts";
import { page } from "../layout.ts";
import { gate } from "./gate.ts";

const INDICES = ["inkStaff", "inkOffice", "iel"] as const;
const TITLES: Record<(typeof INDICES)[number], string> = { inkStaff: "ИНК@Персонал", inkOffice: "ИНК@Офис", iel: "ИЭЛ" };

/** A percent with a decimal comma, as Russian writes it. */
const pct = (v: number) => `${v.toFixed(1).replace(".", ",")} %`;

function figure(g: GroupJson, index: (typeof INDICES)[number]) {
  const f: IndexFigureJson | undefined = g.indices.find((x) => x.index === index);
  if (!f || f.value === null) return html`<td class="num nodata" data-index="${index}">нет данных</td>`;
  return html`<td class="num" data-index="${index}"><span data-value>${pct(f.value)}</span>${f.low !== null && f.high !== null ? html`<div class="ci">${pct(f.low)}…${pct(f.high)}</div>` : ""}<div class="ci">n = <span data-sample>${f.sample}</span>${f.small ? " · мало" : ""}</div></td>`;
}

function table(groups: GroupJson[], keys: ("store" | "terminal")[]) {
  if (groups.length === 0) return html`<p class="nodata">нет данных: сегодня опросов ещё не было</p>`;
  return html`<div class="table-wrap"><table><thead><tr>${keys.map((k) => html`<th>${k === "store" ? "Магазин" : "Терминал"}</th>`)}${INDICES.map((i) => html`<th class="num">${TITLES[i]}</th>`)}<th class="num hide-narrow">Опрошено</th></tr></thead>
  <tbody>${groups.map((g) => html`<tr data-row="${keys.map((k) => g.key[k] ?? "").join("/")}">${keys.map((k) => html`<td>${g.key[k] ?? ""}</td>`)}${INDICES.map((i) => figure(g, i))}<td class="num hide-narrow" data-surveys>${g.representativeness.surveys}</td></tr>`)}</tbody></table></div>`;
}

export function dashboardRoutes(app: FastifyInstance, o: { store: Store; config: Config; now: () => number }): void {
  const { store, config, now } = o;
  app.get("/", { config: { web: true }, preHandler: gate(store, "read") }, async (req, reply) => {
    const t = now();
    const today = parseDay("today", config.timeZone, t, "day");
    const byStore = makeReport(store, config, { from: today, to: today, groupBy: ["store"] }, t);
    const byTerminal = makeReport(store, config, { from: today, to: today, groupBy: ["store", "terminal"] }, t);
    const body = html`<h1>Дашборд <span class="muted">сегодня, ${today}</span></h1>
      ${byStore.provisional ? html`<p class="message">Есть периоды форс-мажора на проверке: цифры могут измениться.</p>` : ""}
      <h2>Магазины</h2><div id="stores">${table(byStore.groups, ["store"])}</div>
      <h2>Терминалы</h2><div id="terminals">${table(byTerminal.groups, ["store", "terminal"])}</div>
      <section id="live" aria-label="Сейчас" data-placeholder="live dashboard (server-sent events) comes here"></section>`;
    return reply.type("text/html; charset=utf-8").send(page({ title: "Дашборд", auth: req.auth, store, active: "/", body }));
  });
}
