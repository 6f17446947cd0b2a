/**
 * The review desk's HTML (docs/web.md#review-desk): the filter, and `<div id="desk">` with the day's figures, the
 * undo bar, the surveys, the force-majeure periods on their terminals' timelines and the review log. Every action is
 * a form that posts with the CSRF token; htmx (hx-post) swaps #desk with the answer, so the figures follow each
 * review at once, and without JavaScript the same form posts and the page comes back. Review buttons are drawn only
 * for a user with the review permission: a manager reads the same desk.
 */
import { percent } from "../../format/ru.ts";
import type { IndexFigureJson } from "../../reports/schema.ts";
import type { PeriodItem, SurveyItem } from "../../review/list.ts";
import { STATUS_WORDS, type EntryInWords } from "../../review/words.ts";
import { html, type Html } from "../html.ts";
import type { DeskData } from "./review-desk-data.ts";
import { ANSWERS, FLAG_WORDS, filterQueryString } from "./review-filter.ts";
import { ANSWER_WORDS, timelineSvg } from "./review-timeline.ts";

export interface DeskMessage {
  ok: boolean;
  text: string;
}

const INDEX_TITLES: Record<IndexFigureJson["index"], string> = { inkStaff: "ИНК@Персонал", inkOffice: "ИНК@Офис", iel: "ИЭЛ" };
const NODATA = html`<span class="nodata">нет данных</span>`;

function option(value: string, text: string, selected: string | undefined) {
  return html`<option value="${value}"${value === (selected ?? "") ? html` selected` : ""}>${text}</option>`;
}

export function filterForm(d: DeskData): Html {
  const f = d.filter;
  return html`<form id="filter" class="filters" method="get" action="/review">
    <label>День <input type="date" name="day" value="${f.day}" required></label>
    <label>Магазин <select name="store">${option("", "все", f.store)}${d.stores.map((s) => option(s.id, s.name === s.id ? s.id : `${s.name} (${s.id})`, f.store))}</select></label>
    <label>Терминал <select name="terminal">${option("", "все", f.terminal)}${d.terminals.map((t) => option(t.id, t.name ?? t.id, f.terminal))}</select></label>
    <label>Сотрудник <select name="employee">${option("", "все", f.employee)}${d.employees.map((e) => option(e, e, f.employee))}</select></label>
    <label>Ответ <select name="answer">${option("", "все", f.answer)}${ANSWERS.map((a) => option(a, ANSWER_WORDS[a]!, f.answer))}</select></label>
    <label>Отметка <select name="flag">${option("", "все", f.flag)}${Object.entries(FLAG_WORDS).map(([k, v]) => option(k, v, f.flag))}</select></label>
    <button type="submit">Показать</button>
  </form>`;
}

function figureCard(f: IndexFigureJson | undefined, index: IndexFigureJson["index"]) {
  const has = f !== undefined && f.value !== null;
  return html`<div class="card" data-index="${index}"><div class="muted">${INDEX_TITLES[index]}</div>
    <div class="value" data-value>${has ? percent(f.value) : NODATA}</div>
    ${has && f.low !== null && f.high !== null ? html`<div class="ci">${percent(f.low)}…${percent(f.high)}</div>` : ""}
    <div class="ci">n = <span data-sample>${f?.sample ?? 0}</span>${f?.small ? " · мало" : ""}</div></div>`;
}

function figures(d: DeskData): Html {
  const g = d.figures;
  const fm = g.fm ?? { confirmed: 0, unreviewed: 0, rejected: 0 };
  return html`<section id="figures" aria-label="Индексы дня по фильтру" class="cards">
    ${(["inkStaff", "inkOffice", "iel"] as const).map((i) => figureCard(g.indices.find((x) => x.index === i), i))}
    <div class="card"><div class="muted">Опросы дня</div><div class="value" data-surveys>${g.representativeness.surveys}</div>
      <div class="ci">не учитывается: <span data-invalid>${g.invalid}</span> · с отметками: ${g.flagged}</div>
      <div class="ci">форс-мажор: ждут проверки <span data-fm-unreviewed>${fm.unreviewed}</span>, подтверждено ${fm.confirmed}, отклонено ${fm.rejected}</div></div>
  </section>
  ${d.provisional ? html`<p class="message">Есть периоды форс-мажора на проверке: цифры могут измениться.</p>` : ""}`;
}

