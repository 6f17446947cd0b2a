/**
 * The terminals page drawn from the board (gateway/terminals/board.ts): pending devices with identify and the pairing
 * form, each terminal with its settings, devices, credential states, changes and history. The forms are drawn only
 * for a user who may change terminals (the installer); everyone else reads the same figures.
 */
import { dateTime, NBSP } from "../../format/ru.ts";
import type { Board, BoardDevice, BoardTerminal } from "../../terminals/board.ts";
import { FROM_THE_START } from "../../terminals/manage.ts";
import type { SettingKey } from "../../surveys/settings.ts";
import { IDENTIFY_SECONDS } from "../../installer/constants.ts";
import { html, type Html } from "../html.ts";
import type { Outcome } from "./change.ts";
import { formValues, type Kept } from "./kept.ts";
import { inUnit, QUESTION_TITLE, TIMING_FIELDS } from "./terminal-forms.ts";

export interface TerminalsView {
  board: Board;
  /** The zone of a device that belongs to no store yet (pending): the gateway's. */
  zone: string;
  csrf: string;
  canChange: boolean;
  msg?: Outcome | undefined;
  /** A refused form's values, drawn back into it. */
  kept?: Kept | undefined;
}

const NONE = html`<span class="nodata">нет данных</span>`;
const ROLE: Record<string, string> = { combo: "клавиатура с кнопкой продавца", keypad: "клавиатура покупателя", seller: "кнопка продавца" };
const STATE: Record<string, string> = { online: "на связи", offline: "нет связи", pending: "ожидает привязки" };

function credential(d: BoardDevice, tz: string): Html {
  const c = d.credential;
  if (c.state === "issued") return html`<span data-credential="issued">выдан ${dateTime(c.atMs!, tz)}</span>`;
  if (c.state === "revoked") return html`<span data-credential="revoked" class="error-text">отозван ${dateTime(c.atMs!, tz)}</span>`;
  return html`<span data-credential="none" class="muted">${d.link?.startsWith("serial:") ? "нет (кабель)" : "нет"}</span>`;
}

function setting(key: SettingKey, value: unknown): string {
  if (value === null || value === "") return "—";
  if (key === "questionKind") return QUESTION_TITLE[value as keyof typeof QUESTION_TITLE] ?? String(value);
  if (key === "questionText") return `«${String(value)}»`;
  if (key === "heartbeatMs") return `${Number(value) / 1000}${NBSP}с`;
  if (key in TIMING_FIELDS) {
    const k = key as keyof typeof TIMING_FIELDS;
    return `${inUnit(k, Number(value))}${NBSP}${TIMING_FIELDS[k].unit}`;
  }
  return String(value);
}

const SETTING_TITLE: Record<SettingKey, string> = {
  questionKind: "Вид вопроса",
  questionText: "Текст вопроса",
  employee: "Сотрудник",
  windowMs: "Окно опроса",
  longMs: "Длинное нажатие",
  fmMaxMs: "Максимум форс-мажора",
  heartbeatMs: "Период пульса",
};

function identifyButton(v: TerminalsView, serial: string): Html {
  return html`<form method="post" action="/terminals/identify" class="inline"><input type="hidden" name="_csrf" value="${v.csrf}"><input type="hidden" name="serial" value="${serial}"><button type="submit" title="Светодиоды устройства мигают ${IDENTIFY_SECONDS} с">Мигнуть</button></form>`;
}

