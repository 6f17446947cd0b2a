/**
 * Reports mailed on a schedule (docs/alerts.md#scheduled-reports): daily (yesterday), weekly (last Monday to
 * Sunday) or monthly (last calendar month), at a local time in the configured zone, with the HTML report attached
 * (gateway/reports). `periodBefore` is pure; the part only wires croner to it.
 */
import { Cron } from "croner";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import { parseGroupBy } from "../reports/query.ts";
import { render } from "../reports/render.ts";
import { makeReport } from "../reports/report.ts";
import type { Store } from "../store/store.ts";
import { addDays, localDay } from "../time/zone.ts";
import type { Delivery } from "./delivery.ts";

export type Every = Config["alerts"]["reports"][number]["every"];

const WORD: Record<Every, string> = { daily: "ежедневный", weekly: "еженедельный", monthly: "ежемесячный" };

/** The whole period before `today` that an `every` report covers, as store-local days. */
export function periodBefore(every: Every, today: string): { from: string; to: string } {
  if (every === "daily") {
    const d = addDays(today, -1);
    return { from: d, to: d };
  }
  if (every === "weekly") {
    const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; /* Monday 0 */
    const monday = addDays(today, -weekday - 7);
    return { from: monday, to: addDays(monday, 6) };
  }
  const firstThis = `${today.slice(0, 7)}-01`;
  const lastPrev = addDays(firstThis, -1);
  return { from: `${lastPrev.slice(0, 7)}-01`, to: lastPrev };
}

/** The cron expression of an `every` report sent at `at` (HH:MM). */
export function cronOf(every: Every, at: string): string {
  const [h, m] = at.split(":").map(Number);
  return every === "daily" ? `${m} ${h} * * *` : every === "weekly" ? `${m} ${h} * * 1` : `${m} ${h} 1 * *`;
}

export interface ScheduledOptions {
  store: Store;
  config: Config;
  delivery: Pick<Delivery, "send">;
  log: Logger;
  now: () => number;
}

export class ScheduledReports {
  private jobs: Cron[] = [];

  constructor(private readonly o: ScheduledOptions) {}

  start(): void {
    const { config, log } = this.o;
    config.alerts.reports.forEach((r, i) => {
      parseGroupBy(r.groupBy);
      this.jobs.push(new Cron(cronOf(r.every, r.at), { timezone: config.timeZone, protect: true, catch: (err) => log.error({ err, report: i }, "scheduled report failed") }, () => this.send(i)));
    });
  }

  stop(): void {
    for (const j of this.jobs) j.stop();
    this.jobs = [];
  }

  /** Builds and mails scheduled report number `i` (of `alerts.reports`) for the period before today. */
  send(i: number): void {
    const { store, config, now } = this.o;
    const r = config.alerts.reports[i];
    if (!r) throw new Error(`no scheduled report ${i}`);
    const t = now();
    const p = periodBefore(r.every, localDay(t, config.timeZone));
    const report = makeReport(store, config, { ...p, groupBy: parseGroupBy(r.groupBy), stores: r.stores }, t);
    const span = p.from === p.to ? p.from : `${p.from} — ${p.to}`;
    const where = r.stores.length ? `магазины ${r.stores.join(", ")}` : "все магазины";
    this.o.delivery.send({
      alertId: null,
      what: `report:${r.every}`,
      mail: {
        to: r.to,
        subject: `Отчёт ${WORD[r.every]}: ${span}`,
        text: `Отчёт по индексам за ${span} (${where}) во вложении: откройте файл в браузере.\n${report.provisional ? "Отчёт предварительный: не все периоды форс-мажора проверены экспертом.\n" : ""}`,
        attachments: [{ filename: `loyalty-${p.from}${p.from === p.to ? "" : `_${p.to}`}.html`, content: render(report, "html", { timeZone: config.timeZone }), contentType: "text/html; charset=utf-8" }],
      },
    });
  }
}
