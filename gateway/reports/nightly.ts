/**
 * The nightly job (docs/reports.md#the-nightly-job): at the configured cron time in each store's own time zone, write the
 * previous local day's report of every store in that zone to the reports folder; at start, and at each run, also
 * every night a store missed since the last one written (the gateway was down), at most CATCH_UP_NIGHTS. Each file
 * is written whole or not at all (atomic-file.ts); the last night written is kept per store in the database. One
 * store's failure is logged and the others still get theirs. Scheduling by croner, which reads the cron
 * expression in a given zone.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Cron } from "croner";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import type { Store } from "../store/store.ts";
import { localDay } from "../time/zone.ts";
import { removeLeftovers, syncFolder, writeFileAtomic } from "./atomic-file.ts";
import { toCsv } from "./csv.ts";
import { buildReport } from "./build.ts";
import { noSources, readSources, sourcesByStore, type ReportSources } from "./sources.ts";
import { catchUp } from "./report.ts";
import { writeReportFiles } from "./report-files.ts";
import { indexSettings } from "./settings.ts";
import { CATCH_UP_NIGHTS, nightsDue } from "./missed-nights.ts";

/** How often the job looks for stores in a time zone it has no schedule for yet. */
const ZONE_SCAN_MS = 10 * 60_000;

export interface NightlyResult {
  store: string;
  day: string;
  files: string[];
  error?: string;
}

/**
 * Writes `day`'s reports of one store from its sources, each file whole (atomic-file.ts), the folder synced once at
 * the end, so the night can be recorded as written; returns the files written. `timeZone`: the store's, for the
 * times the HTML shows.
 */
export function writeStoreReport(src: ReportSources, config: Config, storeId: string, day: string, now: number, timeZone: string): string[] {
  const dir = join(config.reports.folder, storeId);
  mkdirSync(dir, { recursive: true });
  const s = indexSettings(config);
  const report = buildReport(src, { from: day, to: day, groupBy: ["terminal"], stores: [storeId] }, s, now);
  const files = writeReportFiles(dir, day, report, config.reports.nightly.formats, { title: `Индексы качества: ${storeId}`, timeZone });
  const byEmployee = buildReport(src, { from: day, to: day, groupBy: ["employee"], stores: [storeId] }, s, now);
  const employees = join(dir, `${day}.employees.csv`);
  writeFileAtomic(employees, toCsv(byEmployee), false);
  files.push(employees);
  syncFolder(dir);
  return files;
}

/**
 * Reports of every store in `tz` for the nights it is owed: from the one after its last written night to yesterday
 * (missed-nights.ts). `run`: the scheduled run, which writes yesterday even when it already was; `start`: the
 * catch-up when the gateway starts, which writes only what is missing. A store's nights are written oldest first
 * and recorded one by one; at its first failure it stops, so the failed night is owed again next time.
 */
export function runZone(store: Store, config: Config, tz: string, now: number, log: Logger, mode: "run" | "start" = "run"): NightlyResult[] {
  const today = localDay(now, tz);
  const results: NightlyResult[] = [];
  const stores = store.terminals.stores().filter((x) => x.timeZone === tz);
  if (stores.length === 0) return results;
  /* Which stores are owed which nights; the rollups are then read once per night for all its stores. */
  const owed = new Map<string, string[]>();
  for (const s of stores) {
    const left = removeLeftovers(join(config.reports.folder, s.id));
    if (left.length > 0) log.warn({ store: s.id, files: left }, "temporary report files of an interrupted write removed");
    const due = nightsDue(store.reportNights.last(s.id), today, CATCH_UP_NIGHTS, mode === "run");
    if (due.skipped) {
      log.warn(
        { store: s.id, from: due.skipped.from, to: due.skipped.to, cap: CATCH_UP_NIGHTS },
        `the gateway missed more than ${CATCH_UP_NIGHTS} nights: writing only the last ${CATCH_UP_NIGHTS}; \`loyalty report --store ${s.id} --from ${due.skipped.from} --to ${due.skipped.to}\` gives the older ones`,
      );
    }
    if (due.days.length > 1 || (mode === "start" && due.days.length > 0)) log.info({ store: s.id, nights: due.days.length, from: due.days[0], to: due.days.at(-1) }, "writing the nightly reports the store missed");
    for (const day of due.days) owed.set(day, [...(owed.get(day) ?? []), s.id]);
  }
  if (owed.size === 0) return results;
  catchUp(store, config);
  const failed = new Set<string>();
  for (const day of [...owed.keys()].sort()) {
    const ids = owed.get(day)!.filter((id) => !failed.has(id));
    if (ids.length === 0) continue;
    /* One read of the rollups for every store owed this night; each store's report sees only its own rows. */
    const sources = sourcesByStore(readSources(store, { from: day, to: day, stores: ids }, indexSettings(config), tz));
    for (const id of ids) {
      try {
        const files = writeStoreReport(sources.get(id) ?? noSources(), config, id, day, now, tz);
        store.reportNights.record(id, day, now);
        log.info({ store: id, day, files }, "nightly report written");
        results.push({ store: id, day, files });
      } catch (err) {
        failed.add(id);
        log.error({ err, store: id, day }, "nightly report failed; the other stores go on");
        results.push({ store: id, day, files: [], error: (err as Error).message });
      }
    }
  }
  return results;
}

export class NightlyReports {
  private jobs = new Map<string, Cron>();
  private scan: NodeJS.Timeout | undefined;
  private missed: NodeJS.Timeout | undefined;

  constructor(private readonly o: { store: Store; config: Config; log: Logger; now: () => number }) {}

  /**
   * Schedules the zones known now, and looks for new ones every ZONE_SCAN_MS; then, `reports.nightly.catchUpDelayMs`
   * later (the terminals first deliver what they kept while the gateway was down), writes the nights missed. A
   * scheduling failure leaves nothing scheduled.
   */
  start(): void {
    try {
      this.schedule();
    } catch (err) {
      this.stop();
      throw err;
    }
    this.missed = setTimeout(() => this.catchUpMissed(), this.o.config.reports.nightly.catchUpDelayMs).unref();
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

  /** Writes, for every store, the nights it missed (runZone in `start` mode), zone by zone; a failure is logged. */
  catchUpMissed(): NightlyResult[] {
    const { store, config, log } = this.o;
    const results: NightlyResult[] = [];
    try {
      for (const tz of new Set(store.terminals.stores().map((s) => s.timeZone))) results.push(...runZone(store, config, tz, this.o.now(), log, "start"));
    } catch (err) {
      log.error({ err }, "writing the missed nightly reports failed; the next run tries again");
    }
    return results;
  }

  stop(): void {
    clearTimeout(this.missed);
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
