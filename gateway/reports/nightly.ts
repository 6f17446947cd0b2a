/**
 * The nightly job (docs/reports.md#the-nightly-job): at the configured cron time in each store's own time zone, write the
 * previous local day's report of every store in that zone to the reports folder. One store's failure is logged
 * and the others still get theirs. Scheduling by croner, which reads the cron expression in a given zone.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Cron } from "croner";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import type { Store } from "../store/store.ts";
import { addDays, localDay } from "../time/zone.ts";
import { toCsv } from "./csv.ts";
import { toHtml } from "./html.ts";
import { buildReport } from "./build.ts";
import { noSources, readSources, sourcesByStore, type ReportSources } from "./sources.ts";
import { catchUp } from "./report.ts";
import { indexSettings } from "./settings.ts";

/** How often the job looks for stores in a time zone it has no schedule for yet. */
const ZONE_SCAN_MS = 10 * 60_000;

export interface NightlyResult {
  store: string;
  day: string;
  files: string[];
  error?: string;
}

/** Writes `day`'s reports of one store from its sources; returns the files written. */
export function writeStoreReport(src: ReportSources, config: Config, storeId: string, day: string, now: number): string[] {
  const dir = join(config.reports.folder, storeId);
  mkdirSync(dir, { recursive: true });
  const s = indexSettings(config);
  const report = buildReport(src, { from: day, to: day, groupBy: ["terminal"], stores: [storeId] }, s, now);
  const files: string[] = [];
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    files.push(path);
  };
  for (const f of config.reports.nightly.formats) {
    if (f === "json") write(`${day}.json`, JSON.stringify(report, null, 2) + "\n");
    if (f === "csv") write(`${day}.csv`, toCsv(report));
    if (f === "html") write(`${day}.html`, toHtml(report, `Индексы качества: ${storeId}`));
  }
  const byEmployee = buildReport(src, { from: day, to: day, groupBy: ["employee"], stores: [storeId] }, s, now);
  write(`${day}.employees.csv`, toCsv(byEmployee));
  return files;
}

/** Reports of the previous local day for every store in `tz`. */
export function runZone(store: Store, config: Config, tz: string, now: number, log: Logger): NightlyResult[] {
  const day = addDays(localDay(now, tz), -1);
  const results: NightlyResult[] = [];
  const stores = store.terminals.stores().filter((x) => x.timeZone === tz);
  if (stores.length === 0) return results;
  catchUp(store, config);
  /* One read of the rollups for every store in the zone; each store's report sees only its own rows. */
  const sources = sourcesByStore(readSources(store, { from: day, to: day, stores: stores.map((x) => x.id) }, indexSettings(config), config.timeZone));
  for (const s of stores) {
    try {
      const files = writeStoreReport(sources.get(s.id) ?? noSources(), config, s.id, day, now);
      log.info({ store: s.id, day, files }, "nightly report written");
      results.push({ store: s.id, day, files });
    } catch (err) {
      log.error({ err, store: s.id, day }, "nightly report failed; the other stores go on");
      results.push({ store: s.id, day, files: [], error: (err as Error).message });
    }
  }
  return results;
}

export class NightlyReports {
  private jobs = new Map<string, Cron>();
  private scan: NodeJS.Timeout | undefined;

  constructor(private readonly o: { store: Store; config: Config; log: Logger; now: () => number }) {}

  /** Schedules the zones known now, and looks for new ones every ZONE_SCAN_MS. A failure leaves nothing scheduled. */
  start(): void {
    try {
      this.schedule();
    } catch (err) {
      this.stop();
      throw err;
    }
    this.scan = setInterval(() => {
      try {
        this.schedule();
      } catch (err) {
        this.o.log.error({ err }, "looking for new time zones failed; trying again later");
      }
    }, ZONE_SCAN_MS).unref();
  }

  /** Next run per time zone (for logs, status and tests). */
  nextRuns(): Record<string, string | null> {
    return Object.fromEntries([...this.jobs].map(([tz, job]) => [tz, job.nextRun()?.toISOString() ?? null]));
  }

  stop(): void {
    clearInterval(this.scan);
    for (const j of this.jobs.values()) j.stop();
    this.jobs.clear();
  }

  private schedule(): void {
    const { store, config, log } = this.o;
    const zones = new Set([config.timeZone, ...store.terminals.stores().map((s) => s.timeZone)]);
    for (const tz of zones) {
      if (this.jobs.has(tz)) continue;
      const job = new Cron(config.reports.nightly.cron, { timezone: tz, protect: true, catch: (err) => log.error({ err, tz }, "nightly job failed") }, () => {
        runZone(store, config, tz, this.o.now(), log);
      });
      this.jobs.set(tz, job);
      log.info({ tz, cron: config.reports.nightly.cron, next: job.nextRun()?.toISOString() }, "nightly reports scheduled");
    }
  }
}