function pendingSection(v: TerminalsView): Html {
  const { pending, stores, terminals } = v.board;
  const rows = pending.map(
    (d) => html`<tr data-serial="${d.serial}"><td><code>${d.serial}</code></td><td>${ROLE[d.role ?? ""] ?? "—"}</td><td class="hide-narrow">${d.fw ?? "—"}</td>
      <td>${dateTime(d.lastSeenMs, v.zone)}</td><td class="hide-narrow">${d.link ?? "—"}</td><td>${credential(d, v.zone)}</td>${v.canChange ? html`<td>${identifyButton(v, d.serial)}</td>` : ""}</tr>`,
  );
  const table = pending.length
    ? html`<div class="table-wrap"><table id="pending"><thead><tr><th>Устройство</th><th>Роль</th><th class="hide-narrow">Прошивка</th><th>Последний раз</th><th class="hide-narrow">Связь</th><th>Доступ MQTT</th>${v.canChange ? html`<th></th>` : ""}</tr></thead><tbody>${rows}</tbody></table></div>`
    : html`<p class="nodata" id="pending">нет данных: новых устройств нет. Подключите терминал; непривязанный терминал здоровается каждые 10 с.</p>`;
  const f = formValues(v.kept, "/terminals/pair");
  const opt = (name: string, value: string, text: string) => html`<option value="${value}"${f.selected(name, value) ? html` selected` : ""}>${text}</option>`;
  const form =
    v.canChange && pending.length
      ? html`<h3>Привязать устройство</h3>
    <form method="post" action="/terminals/pair" class="stack" id="pair-form"><input type="hidden" name="_csrf" value="${v.csrf}">
      <label for="pair-serial">Устройство</label><select id="pair-serial" name="serial">${pending.map((d) => opt("serial", d.serial, d.serial))}</select>
      <label for="pair-store">Магазин</label><select id="pair-store" name="store"><option value="">— выберите —</option>${stores.map((s) => opt("store", s.id, `${s.name} (${s.id}, ${s.timeZone})`))}</select>
      ${stores.length ? "" : html`<p class="muted">Магазинов нет: добавьте магазин командой <code>npx loyalty stores add &lt;id&gt; --zone Europe/Moscow</code>.</p>`}
      <label for="pair-point">Место обслуживания (латиницей, например till-2)</label><input id="pair-point" name="point" value="${f.value("point")}" autocomplete="off">
      <label for="pair-question">Ключевой вопрос</label><select id="pair-question" name="question"><option value="">— выберите —</option>${Object.entries(QUESTION_TITLE).map(([k, t]) => opt("question", k, t))}</select>
      <label for="pair-text">Текст вопроса на терминале</label><input id="pair-text" name="text" value="${f.value("text")}" autocomplete="off">
      <label for="pair-employee">Сотрудник на смене (необязательно)</label><input id="pair-employee" name="employee" value="${f.value("employee")}" autocomplete="off">
      <label for="pair-terminal">Или присоединить к терминалу (кнопку продавца к её клавиатуре)</label><select id="pair-terminal" name="terminal"><option value="">— новый терминал —</option>${terminals.map((t) => opt("terminal", t.id, t.id))}</select>
      <p><button class="primary" type="submit">Привязать</button></p>
    </form>`
      : "";
  return html`<h2>Новые устройства</h2>${table}${form}`;
}

function deviceRows(v: TerminalsView, t: BoardTerminal): Html {
  if (!t.devices.length) return html`<p class="nodata">нет данных: устройств нет (отвязаны).</p>`;
  const pending = v.board.pending;
  return html`<div class="table-wrap"><table class="devices"><thead><tr><th>Устройство</th><th>Роль</th><th>Состояние</th><th>Последний раз</th><th>Доступ MQTT</th>${v.canChange ? html`<th></th>` : ""}</tr></thead><tbody>
    ${t.devices.map(
      (d) => html`<tr data-serial="${d.serial}"><td><code>${d.serial}</code></td><td>${ROLE[d.role ?? ""] ?? "—"}</td><td data-state="${d.state}">${STATE[d.state]}</td><td>${dateTime(d.lastSeenMs, t.zone)}</td><td>${credential(d, t.zone)}</td>
      ${v.canChange
        ? html`<td><div class="actions">${identifyButton(v, d.serial)}
          <form method="post" action="/terminals/unpair" class="inline" data-confirm="Отвязать ${d.serial} от ${t.id}? Доступ MQTT устройства будет отозван." onsubmit="return confirm(this.dataset.confirm)"><input type="hidden" name="_csrf" value="${v.csrf}"><input type="hidden" name="serial" value="${d.serial}"><button class="danger" type="submit">Отвязать</button></form>
          ${pending.length ? html`<form method="post" action="/terminals/replace" class="actions"><input type="hidden" name="_csrf" value="${v.csrf}"><input type="hidden" name="old" value="${d.serial}"><select name="new" aria-label="Новое устройство вместо ${d.serial}">${pending.map((p) => html`<option value="${p.serial}">${p.serial}</option>`)}</select><button type="submit">Заменить</button></form>` : ""}
        </div></td>`
        : ""}</tr>`,
    )}</tbody></table></div>`;
}

