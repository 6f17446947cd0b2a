/**
 * Alert rules, alerts, their comments and the delivery log (migration 9, docs/alerts.md). Rows only: the rule
 * check is gateway/alerts/rules.ts, what opens and closes an alert is gateway/alerts/decide.ts.
 */
import type { Rule, StoredRule } from "../alerts/rules.ts";
import type { Db } from "./db.ts";

export type AlertState = "open" | "acknowledged" | "closed";

export interface AlertRow {
  id: number;
  ruleId: number;
  subject: string;
  state: AlertState;
  openedMs: number;
  value: number | null;
  message: string;
  ackedMs: number | null;
  ackedBy: string | null;
  closedMs: number | null;
  /** null with state closed: closed automatically when the condition recovered. */
  closedBy: string | null;
  /** false: a person closed it while its condition held, and it has not recovered since. */
  rearmed: boolean;
}

export interface CommentRow {
  id: number;
  alertId: number;
  atMs: number;
  by: string;
  text: string;
}

export interface DeliveryRow {
  id: number;
  alertId: number | null;
  /** `opened`, `closed` or `report:<name>`. */
  what: string;
  channel: "email" | "webhook";
  target: string;
  attempt: number;
  atMs: number;
  ok: boolean;
  detail: string | null;
}

export interface RecentSurvey {
  terminalId: string;
  answer: "yes" | "no" | "unsure" | "silent";
  questionKind: string;
  /** '' when no employee was assigned. */
  employee: string;
  inFm: boolean;
}

const ALERT = `id, rule_id AS ruleId, subject, state, opened_ms AS openedMs, value, message, acked_ms AS ackedMs,
  acked_by AS ackedBy, closed_ms AS closedMs, closed_by AS closedBy, rearmed`;

type RawAlert = Omit<AlertRow, "rearmed"> & { rearmed: number };
const alertOf = (r: RawAlert): AlertRow => ({ ...r, rearmed: r.rearmed === 1 });

