/**
 * The alert engine as a gateway part (docs/alerts.md): evaluates every rule shortly after data arrives (`nudge`,
 * called after an ingest commit, a survey rebuild and a review) and on a timer (a terminal gone silent brings no data),
 * applies decide.ts's decisions in one transaction, then hands deliveries to delivery.ts without waiting for them and
 * says what changed (`changed`: the open dashboards are pushed).
 */
import type { Logger } from "../log.ts";
import type { IndexSettings } from "../reports/settings.ts";
import type { Store } from "../store/store.ts";
import { decide, judge, type Judged } from "./decide.ts";
import type { Delivery } from "./delivery.ts";
import { readingsFor } from "./readings.ts";
import type { StoredRule } from "./rules.ts";
import { alertMessage, mailSubject, ruleText, subjectText, valueText } from "./text.ts";
import type { AlertRow } from "../store/alerts.ts";
import { formatLocal } from "../time/zone.ts";

export interface EngineOptions {
  store: Store;
  settings: Pick<IndexSettings, "kOn">;
  delivery: Pick<Delivery, "send">;
  log: Logger;
  now: () => number;
  checkIntervalMs: number;
  settleMs: number;
  /** At most one evaluation this often after data (default 1 s): a burst of commits is one evaluation a second. */
  minIntervalMs?: number;
  /** The zone the e-mails give times in (the configured `timeZone`). */
  timeZone: string;
  /** Called after an evaluation opened or closed alerts (the dashboard's push, app.ts); must return at once. */
  changed?: ((result: EvaluationResult) => void) | undefined;
}

/** What one evaluation did, for tests and the log. */
export interface EvaluationResult {
  opened: number[];
  closed: number[];
}

export class AlertEngine {
  private timer: NodeJS.Timeout | undefined;
  private settle: NodeJS.Timeout | undefined;
  private running = false;
  /** When the last evaluation started (performance.now ms; -Infinity: never). */
  private lastRun = -Infinity;

  constructor(private readonly o: EngineOptions) {}

  start(): void {
    this.timer = setInterval(() => this.safeEvaluate(), this.o.checkIntervalMs).unref();
    this.nudge();
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.settle);
    this.timer = undefined;
    this.settle = undefined;
  }

  /**
   * Data arrived: evaluate soon, once for a burst: `settleMs` later, or `minIntervalMs` after the last evaluation if
   * that is later. Returns at once.
   */
  nudge(): void {
    if (this.timer === undefined || this.settle !== undefined) return;
    const wait = Math.max(this.o.settleMs, this.lastRun + (this.o.minIntervalMs ?? 1000) - performance.now());
    this.settle = setTimeout(() => {
      this.settle = undefined;
      this.safeEvaluate();
    }, wait);
    this.settle.unref();
  }

  private safeEvaluate(): void {
    if (this.running) return;
    this.running = true;
    this.lastRun = performance.now();
    try {
      this.evaluate();
    } catch (err) {
      this.o.log.error({ err }, "alert evaluation failed; it runs again with the next data or timer");
    } finally {
      this.running = false;
    }
  }

  /** Evaluates every rule now. */
  evaluate(): EvaluationResult {
    const { store, now: clock } = this.o;
    const now = clock();
    const result: EvaluationResult = { opened: [], closed: [] };
    const sends: (() => void)[] = [];
    for (const rule of store.alerts.rules()) {
      const judged = readingsFor(store, rule, this.o.settings, now).map((r) => judge(rule, r));
      const d = decide(judged, store.alerts.latest(rule.id));
      if (!d.open.length && !d.close.length && !d.rearm.length) continue;
      const byJudged = new Map(judged.map((j) => [j.subject, j]));
      store.tx(() => {
        for (const j of d.open) {
          const id = store.alerts.open(rule.id, j.subject, j.value, alertMessage(rule, j), now);
          result.opened.push(id);
          sends.push(() => this.deliver(rule, store.alerts.alert(id)!, "opened", j));
        }
        for (const a of d.close) {
          store.alerts.close(a.id, null, now);
          result.closed.push(a.id);
          const j = byJudged.get(a.subject)!;
          sends.push(() => this.deliver(rule, { ...a, state: "closed", closedMs: now }, "closed", j));
        }
        for (const a of d.rearm) store.alerts.rearm(a.id);
      });
    }
    for (const s of sends) s();
    if (result.opened.length || result.closed.length) {
      this.o.log.info(result, "alerts changed");
      this.o.changed?.(result);
    }
    return result;
  }

  private deliver(rule: StoredRule, alert: AlertRow, event: "opened" | "closed", j: Judged): void {
    const name = rule.name || ruleText(rule);
    const lines = [
      event === "opened" ? `Открыта тревога №${alert.id}.` : `Тревога №${alert.id} снята: показатель вернулся в норму.`,
      `Правило: ${name} (№${rule.id}): ${ruleText(rule)}.`,
      `Где: ${subjectText(alert.subject)}.`,
      `Сейчас: ${valueText(rule, j)}.`,
      `Открыта: ${formatLocal(alert.openedMs, this.o.timeZone)} (${this.o.timeZone}).`,
      event === "opened" ? `Подтвердить: loyalty alerts ack ${alert.id} --comment "…"` : "",
    ].filter(Boolean);
    this.o.delivery.send({
      alertId: alert.id,
      what: event,
      mail: { to: rule.email, subject: mailSubject(event, name, alert.subject), text: lines.join("\n") + "\n" },
      ...(rule.webhook
        ? {
            webhook: {
              url: rule.webhook,
              body: {
                schema: "loyalty-alert/1",
                event,
                alert: { id: alert.id, subject: alert.subject, state: alert.state, openedAt: new Date(alert.openedMs).toISOString(), closedAt: alert.closedMs === null ? null : new Date(alert.closedMs).toISOString(), message: alert.message },
                rule: { id: rule.id, name, kind: rule.kind, text: ruleText(rule) },
                value: j.value,
                sample: j.sample,
                text: lines.join("\n"),
              },
            },
          }
        : {}),
    });
  }
}