function changeForms(v: TerminalsView, t: BoardTerminal): Html {
  const csrf = html`<input type="hidden" name="_csrf" value="${v.csrf}">`;
  const q = formValues(v.kept, `/terminals/${t.id}/question`);
  const e = formValues(v.kept, `/terminals/${t.id}/employee`);
  const tm = formValues(v.kept, `/terminals/${t.id}/timing`);
  const from = (id: string, f: typeof q) => html`<label for="${id}">С какого времени (${t.zone}; пусто — сейчас)</label><input id="${id}" name="from" value="${f.value("from")}" placeholder="ГГГГ-ММ-ДД ЧЧ:ММ" autocomplete="off">`;
  const p = `t-${t.id.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  const s = t.settings;
  return html`<div class="forms">
    <form method="post" action="/terminals/${t.id}/question" class="stack" data-form="question">${csrf}<h4>Ключевой вопрос</h4>
      <label for="${p}-question">Вид</label><select id="${p}-question" name="question">${Object.entries(QUESTION_TITLE).map(([k, title]) => html`<option value="${k}"${q.selected("question", k, k === s.questionKind) ? html` selected` : ""}>${title}</option>`)}</select>
      <label for="${p}-text">Текст</label><input id="${p}-text" name="text" value="${q.value("text", s.questionText)}" autocomplete="off">
      ${from(`${p}-qfrom`, q)}<p><button type="submit">Сменить вопрос</button></p></form>
    <form method="post" action="/terminals/${t.id}/employee" class="stack" data-form="employee">${csrf}<h4>Сотрудник</h4>
      <label for="${p}-employee">Кто на смене (пусто — никто)</label><input id="${p}-employee" name="employee" value="${e.value("employee", s.employee ?? "")}" autocomplete="off">
      ${from(`${p}-efrom`, e)}<p><button type="submit">Назначить</button></p></form>
    <form method="post" action="/terminals/${t.id}/timing" class="stack" data-form="timing">${csrf}<h4>Настройки</h4>
      ${(Object.keys(TIMING_FIELDS) as (keyof typeof TIMING_FIELDS)[]).map((k) => html`<label for="${p}-${k}">${TIMING_FIELDS[k].title}, ${TIMING_FIELDS[k].unit}</label><input id="${p}-${k}" name="${k}" inputmode="decimal" value="${tm.value(k, inUnit(k, s[k]))}" autocomplete="off">`)}
      ${from(`${p}-tfrom`, tm)}<p class="muted">Длинное нажатие меняется только с этого момента или позже: устройство различает нажатия сразу.</p><p><button type="submit">Сохранить настройки</button></p></form>
  </div>`;
}

function history(t: BoardTerminal): Html {
  if (!t.history.length) return html`<p class="nodata">нет данных</p>`;
  return html`<details><summary>История настроек (${t.history.length})</summary><div class="table-wrap"><table class="history"><thead><tr><th>С</th><th>Что</th><th>Значение</th><th class="hide-narrow">Кто, когда</th></tr></thead><tbody>
    ${t.history.map((h) => html`<tr><td>${h.fromMs === FROM_THE_START ? "с начала" : dateTime(h.fromMs, t.zone)}</td><td>${SETTING_TITLE[h.key]}</td><td>${setting(h.key, h.value)}</td><td class="hide-narrow muted">${h.setBy ?? "—"}, ${dateTime(h.setMs, t.zone)}</td></tr>`)}
  </tbody></table></div></details>`;
}

function terminalCard(v: TerminalsView, t: BoardTerminal): Html {
  const s = t.settings;
  return html`<section class="card terminal" data-terminal="${t.id}"><h3>${t.name ? html`${t.name} <span class="muted">${t.id}</span>` : t.id}</h3>
    <p class="muted">Магазин ${t.storeId}, место ${t.point}, время ${t.zone}</p>
    <dl class="settings">
      <dt>Вопрос</dt><dd data-setting="question">${QUESTION_TITLE[s.questionKind]}${s.questionText ? html`: «${s.questionText}»` : ""}</dd>
      <dt>Сотрудник</dt><dd data-setting="employee">${s.employee ?? "—"}</dd>
      ${(Object.keys(TIMING_FIELDS) as (keyof typeof TIMING_FIELDS)[]).map((k) => html`<dt>${TIMING_FIELDS[k].title}</dt><dd data-setting="${k}">${setting(k, s[k])}</dd>`)}
    </dl>
    <h4>Устройства</h4>${deviceRows(v, t)}
    ${v.canChange ? changeForms(v, t) : ""}
    ${history(t)}</section>`;
}

export function terminalsBody(v: TerminalsView): Html {
  return html`<h1>Терминалы</h1>
    ${v.msg ? html`<p class="message ${v.msg.ok ? "notice" : "error"}" role="${v.msg.ok ? "status" : "alert"}">${v.msg.text}</p>` : ""}
    ${v.canChange ? "" : html`<p class="muted">Только чтение: привязывает и настраивает терминалы монтажник.</p>`}
    ${pendingSection(v)}
    <h2>Терминалы</h2>
    ${v.board.terminals.length ? html`<div id="terminal-list">${v.board.terminals.map((t) => terminalCard(v, t))}</div>` : html`<p class="nodata" id="terminal-list">нет данных: терминалов пока нет.</p>`}`;
}
