/**
 * The dashboard's live part as HTML for one viewer (docs/web.md#dashboard): the same fragment fills <section
 * id="live"> when the page is served and replaces it at every push (live.ts). Numbers in Russian notation, times in
 * the store's zone, «нет данных» wherever there is nothing to show; the acknowledge button only for a viewer who may
 * acknowledge, each form with the session's CSRF token.
 */
import { INDEX_NAMES, INDEX_TITLE, type IndexName } from "../../indices/formulas.ts";
import type { GroupJson, IndexFigureJson } from "../../reports/schema.ts";
import { L } from "../../reports/labels.ts";
import { count, dateTime, day, decimal, integer, NBSP, NOUNS, plural } from "../../format/ru.ts";
import { formatLocal } from "../../time/zone.ts";
import { html, type Html } from "../html.ts";
import { better, emptyGrid, emptyTrend, HEAT_KINDS, type HeatKind, type RankRow } from "./figures.ts";
import type { Snapshot } from "./snapshot.ts";

export interface Viewer {
  csrf: string;
  /** May acknowledge alerts (docs/decisions.md: every role but the manager's). */
  mayAck: boolean;
}

const NO = html`<p class="nodata">нет данных</p>`;
/** A percent with a decimal comma, as Russian writes it. */
const pct = (v: number) => `${v.toFixed(1).replace(".", ",")} %`;
const ANSWERS: Record<string, string> = { yes: L.yes, no: L.no, unsure: L.unsure, silent: "Молчание" };
const WEEKDAYS = ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"];
const HEAT_TITLE: Record<HeatKind, string> = { ...INDEX_TITLE, count: "Число опросов" };

function figure(g: GroupJson, index: IndexName) {
  const f: IndexFigureJson | undefined = g.indices.find((x) => x.index === index);
  if (!f || f.value === null) return html`<td class="num nodata" data-index="${index}">нет данных</td>`;
  return html`<td class="num" data-index="${index}"><span data-value>${pct(f.value)}</span>${f.low !== null && f.high !== null ? html`<div class="ci">${pct(f.low)}…${pct(f.high)}</div>` : ""}<div class="ci">n = <span data-sample>${f.sample}</span>${f.small ? " · мало" : ""}</div></td>`;
}

const KEY_TITLE = { store: "Магазин", terminal: "Терминал", employee: "Сотрудник" } as const;

function table(groups: GroupJson[], keys: (keyof typeof KEY_TITLE)[]) {
  if (groups.length === 0) return html`<p class="nodata">нет данных: сегодня опросов ещё не было</p>`;
  return html`<div class="table-wrap"><table><thead><tr>${keys.map((k) => html`<th>${KEY_TITLE[k]}</th>`)}${INDEX_NAMES.map((i) => html`<th class="num">${INDEX_TITLE[i]}</th>`)}<th class="num hide-narrow">Опрошено</th></tr></thead>
  <tbody>${groups.map((g) => html`<tr data-row="${keys.map((k) => g.key[k] ?? "").join("/")}">${keys.map((k) => html`<td>${g.key[k] ?? ""}</td>`)}${INDEX_NAMES.map((i) => figure(g, i))}<td class="num hide-narrow" data-surveys>${g.representativeness.surveys}</td></tr>`)}</tbody></table></div>`;
}

function latest(s: Snapshot): Html {
  if (s.latest.length === 0) return NO;
  return html`<div class="table-wrap"><table><thead><tr><th>Время</th><th>Терминал</th><th>Ответ</th><th class="hide-narrow">Сотрудник</th></tr></thead><tbody>${s.latest.map(
    (x) => html`<tr data-survey="${x.id}"${x.valid ? "" : html` class="muted"`}><td>${formatLocal(x.openedAt, x.tz).slice(11)}</td><td>${x.terminal}</td><td data-answer="${x.answer}">${ANSWERS[x.answer]}${x.valid ? "" : " (недействителен)"}</td><td class="hide-narrow">${x.employee ?? "—"}</td></tr>`,
  )}</tbody></table></div>`;
}

const offsetText = (ms: number | null) => (ms === null ? "нет данных" : `${ms > 0 ? "+" : ""}${decimal(ms / 1000, 1)}${NBSP}с`);

