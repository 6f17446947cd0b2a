/**
 * The alerts page drawn (docs/web.md#alerts): alerts open and acknowledged (closed ones on request) with their
 * comments and the acknowledge, comment and close forms; the rules with remove; a form for each kind of rule; the
 * delivery log. Forms only for a user who may act on alerts.
 */
import type { AlertView, RuleView } from "../../alerts/manage.ts";
import { RULE_KINDS, type RuleKind } from "../../alerts/rules.ts";
import { subjectText } from "../../alerts/text.ts";
import { dateTime } from "../../format/ru.ts";
import { INDEX_NAMES, INDEX_TITLE } from "../../indices/formulas.ts";
import type { DeliveryRow } from "../../store/alerts.ts";
import { html, type Html } from "../html.ts";
import { FIELD_TITLE, KIND_FIELDS, KIND_TITLE } from "./alert-forms.ts";
import type { Outcome } from "./change.ts";
import { formValues, type Kept } from "./kept.ts";

export interface AlertsView {
  alerts: AlertView[];
  all: boolean;
  rules: RuleView[];
  deliveries: DeliveryRow[];
  stores: { id: string; name: string }[];
  terminals: string[];
  zone: string;
  csrf: string;
  canChange: boolean;
  msg?: Outcome | undefined;
  /** A refused form's values, drawn back into it. */
  kept?: Kept | undefined;
}

const STATE: Record<string, string> = { open: "открыто", acknowledged: "принято", closed: "закрыто" };
const WHAT: Record<string, string> = { opened: "открыто", closed: "закрыто" };

function alertCard(v: AlertsView, a: AlertView): Html {
  const csrf = html`<input type="hidden" name="_csrf" value="${v.csrf}">`;
  const when = (ms: number | null) => (ms === null ? "" : dateTime(ms, v.zone));
  const kept = (what: string, name: string) => formValues(v.kept, `/alerts/${a.id}/${what}`).value(name);
  const forms = v.canChange && a.state !== "closed"
    ? html`<div class="forms">
      ${a.state === "open" ? html`<form method="post" action="/alerts/${a.id}/ack" class="actions" data-form="ack">${csrf}<input name="comment" value="${kept("ack", "comment")}" aria-label="Комментарий к принятию оповещения ${a.id}" placeholder="Комментарий (необязательно)" autocomplete="off"><button class="primary" type="submit">Принять</button></form>` : ""}
      <form method="post" action="/alerts/${a.id}/comment" class="actions" data-form="comment">${csrf}<input name="text" value="${kept("comment", "text")}" aria-label="Комментарий к оповещению ${a.id}" placeholder="Комментарий" required autocomplete="off"><button type="submit">Комментировать</button></form>
      <form method="post" action="/alerts/${a.id}/close" class="actions" data-form="close">${csrf}<input name="comment" value="${kept("close", "comment")}" aria-label="Комментарий к закрытию оповещения ${a.id}" placeholder="Почему закрыто (необязательно)" autocomplete="off"><button type="submit">Закрыть</button></form>
    </div>`
    : "";
  return html`<section class="card alert" data-alert="${a.id}" data-state="${a.state}">
    <h3><span class="state-${a.state}" data-alert-state>${STATE[a.state]}</span> · ${a.ruleName}</h3>
    <p>${a.message}</p>
    <p class="muted">${subjectText(a.subject)}; открыто ${when(a.openedMs)}${a.ackedMs !== null ? html`; принято ${when(a.ackedMs)} (${a.ackedBy})` : ""}${a.closedMs !== null ? html`; закрыто ${when(a.closedMs)} ${a.closedBy ? html`(${a.closedBy})` : "само, когда всё восстановилось"}` : ""}</p>
    ${a.comments.length ? html`<ul class="comments">${a.comments.map((c) => html`<li><span class="muted">${dateTime(c.atMs, v.zone)}, ${c.by}:</span> ${c.text}</li>`)}</ul>` : ""}
    ${forms}</section>`;
}

type Values = ReturnType<typeof formValues>;

function select(name: string, id: string, options: [string, string][], blank: string | undefined, f: Values): Html {
  return html`<select id="${id}" name="${name}">${blank !== undefined ? html`<option value="">${blank}</option>` : ""}${options.map(([v, t]) => html`<option value="${v}"${f.selected(name, v) ? html` selected` : ""}>${t}</option>`)}</select>`;
}

function field(kind: RuleKind, key: string, f: Values): Html {
  const id = `rule-${kind}-${key}`;
  const label = html`<label for="${id}">${FIELD_TITLE[key]}</label>`;
  const per: [string, string][] = kind === "fm-level" ? [["terminal", "каждый терминал"], ["store", "каждый магазин"]] : [["terminal", "каждый терминал"], ["store", "каждый магазин"], ["employee", "каждый сотрудник"]];
  switch (key) {
    case "index":
      return html`${label}${select(key, id, INDEX_NAMES.map((n) => [n, INDEX_TITLE[n]]), undefined, f)}`;
    case "op":
      return html`${label}${select(key, id, [["below", "ниже порога"], ["above", "выше порога"]], undefined, f)}`;
    case "window":
      return html`${label}${select(key, id, [["day", "за день"], ["hour", "за последний час"]], undefined, f)}`;
    case "per":
      return html`${label}${select(key, id, per, undefined, f)}`;
    case "flag":
      return html`${label}${select(key, id, [["silent-run", "серия молчунов"], ["quick", "слишком быстрый ответ"]], undefined, f)}`;
    case "minSample":
      return html`${label}<input id="${id}" name="${key}" value="${f.value(key)}" inputmode="numeric" placeholder="10" autocomplete="off">`;
    default:
      return html`${label}<input id="${id}" name="${key}" value="${f.value(key)}" inputmode="decimal" autocomplete="off">`;
  }
}

