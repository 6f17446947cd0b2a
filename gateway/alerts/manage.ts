/**
 * What people do with alerts, for the CLI, the JSON API and the web page to come (docs/alerts.md#lifecycle): add,
 * list and remove rules; list alerts with their comments; acknowledge with a comment, comment, close. Each checks its
 * input and answers a GatewayError in words; the store comes in from the caller.
 */
import { GatewayError } from "../errors.ts";
import type { IndexSettings } from "../reports/settings.ts";
import type { AlertRow, CommentRow, DeliveryRow } from "../store/alerts.ts";
import type { Store } from "../store/store.ts";
import { judge } from "./decide.ts";
import { readingsFor } from "./readings.ts";
import { parseRule, type StoredRule } from "./rules.ts";
import { ruleText } from "./text.ts";

export type AlertsStore = Pick<Store, "alerts" | "terminals" | "rollups" | "derived" | "devices" | "tx">;

export interface Who {
  by: string;
  now: number;
}

export interface RuleView {
  id: number;
  name: string;
  text: string;
  rule: StoredRule;
}

export interface AlertView extends AlertRow {
  ruleName: string;
  comments: CommentRow[];
}

const checkBy = (by: string) => {
  const b = by.trim();
  if (!b || b.length > 100) throw new GatewayError("invalid", `by: who does it, 1 to 100 characters (got "${by}")`);
  return b;
};

/** Checks `input` as a rule (rules.ts) and stores it; returns its id. Unknown stores and terminals are refused. */
export function addRule(store: AlertsStore, input: unknown, who: Who): RuleView {
  const rule = parseRule(input, "rule");
  for (const s of rule.scope.stores) if (!store.terminals.store(s)) throw new GatewayError("not_found", `rule: scope.stores: no store "${s}" (loyalty stores lists them)`);
  for (const t of rule.scope.terminals) if (!store.terminals.terminal(t)) throw new GatewayError("not_found", `rule: scope.terminals: no terminal "${t}" (loyalty terminals lists them)`);
  const id = store.alerts.addRule(rule, checkBy(who.by), who.now);
  return viewRule(store.alerts.rule(id)!);
}

export function viewRule(r: StoredRule): RuleView {
  return { id: r.id, name: r.name || ruleText(r), text: ruleText(r), rule: r };
}

export function listRules(store: Pick<Store, "alerts">): RuleView[] {
  return store.alerts.rules().map(viewRule);
}

/** Removes a rule and closes its alerts. */
export function removeRule(store: Pick<Store, "alerts">, id: number, who: Who): void {
  if (!store.alerts.removeRule(id, checkBy(who.by), who.now)) throw new GatewayError("not_found", `no alert rule ${id} (loyalty alerts rules list shows them)`);
}

function view(store: Pick<Store, "alerts">, a: AlertRow): AlertView {
  const rule = store.alerts.rule(a.ruleId);
  return { ...a, ruleName: rule ? rule.name || ruleText(rule) : `правило ${a.ruleId} (удалено)`, comments: store.alerts.comments(a.id) };
}

/** Alerts not closed (all: closed ones too), newest first. */
export function listAlerts(store: Pick<Store, "alerts">, o: { all?: boolean; ruleId?: number; limit?: number } = {}): AlertView[] {
  return store.alerts.list(o).map((a) => view(store, a));
}

export function getAlert(store: Pick<Store, "alerts">, id: number): AlertView {
  const a = store.alerts.alert(id);
  if (!a) throw new GatewayError("not_found", `no alert ${id} (loyalty alerts list shows them)`);
  return view(store, a);
}

const checkText = (text: string) => {
  const t = text.trim();
  if (!t || t.length > 2000) throw new GatewayError("invalid", "comment: 1 to 2000 characters");
  return t;
};

/** Open → acknowledged, with an optional comment. */
export function ackAlert(store: AlertsStore, id: number, comment: string | undefined, who: Who): AlertView {
  const a = getAlert(store, id);
  if (a.state !== "open") throw new GatewayError("conflict", `alert ${id} is ${a.state === "closed" ? "closed" : `already acknowledged by ${a.ackedBy}`}`);
  const by = checkBy(who.by);
  store.tx(() => {
    store.alerts.ack(id, by, who.now);
    if (comment !== undefined) store.alerts.comment(id, by, checkText(comment), who.now);
  });
  return getAlert(store, id);
}

export function commentAlert(store: AlertsStore, id: number, text: string, who: Who): AlertView {
  getAlert(store, id);
  store.alerts.comment(id, checkBy(who.by), checkText(text), who.now);
  return getAlert(store, id);
}

/**
 * Closes an open or acknowledged alert. When its condition still holds, no new alert opens for the same rule and
 * subject until the condition has recovered once (no storm of alerts re-opened behind the person's back).
 */
export function closeAlert(store: AlertsStore, settings: Pick<IndexSettings, "kOn">, id: number, comment: string | undefined, who: Who): AlertView {
  const a = getAlert(store, id);
  if (a.state === "closed") throw new GatewayError("conflict", `alert ${id} is already closed`);
  const by = checkBy(who.by);
  const rule = store.alerts.rule(a.ruleId);
  const reading = rule ? readingsFor(store, rule, settings, who.now).find((r) => r.subject === a.subject) : undefined;
  const holds = rule !== undefined && reading !== undefined && judge(rule, reading).holds !== false;
  store.tx(() => {
    store.alerts.close(id, by, who.now, holds);
    if (comment !== undefined) store.alerts.comment(id, by, checkText(comment), who.now);
  });
  return getAlert(store, id);
}

export function deliveries(store: Pick<Store, "alerts">, o: { alertId?: number; limit?: number } = {}): DeliveryRow[] {
  return store.alerts.deliveries(o);
}