function terminals(s: Snapshot): Html {
  if (s.terminals.length === 0) return html`${NO}${s.pending ? html`<p class="muted">Ожидают привязки: ${s.pending}</p>` : ""}`;
  const rows = s.terminals.map((t) => {
    const online = t.devices.some((d) => d.state === "online");
    const outbox = t.devices.reduce<number | null>((n, d) => (d.outbox === null ? n : (n ?? 0) + d.outbox), null);
    const offsets = t.devices.map((d) => offsetText(d.clockOffsetMs)).join(", ") || "нет данных";
    return html`<tr data-terminal="${t.terminal}"><td>${t.terminal}</td><td data-state="${online ? "online" : "offline"}" class="${online ? "ok" : "bad"}">${online ? "в сети" : "не в сети"}</td><td data-last-press>${t.lastPressMs === null ? "нет данных" : dateTime(t.lastPressMs, t.tz)}</td><td class="num" data-outbox>${outbox === null ? "нет данных" : integer(outbox)}</td><td class="num hide-narrow" data-offset>${offsets}</td></tr>`;
  });
  return html`<div class="table-wrap"><table><thead><tr><th>Терминал</th><th>Связь</th><th>Последнее нажатие</th><th class="num">Очередь</th><th class="num hide-narrow">Сдвиг часов</th></tr></thead><tbody>${rows}</tbody></table></div>${s.pending ? html`<p class="muted">Ожидают привязки: ${s.pending}</p>` : ""}`;
}

function periods(s: Snapshot): Html {
  if (s.periods.length === 0) return NO;
  return html`<p class="muted">${count(s.periods.length, NOUNS.period)} форс-мажора ${plural(s.periods.length, NOUNS.awaits)} проверки</p>
  <div class="table-wrap"><table><thead><tr><th>Терминал</th><th>Начало</th><th>Конец</th></tr></thead><tbody>${s.periods.map((p) => html`<tr data-period="${p.id}"><td>${p.terminal}</td><td>${p.start}</td><td>${p.end}</td></tr>`)}</tbody></table></div>`;
}

function alerts(s: Snapshot, v: Viewer): Html {
  if (s.alerts.length === 0) return html`<p class="nodata">нет данных: открытых оповещений нет</p>`;
  return html`<div class="table-wrap"><table><thead><tr><th>Открыто</th><th>Правило</th><th>Что</th><th>Состояние</th></tr></thead><tbody>${s.alerts.map(
    (a) => html`<tr data-alert="${a.id}"><td>${dateTime(a.openedMs, s.timeZone)}</td><td>${a.ruleName}</td><td>${a.message}</td><td data-alert-state="${a.state}">${
      a.state === "acknowledged"
        ? html`подтверждено: ${a.ackedBy ?? ""}${a.ackedMs === null ? "" : html`, ${dateTime(a.ackedMs, s.timeZone)}`}`
        : v.mayAck
          ? html`<form method="post" action="/dashboard/alerts/${a.id}/ack" class="actions"><input type="hidden" name="_csrf" value="${v.csrf}"><input name="comment" aria-label="Комментарий к оповещению ${a.id}" placeholder="комментарий" maxlength="2000"><button type="submit">Подтвердить</button></form>`
          : "открыто"
    }</td></tr>`,
  )}</tbody></table></div>`;
}

/** A cell's colour: red for bad, green for good; blue for counts, by share of the largest. */
function shade(kind: HeatKind, value: number, max: number): string {
  if (kind === "count") return `background: hsl(215 80% ${Math.round(97 - 45 * (value / Math.max(1, max)))}%)`;
  const good = kind === "iel" ? (value + 100) / 200 : 1 - value / 100;
  return `background: hsl(${Math.round(120 * Math.min(1, Math.max(0, good)))} 65% 80%)`;
}