function ruleForms(v: AlertsView): Html {
  return html`<h2>Новое правило</h2>${RULE_KINDS.map((kind) => {
    const f = formValues(v.kept, "/alerts/rules", (k) => k.kind === kind);
    const refused = v.kept?.action === "/alerts/rules" && v.kept.fields.kind === kind;
    return html`<details class="card" data-kind="${kind}"${refused ? html` open` : ""}><summary>${KIND_TITLE[kind]}</summary>
    <form method="post" action="/alerts/rules" class="stack" id="rule-${kind}"><input type="hidden" name="_csrf" value="${v.csrf}"><input type="hidden" name="kind" value="${kind}">
      ${KIND_FIELDS[kind].map((k) => field(kind, k, f))}
      <label for="rule-${kind}-store">Магазин</label>${select("store", `rule-${kind}-store`, v.stores.map((s) => [s.id, s.name]), "все", f)}
      <label for="rule-${kind}-terminal">Терминал</label>${select("terminal", `rule-${kind}-terminal`, v.terminals.map((t) => [t, t]), "все", f)}
      <label for="rule-${kind}-name">Название (необязательно)</label><input id="rule-${kind}-name" name="name" value="${f.value("name")}" autocomplete="off">
      <label for="rule-${kind}-email">E-mail получателей (через запятую, необязательно)</label><input id="rule-${kind}-email" name="email" value="${f.value("email")}" autocomplete="off">
      <label for="rule-${kind}-webhook">Веб-хук (адрес http:// или https://, необязательно)</label><input id="rule-${kind}-webhook" name="webhook" value="${f.value("webhook")}" autocomplete="off">
      <p><button class="primary" type="submit">Добавить правило</button></p></form></details>`;
  })}`;
}

function rulesTable(v: AlertsView): Html {
  if (!v.rules.length) return html`<p class="nodata" id="rules">нет данных: правил пока нет.</p>`;
  return html`<div class="table-wrap"><table id="rules"><thead><tr><th>Правило</th><th>Кому</th>${v.canChange ? html`<th></th>` : ""}</tr></thead><tbody>
    ${v.rules.map((r) => {
      const scope = [...r.rule.scope.stores.map((s) => `магазин ${s}`), ...r.rule.scope.terminals.map((t) => `терминал ${t}`), ...r.rule.scope.employees.map((e) => `сотрудник ${e}`)];
      const to = [...r.rule.email, ...(r.rule.webhook ? [r.rule.webhook] : [])];
      return html`<tr data-rule="${r.id}"><td><strong>${r.name}</strong>${r.name !== r.text ? html`<div class="muted">${r.text}</div>` : ""}<div class="muted">${scope.length ? scope.join(", ") : "везде"}</div></td>
        <td class="muted">${to.length ? to.join(", ") : "только на странице"}</td>
        ${v.canChange ? html`<td><form method="post" action="/alerts/rules/${r.id}/remove" data-confirm="Удалить правило «${r.name}»? Его открытые оповещения закроются." onsubmit="return confirm(this.dataset.confirm)"><input type="hidden" name="_csrf" value="${v.csrf}"><button class="danger" type="submit">Удалить</button></form></td>` : ""}</tr>`;
    })}</tbody></table></div>`;
}

function deliveryLog(v: AlertsView): Html {
  if (!v.deliveries.length) return html`<p class="nodata" id="deliveries">нет данных</p>`;
  return html`<div class="table-wrap"><table id="deliveries"><thead><tr><th>Когда</th><th>Что</th><th>Куда</th><th>Итог</th></tr></thead><tbody>
    ${v.deliveries.map((d) => html`<tr><td>${dateTime(d.atMs, v.zone)}</td><td>${d.alertId !== null ? `оповещение ${d.alertId} ` : ""}${WHAT[d.what] ?? d.what.replace(/^report:/, "отчёт ")}</td><td>${d.channel === "email" ? "e-mail" : "веб-хук"} ${d.target}</td>
      <td class="${d.ok ? "" : "error-text"}">${d.ok ? "доставлено" : "не доставлено"}${d.attempt > 1 ? `, попытка ${d.attempt}` : ""}${d.detail ? html`<div class="muted">${d.detail}</div>` : ""}</td></tr>`)}
  </tbody></table></div>`;
}

export function alertsBody(v: AlertsView): Html {
  return html`<h1>Оповещения</h1>
    ${v.msg ? html`<p class="message ${v.msg.ok ? "notice" : "error"}" role="${v.msg.ok ? "status" : "alert"}">${v.msg.text}</p>` : ""}
    ${v.canChange ? "" : html`<p class="muted">Только чтение: оповещения принимают и правила меняют эксперт, монтажник и администратор.</p>`}
    <h2>${v.all ? "Все оповещения" : "Открытые оповещения"} <a class="muted" href="${v.all ? "/alerts" : "/alerts?all=1"}">${v.all ? "только открытые" : "показать и закрытые"}</a></h2>
    ${v.alerts.length ? html`<div id="alert-list">${v.alerts.map((a) => alertCard(v, a))}</div>` : html`<p class="nodata" id="alert-list">нет данных: ${v.all ? "оповещений не было" : "открытых оповещений нет"}.</p>`}
    <h2>Правила</h2>${rulesTable(v)}
    ${v.canChange ? ruleForms(v) : ""}
    <h2>Журнал доставки</h2>${deliveryLog(v)}`;
}