/** The hidden fields every action carries: the CSRF token and the filter to come back to. */
function hidden(csrf: string, q: string) {
  return html`<input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="q" value="${q}">`;
}

/** A form that posts to `action` and, with htmx, swaps #desk with the answer. */
function action(path: string, csrf: string, q: string, body: Html, cls = "inline") {
  return html`<form method="post" action="${path}" hx-post="${path}" hx-target="#desk" hx-swap="outerHTML" class="${cls}">${hidden(csrf, q)}${body}</form>`;
}

function cctv(link: string | null) {
  return link ? html`<a href="${link}" target="_blank" rel="noopener noreferrer" data-cctv>Видео</a>` : NODATA;
}

function surveyRow(s: SurveyItem, csrf: string | null, q: string) {
  const state = s.valid ? html`<span class="ok">учитывается</span>` : html`<span class="bad">не учитывается</span>: ${s.reason}`;
  return html`<tr data-survey="${s.id}" data-valid="${s.valid}" tabindex="-1">
    <td class="num"><strong>${s.opened.slice(11)}</strong><div class="ci">до ${s.closed.slice(11)}</div></td>
    <td>${s.terminal}<div class="ci">№ ${s.id}</div></td>
    <td data-answer>${ANSWER_WORDS[s.answer] ?? s.answer}</td>
    <td>${s.employee ?? NODATA}</td>
    <td>${s.flags.length ? s.flags.map((f) => FLAG_WORDS[f]).join(", ") : html`<span class="muted">—</span>`}</td>
    <td data-state>${state}</td>
    <td>${cctv(s.cctv)}</td>
    ${csrf === null ? "" : html`<td class="row-actions">
      ${action(`/review/surveys/${s.id}`, csrf, q, html`<input type="hidden" name="valid" value="true"><button type="submit" data-key="v">Учитывать <kbd>v</kbd></button>`)}
      <details data-key="i"><summary>Не учитывать… <kbd>i</kbd></summary>
        ${action(`/review/surveys/${s.id}`, csrf, q, html`<input type="hidden" name="valid" value="false"><input name="reason" required maxlength="500" placeholder="Причина" aria-label="Причина для опроса ${s.id}" autocomplete="off"><button type="submit">Сохранить</button>`, "actions")}
      </details></td>`}
  </tr>`;
}

function surveys(d: DeskData, csrf: string | null, q: string): Html {
  if (d.surveys.length === 0) return html`<p class="nodata" id="surveys">нет данных: опросов с таким фильтром нет</p>`;
  return html`<div class="table-wrap"><table id="surveys" class="desk-table"><thead><tr><th>Время</th><th>Терминал</th><th>Ответ</th><th>Сотрудник</th><th>Отметки</th><th>Состояние</th><th>Видео</th>${csrf === null ? "" : html`<th></th>`}</tr></thead>
    <tbody>${d.surveys.map((s) => surveyRow(s, csrf, q))}</tbody></table></div>`;
}

function periodRow(p: PeriodItem, csrf: string | null, q: string) {
  const keep = p.status === "unreviewed" ? "confirmed" : p.status;
  return html`<tr data-period="${p.id}" data-status="${p.status}">
    <td>${p.terminal}<div class="ci">№ ${p.id}</div></td>
    <td class="num">${p.start.slice(11)}</td>
    <td class="num" data-end>${p.end.slice(11)}${p.corrected ? html`<div class="ci">исправлен; по нажатиям ${p.derivedEnd.slice(11)}</div>` : ""}</td>
    <td>${p.endReason === "max" ? "по времени (Fmax)" : "долгим нажатием"}</td>
    <td data-state>${STATUS_WORDS[p.status]}</td>
    <td>${cctv(p.cctv)}</td>
    ${csrf === null ? "" : html`<td class="row-actions"><div class="actions">
      ${action(`/review/periods/${p.id}`, csrf, q, html`<input type="hidden" name="status" value="confirmed"><button type="submit">Подтвердить</button>`)}
      ${action(`/review/periods/${p.id}`, csrf, q, html`<input type="hidden" name="status" value="rejected"><button type="submit">Отклонить</button>`)}</div>
      ${action(`/review/periods/${p.id}`, csrf, q, html`<input type="hidden" name="status" value="${keep}"><label>Конец <input name="end" value="${p.end}" required maxlength="40" aria-label="Конец периода ${p.id}" autocomplete="off"></label><button type="submit">Исправить конец</button>`, "actions")}
    </td>`}
  </tr>`;
}