function heat(s: Snapshot): Html {
  const grids = HEAT_KINDS.map((kind) => {
    const g = s.heat[kind];
    if (emptyGrid(g, kind)) return html`<div class="heat" data-heat="${kind}"><h3>${HEAT_TITLE[kind]}</h3>${NO}</div>`;
    const max = Math.max(...g.flat().map((c) => c.sample));
    const hours = Array.from({ length: 24 }, (_, h) => h);
    return html`<div class="heat" data-heat="${kind}"><h3>${HEAT_TITLE[kind]}</h3><div class="table-wrap"><table class="heatmap"><thead><tr><th></th>${hours.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${g.map(
      (row, w) => html`<tr><th>${WEEKDAYS[w]}</th>${row.map((c, h) =>
        c.value === null || (kind === "count" && c.sample === 0)
          ? html`<td data-cell="${w}-${h}"></td>`
          : html`<td data-cell="${w}-${h}" data-n="${c.sample}" style="${shade(kind, c.value, max)}" title="${WEEKDAYS[w]}, ${h}:00–${h + 1}:00: ${kind === "count" ? count(c.sample, NOUNS.survey) : `${pct(c.value)}, n = ${c.sample}`}">${kind === "count" ? integer(c.value) : decimal(c.value, 0)}</td>`,
      )}</tr>`,
    )}</tbody></table></div></div>`;
  });
  return html`<p class="muted">${day(s.trend.days[0]!)}–${day(s.today)}, по времени магазина; в клетке индекс в процентах или число опросов.</p>${grids}`;
}

function rankTable(rows: RankRow[], title: string): Html {
  if (rows.length === 0) return NO;
  return html`<div class="table-wrap"><table><thead><tr><th>${title}</th><th>Индекс</th><th class="num">Сейчас</th><th class="num">Было</th><th class="num">Изменение</th></tr></thead><tbody>${rows.map((r) => {
    const b = better(r.index, r.change);
    return html`<tr data-rank="${r.subject}/${r.index}"><td>${r.subject}</td><td>${INDEX_TITLE[r.index]}</td><td class="num" data-value>${pct(r.value)}<div class="ci">n = ${r.sample}${r.small ? " · мало" : ""}</div></td><td class="num">${r.previous === null ? "нет данных" : pct(r.previous)}</td><td class="num ${b === null ? "" : b ? "ok" : "bad"}" data-change>${r.change === null ? "нет данных" : `${r.change > 0 ? "+" : r.change < 0 ? "−" : ""}${decimal(Math.abs(r.change))}${NBSP}п. п.`}</td></tr>`;
  })}</tbody></table></div>`;
}

/** The live section's content for one viewer. */
export function liveFragment(s: Snapshot, v: Viewer): Html {
  const chart = emptyTrend(s.trend) ? null : { days: s.trend.days.map((d) => day(d, true)), series: INDEX_NAMES.map((i) => ({ label: INDEX_TITLE[i], data: s.trend.series[i] })) };
  return html`<p class="muted" data-updated>Обновлено: ${dateTime(s.now, s.timeZone)} (${s.timeZone})</p>
    ${s.provisional ? html`<p class="message">Есть периоды форс-мажора на проверке: цифры могут измениться.</p>` : ""}
    <h2>Магазины</h2><div id="stores">${table(s.byStore, ["store"])}</div>
    <h2>Терминалы</h2><div id="terminals">${table(s.byTerminal, ["store", "terminal"])}</div>
    <h2>Сотрудники</h2><div id="employees">${table(s.byEmployee, ["employee"])}</div>
    <h2>Последние опросы</h2><div id="latest">${latest(s)}</div>
    <h2>Состояние терминалов</h2><div id="devices">${terminals(s)}</div>
    <h2>Форс-мажор на проверке</h2><div id="periods">${periods(s)}</div>
    <h2>Оповещения</h2><div id="alerts">${alerts(s, v)}</div>
    <h2>Тренд за ${count(s.trend.days.length, NOUNS.day)}</h2><div id="trend">${chart ? html`<div class="chart"><canvas aria-label="Тренд индексов за ${count(s.trend.days.length, NOUNS.day)}" data-chart="${JSON.stringify(chart)}"></canvas></div>` : NO}</div>
    <h2>Часы и дни недели</h2><div id="heat">${heat(s)}</div>
    <h2>Рейтинг</h2><p class="muted">${day(s.rank.from)}–${day(s.rank.to)} против ${day(s.rank.previousFrom)}–${day(s.rank.previousTo)}; лучшие сверху.</p>
    <div id="rank-terminals">${rankTable(s.rank.terminals, "Терминал")}</div>
    <div id="rank-employees">${rankTable(s.rank.employees, "Сотрудник")}</div>`;
}