export function alertsRepo(db: Db) {
  const q = {
    addRule: db.prepare(`INSERT INTO alert_rules (name, rule, created_ms, created_by) VALUES (?, ?, ?, ?)`),
    rules: db.prepare(`SELECT id, rule, created_ms AS createdMs, created_by AS createdBy FROM alert_rules WHERE removed_ms IS NULL ORDER BY id`),
    rule: db.prepare(`SELECT id, rule, created_ms AS createdMs, created_by AS createdBy FROM alert_rules WHERE id = ? AND removed_ms IS NULL`),
    removeRule: db.prepare(`UPDATE alert_rules SET removed_ms = ? WHERE id = ? AND removed_ms IS NULL`),
    open: db.prepare(`INSERT INTO alerts (rule_id, subject, state, opened_ms, value, message) VALUES (?, ?, 'open', ?, ?, ?)`),
    alert: db.prepare(`SELECT ${ALERT} FROM alerts WHERE id = ?`),
    /* The newest alert of each subject of a rule: what decide.ts needs to know (open, or closed and by whom). */
    latest: db.prepare(`SELECT ${ALERT} FROM alerts WHERE id IN (SELECT max(id) FROM alerts WHERE rule_id = ? GROUP BY subject)`),
    list: db.prepare(
      `SELECT ${ALERT} FROM alerts WHERE (@all = 1 OR state <> 'closed') AND (@rule IS NULL OR rule_id = @rule)
       ORDER BY id DESC LIMIT @limit`,
    ),
    ack: db.prepare(`UPDATE alerts SET state = 'acknowledged', acked_ms = ?, acked_by = ? WHERE id = ? AND state = 'open'`),
    close: db.prepare(`UPDATE alerts SET state = 'closed', closed_ms = ?, closed_by = ?, rearmed = ? WHERE id = ? AND state <> 'closed'`),
    closeAllOfRule: db.prepare(`UPDATE alerts SET state = 'closed', closed_ms = ?, closed_by = ? WHERE rule_id = ? AND state <> 'closed'`),
    rearm: db.prepare(`UPDATE alerts SET rearmed = 1 WHERE id = ?`),
    comment: db.prepare(`INSERT INTO alert_comments (alert_id, at_ms, by, text) VALUES (?, ?, ?, ?)`),
    comments: db.prepare(`SELECT id, alert_id AS alertId, at_ms AS atMs, by, text FROM alert_comments WHERE alert_id = ? ORDER BY id`),
    deliver: db.prepare(`INSERT INTO alert_deliveries (alert_id, what, channel, target, attempt, at_ms, ok, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    /* Valid surveys opened in [from, to), each with whether a confirmed force-majeure period held it (docs/indices.md). */
    recent: db.prepare(
      `SELECT s.terminal_id AS terminalId, s.answer, s.question_kind AS questionKind, coalesce(s.employee, '') AS employee,
         EXISTS (SELECT 1 FROM fm_periods p JOIN fm_reviews r ON r.start_event_id = p.start_event_id
           WHERE p.terminal_id = s.terminal_id AND r.status = 'confirmed' AND p.start_ms <= s.opened_ms
             AND coalesce(r.end_ms, p.end_ms) > s.opened_ms) AS inFm
       FROM surveys s LEFT JOIN survey_reviews v ON v.opening_event_id = s.opening_event_id
       WHERE s.opened_ms >= ? AND s.opened_ms < ? AND coalesce(v.valid, 1) = 1`,
    ),
    deliveries: db.prepare(
      `SELECT id, alert_id AS alertId, what, channel, target, attempt, at_ms AS atMs, ok, detail FROM alert_deliveries
       WHERE (@alert IS NULL OR alert_id = @alert) ORDER BY id DESC LIMIT @limit`,
    ),
  };
  const ruleOf = (r: { id: number; rule: string; createdMs: number; createdBy: string }): StoredRule => ({ ...(JSON.parse(r.rule) as Rule), id: r.id, createdMs: r.createdMs, createdBy: r.createdBy });
  const lastId = () => (db.prepare("SELECT last_insert_rowid() AS id").get() as { id: number }).id;

  return {
    addRule(rule: Rule, by: string, now: number): number {
      q.addRule.run(rule.name ?? "", JSON.stringify(rule), now, by);
      return lastId();
    },
    rules(): StoredRule[] {
      return (q.rules.all() as { id: number; rule: string; createdMs: number; createdBy: string }[]).map(ruleOf);
    },
    rule(id: number): StoredRule | undefined {
      const r = q.rule.get(id) as { id: number; rule: string; createdMs: number; createdBy: string } | undefined;
      return r && ruleOf(r);
    },
    /** Removes a rule (kept for the alerts that name it) and closes its alerts as `by`; false if there is none. */
    removeRule(id: number, by: string, now: number): boolean {
      return db.transaction(() => {
        if (q.removeRule.run(now, id).changes === 0) return false;
        q.closeAllOfRule.run(now, by, id);
        return true;
      })();
    },
    open(ruleId: number, subject: string, value: number | null, message: string, now: number): number {
      q.open.run(ruleId, subject, now, value, message);
      return lastId();
    },
    alert(id: number): AlertRow | undefined {
      const r = q.alert.get(id) as RawAlert | undefined;
      return r && alertOf(r);
    },
    latest(ruleId: number): AlertRow[] {
      return (q.latest.all(ruleId) as RawAlert[]).map(alertOf);
    },
    list(o: { all?: boolean; ruleId?: number; limit?: number } = {}): AlertRow[] {
      return (q.list.all({ all: o.all ? 1 : 0, rule: o.ruleId ?? null, limit: o.limit ?? 500 }) as RawAlert[]).map(alertOf);
    },
    ack(id: number, by: string, now: number): boolean {
      return q.ack.run(now, by, id).changes > 0;
    },
    /** `by` null: closed on recovery. `holds`: the condition still held when a person closed it (see rearmed). */
    close(id: number, by: string | null, now: number, holds = false): boolean {
      return q.close.run(now, by, holds ? 0 : 1, id).changes > 0;
    },
    rearm(id: number): void {
      q.rearm.run(id);
    },
    comment(alertId: number, by: string, text: string, now: number): number {
      q.comment.run(alertId, now, by, text);
      return lastId();
    },
    comments(alertId: number): CommentRow[] {
      return q.comments.all(alertId) as CommentRow[];
    },
    /** Valid surveys opened in [fromMs, toMs) of every terminal (the alerts' hour window). */
    recentSurveys(fromMs: number, toMs: number): RecentSurvey[] {
      return (q.recent.all(fromMs, toMs) as (Omit<RecentSurvey, "inFm"> & { inFm: number })[]).map((r) => ({ ...r, inFm: r.inFm === 1 }));
    },
    logDelivery(d: Omit<DeliveryRow, "id">): void {
      q.deliver.run(d.alertId, d.what, d.channel, d.target, d.attempt, d.atMs, d.ok ? 1 : 0, d.detail);
    },
    deliveries(o: { alertId?: number; limit?: number } = {}): DeliveryRow[] {
      return (q.deliveries.all({ alert: o.alertId ?? null, limit: o.limit ?? 200 }) as (Omit<DeliveryRow, "ok"> & { ok: number })[]).map((d) => ({ ...d, ok: d.ok === 1 }));
    },
  };
}