function periods(d: DeskData, csrf: string | null, q: string): Html {
  const timelines = d.timelines.map((t) => html`<figure class="day"><figcaption>${t.terminal}: опросы и форс-мажор за день</figcaption>${timelineSvg(t)}</figure>`);
  const legend = html`<p class="legend muted"><span class="sw yes"></span> да <span class="sw no"></span> нет <span class="sw unsure"></span> не уверен <span class="sw silent"></span> молчание · <span class="sw fm unreviewed"></span> не проверен <span class="sw fm confirmed"></span> подтверждён <span class="sw fm rejected"></span> отклонён</p>`;
  const table =
    d.periods.length === 0
      ? html`<p class="nodata" id="periods">нет данных: периодов форс-мажора в этот день нет</p>`
      : html`<div class="table-wrap"><table id="periods" class="desk-table"><thead><tr><th>Терминал</th><th>Начало</th><th>Конец</th><th>Завершён</th><th>Состояние</th><th>Видео</th>${csrf === null ? "" : html`<th></th>`}</tr></thead>
      <tbody>${d.periods.map((p) => periodRow(p, csrf, q))}</tbody></table></div>`;
  return html`${timelines}${timelines.length ? legend : ""}${table}`;
}

function logTable(log: EntryInWords[]): Html {
  if (log.length === 0) return html`<p class="nodata" id="log">нет данных: проверок ещё не было</p>`;
  return html`<div class="table-wrap"><table id="log"><thead><tr><th>Когда</th><th>Кто</th><th>Что</th><th>Действие</th><th>Было → стало</th></tr></thead><tbody>
    ${log.map((e) => html`<tr data-entry="${e.id}"><td class="num">${e.at}<div class="ci">запись ${e.id}</div></td><td data-by>${e.by}<div class="ci">${e.via}</div></td><td>${e.what}</td>
      <td data-action>${e.action}${e.undo ? html`<div class="ci">${e.undo}</div>` : ""}</td><td data-change>${e.before} → ${e.after}${e.reason ? html`<div class="ci">${e.reason}</div>` : ""}</td></tr>`)}
  </tbody></table></div>`;
}

function undoBar(d: DeskData, csrf: string, q: string): Html {
  const u = d.lastUndo;
  if (!u) return html`<p class="muted" id="undo-bar">Отменять нечего: ваших проверок в силе нет.</p>`;
  return html`<div id="undo-bar" class="actions">${action("/review/undo", csrf, q, html`<input type="hidden" name="review" value="${u.id}"><button type="submit" id="undo" data-key="u">Отменить последнюю проверку <kbd>u</kbd></button>`)}
    <span class="muted" data-undo-what>${u.what}: ${u.action}, ${u.before} → ${u.after}</span></div>`;
}

/** The swappable part of the page; `csrf` null draws it read-only. */
export function desk(d: DeskData, csrf: string | null, msg?: DeskMessage): Html {
  const q = filterQueryString(d.filter);
  return html`<div id="desk">
    ${msg ? html`<p class="message ${msg.ok ? "notice" : "error"}" role="${msg.ok ? "status" : "alert"}">${msg.text}</p>` : ""}
    ${figures(d)}
    ${csrf === null ? html`<p class="muted" id="read-only">Только просмотр: проверять опросы может эксперт.</p>` : undoBar(d, csrf, q)}
    <h2>Опросы <span class="muted">${d.surveys.length}</span></h2>
    ${csrf === null ? "" : html`<p class="muted keys">Клавиши: <kbd>j</kbd>/<kbd>k</kbd> или <kbd>↓</kbd>/<kbd>↑</kbd> — следующий и предыдущий опрос, <kbd>i</kbd> — не учитывать (причина, <kbd>Enter</kbd> сохраняет), <kbd>v</kbd> — учитывать, <kbd>c</kbd> — видео, <kbd>u</kbd> — отменить последнюю проверку.</p>`}
    ${surveys(d, csrf, q)}
    <h2>Форс-мажор</h2>
    ${periods(d, csrf, q)}
    <h2>Журнал проверок</h2>
    ${logTable(d.log)}
  </div>`;
}
