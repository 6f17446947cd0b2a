/**
 * The chain's nightly job at the hub (docs/hub.md#chain-reports): at `reports.nightly.cron` in the hub's `timeZone`,
 * yesterday's chain report (grouped by `reports.nightly.groupBy`, region and store by default) into
 * `reports.folder` as `<day>.json`, `.csv`, `.html`, each file whole or not at all; at start, `catchUpDelayMs`
 * later, the nights it missed while the hub was down (at most CATCH_UP_NIGHTS). The last night written is kept in
 * hub_report_nights. A failure is logged and the night stays owed for the next run; it never stops the hub.
 * The store gateway's job (gateway/reports/nightly.ts) shares which nights are owed (missed-nights.ts) and how the
 * files are written (report-files.ts, atomic-file.ts).
 */
import { mkdirSync } from "node:fs";
import { Cron } from "croner";
import type { Pool } from "pg";
import type { Logger } from "../log.ts";
import { removeLeftovers, syncFolder } from "../reports/atomic-file.ts";
import { CATCH_UP_NIGHTS, nightsDue } from "../reports/missed-nights.ts";
import type { NightlyResult } from "../reports/nightly.ts";
import { parseGroupBy } from "../reports/query.ts";
import { writeReportFiles } from "../reports/report-files.ts";
import { localDay } from "../time/zone.ts";
import type { HubConfig } from "./config.ts";
import { CHAIN_REPORT, lastNight, recordNight } from "./report-nights.ts";
import { makeHubReport } from "./report.ts";

/** Writes `day`'s chain report (what is queued derived first), the folder synced once; returns the files written. */
export async function writeChainNight(pool: Pool, config: HubConfig, day: string, now: number): Promise<string[]> {
  const dir = config.reports.folder;
  const report = await makeHubReport(pool, config, { from: day, to: day, groupBy: parseGroupBy(config.reports.nightly.groupBy) }, now);
  mkdirSync(dir, { recursive: true });
  const files = writeReportFiles(dir, day, report, config.reports.nightly.formats, { title: "Индексы качества: сеть", timeZone: config.timeZone });
  syncFolder(dir);
  return files;
}

/**
 * The chain's nights owed at `now`, oldest first, each recorded once written; it stops at the first failure, so the
 * failed night is owed again next time. `run`: the scheduled run, which writes yesterday even when it already was
 * (with what the stores forwarded since); `start`: the catch-up, which writes only what is missing. Never throws.
 */
export async function runHubNights(pool: Pool, config: HubConfig, now: number, log: Logger, mode: "run" | "start"): Promise<NightlyResult[]> {
  const results: NightlyResult[] = [];
  let day = "";
  try {
    const left = removeLeftovers(config.reports.folder);
    if (left.length > 0) log.warn({ files: left }, "temporary report files of an interrupted write removed");
    const due = nightsDue(await lastNight(pool, CHAIN_REPORT), localDay(now, config.timeZone), CATCH_UP_NIGHTS, mode === "run");
    if (due.skipped) {
      log.warn(
        { from: due.skipped.from, to: due.skipped.to, cap: CATCH_UP_NIGHTS },
        `the hub missed more than ${CATCH_UP_NIGHTS} nights: writing only the last ${CATCH_UP_NIGHTS}; \`loyalty report --hub\` with --from ${due.skipped.from} --to ${due.skipped.to} gives the older ones`,
      );
    }
    if (due.days.length > 1 || (mode === "start" && due.days.length > 0)) log.info({ nights: due.days.length, from: due.days[0], to: due.days.at(-1) }, "writing the chain's nightly reports the hub missed");
    for (day of due.days) {
      const files = await writeChainNight(pool, config, day, now);
      await recordNight(pool, CHAIN_REPORT, day, now);
      log.info({ day, files }, "chain nightly report written");
      results.push({ store: CHAIN_REPORT, day, files });
    }
  } catch (err) {
    log.error({ err: (err as Error).message, day: day || undefined }, "the chain's nightly report failed; the next run writes it");
    results.push({ store: CHAIN_REPORT, day, files: [], error: (err as Error).message });
  }
  return results;
}

/** The job as a part of the hub: scheduled between start() and stop(); runs one at a time. */
export class HubNightly {
  private job: Cron | undefined;
  private missed: NodeJS.Timeout | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: { pool: Pool; config: HubConfig; log: Logger; now: () => number }) {}

  start(): void {
    const { config, log } = this.o;
    const n = config.reports.nightly;
    this.job = new Cron(n.cron, { timezone: config.timeZone, catch: (err) => log.error({ err }, "chain nightly job failed") }, () => void this.run("run"));
    log.info({ tz: config.timeZone, cron: n.cron, next: this.nextRun(), folder: config.reports.folder }, "chain nightly reports scheduled");
    this.missed = setTimeout(() => void this.run("start"), n.catchUpDelayMs).unref();
  }

  /** The next scheduled run, ISO (for logs and tests). */
  nextRun(): string | null {
    return this.job?.nextRun()?.toISOString() ?? null;
  }

  /** Runs the job now, after any run in progress (`start`: the catch-up at start). */
  run(mode: "run" | "start"): Promise<NightlyResult[]> {
    const next = this.tail.then(() => runHubNights(this.o.pool, this.o.config, this.o.now(), this.o.log, mode));
    this.tail = next;
    return next;
  }

  /** Stops the schedule and waits for a run in progress. */
  async stop(): Promise<void> {
    clearTimeout(this.missed);
    this.job?.stop();
    this.job = undefined;
    await this.tail;
  }
}
