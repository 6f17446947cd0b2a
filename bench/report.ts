/**
 * `npm run bench:report` (docs/performance.md, "Reports"): a chain of terminals with a year of surveys, and the time of the nightly job
 * (every store's previous-day reports, all formats) and of a 30-day chain report, with 1 %, 10 % and 100 % of the
 * history in the database. The nightly time must not grow with history: reports read only the daily rollups.
 *
 * Scale: `--terminals 1000 --days 365 --per-day 300` is the full chain (about 110 million surveys, about
 * 10 GB and 15 minutes to generate); the default is a tenth of the terminals. History is written as derived rows
 * (surveys, force-majeure periods, half of them confirmed) by SQL, then rolled up by the gateway's own rollup code,
 * terminal by terminal; the event log that derived rows come from is not generated (reports never read it).
 * Every line is a figure; the LAST line is one JSON object with all of them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { configSchema, type Config } from "../gateway/config/schema.ts";
import { silentLogger } from "../gateway/log.ts";
import { runZone } from "../gateway/reports/nightly.ts";
import { makeReport } from "../gateway/reports/report.ts";
import { openStore, type Store } from "../gateway/store/store.ts";
import { addDays, dayStart } from "../gateway/time/zone.ts";

const { values: args } = parseArgs({
  options: {
    terminals: { type: "string", default: "100" },
    days: { type: "string", default: "365" },
    "per-day": { type: "string", default: "300" },
    runs: { type: "string", default: "5" },
    keep: { type: "boolean", default: false },
  },
});
const TERMINALS = Number(args.terminals);
const DAYS = Number(args.days);
const PER_DAY = Number(args["per-day"]);
const RUNS = Number(args.runs);
const TERMINALS_PER_STORE = 10;
/* Zones without daylight saving, so a local day is always 24 h (the generator lays days out by adding 24 h). */
const ZONES = ["Europe/Moscow", "Asia/Vladivostok"];
const LAST_DAY = "2026-11-22";
const QUESTIONS = ["staff", "office", "recommend"];

function out(line: string): void {
  process.stdout.write(line + "\n");
}

/** Surveys and periods of one terminal over `days` days ending LAST_DAY, written by SQL. */
function generateTerminal(store: Store, t: number, tz: string, days: number, idBase: number): number {
  const first = addDays(LAST_DAY, 1 - days);
  const start = dayStart(first, tz) + 9 * 3_600_000;
  const gap = Math.floor((12 * 3_600_000) / PER_DAY);
  const id = `t${String(t).padStart(4, "0")}`;
  const count = days * PER_DAY;
  /* Answers by a multiplicative hash of the survey number: 50 % yes, 10 % no, 15 % unsure, 25 % silent. */
  store.db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
       INSERT INTO surveys (opening_event_id, terminal_id, opened_ms, window_ms, closed_ms, answer, answer_event_id,
         question_kind, question_text, employee, extra_event_ids)
       SELECT ? + i * 2, ?, ? + (i / ?) * 86400000 + (i % ?) * ?, 30000,
         ? + (i / ?) * 86400000 + (i % ?) * ? + CASE WHEN h < 75 THEN 4000 ELSE 30000 END,
         CASE WHEN h < 50 THEN 'yes' WHEN h < 60 THEN 'no' WHEN h < 75 THEN 'unsure' ELSE 'silent' END,
         CASE WHEN h < 75 THEN ? + i * 2 + 1 END, ?, 'Вопрос', 'emp-' || ? || '-' || ((i / ?) % 3), '[]'
       FROM (SELECT i, (i * 2654435761) % 100 AS h FROM n)`,
    )
    .run(count, idBase, id, start, PER_DAY, PER_DAY, gap, start, PER_DAY, PER_DAY, gap, idBase, QUESTIONS[t % 3], id, PER_DAY);
  /* Two periods a day, at 12:00 and 16:00 local, the first of each day confirmed. */
  const fmBase = idBase + count * 2;
  store.db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
       INSERT INTO fm_periods (start_event_id, terminal_id, start_ms, end_ms, end_reason, end_event_id)
       SELECT ? + i, ?, ? + (i / 2) * 86400000 + 10800000 + (i % 2) * 14400000,
         ? + (i / 2) * 86400000 + 10800000 + (i % 2) * 14400000 + 1800000, 'max', NULL FROM n`,
    )
    .run(days * 2, fmBase, id, start, start);
  store.db.prepare(`INSERT INTO fm_reviews (start_event_id, status, end_ms) SELECT start_event_id, 'confirmed', NULL FROM fm_periods WHERE terminal_id = ? AND (start_event_id - ?) % 2 = 0`).run(id, fmBase);
  return fmBase + days * 2;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timed(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

interface Figures {
  days: number;
  surveys: number;
  generateS: number;
  rollupS: number;
  rollupRows: number;
  dbMB: number;
  nightlyMs: number;
  thirtyDayMs: number;
}

function runAt(days: number): Figures {
  const dir = mkdtempSync(join(tmpdir(), "lb-bench-report-"));
  const config: Config = configSchema.parse({ database: join(dir, "loyalty.sqlite"), reports: { folder: join(dir, "reports") } });
  const store = openStore(config.database);
  store.db.pragma("synchronous = OFF");
  const t0 = performance.now();
  let idBase = 1;
  for (let t = 0; t < TERMINALS; t++) {
    const storeId = `store${String(Math.floor(t / TERMINALS_PER_STORE)).padStart(3, "0")}`;
    const tz = ZONES[Math.floor(t / TERMINALS_PER_STORE) % ZONES.length]!;
    store.terminals.ensureStore(storeId, tz, 0);
    store.terminals.createTerminal({ id: `t${String(t).padStart(4, "0")}`, storeId, point: `p${t}` }, 0);
    store.tx(() => (idBase = generateTerminal(store, t, tz, days, idBase)));
  }
  const generateS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  for (const t of store.terminals.terminals()) store.tx(() => store.rollups.refresh(t.id, 0));
  const rollupS = (performance.now() - t1) / 1000;
  store.db.pragma("synchronous = FULL");
  const surveys = (store.db.prepare("SELECT count(*) AS n FROM surveys").get() as { n: number }).n;
  const rollupRows = (store.db.prepare("SELECT count(*) AS n FROM daily_counts").get() as { n: number }).n;
  const pages = store.db.pragma("page_count", { simple: true }) as number;
  const pageSize = store.db.pragma("page_size", { simple: true }) as number;
  const log = silentLogger();
  /* The nightly job at 00:05 on the day after LAST_DAY, in every zone: each store's html, csv, json and employees.csv. */
  const nightly = median(
    Array.from({ length: RUNS }, () =>
      timed(() => {
        for (const tz of ZONES) runZone(store, config, tz, dayStart(addDays(LAST_DAY, 1), tz) + 5 * 60_000, log);
      }),
    ),
  );
  const thirty = median(Array.from({ length: RUNS }, () => timed(() => makeReport(store, config, { from: addDays(LAST_DAY, -29), to: LAST_DAY, groupBy: ["store", "day"] }, Date.now()))));
  store.close();
  /* The figures are worth more than the cleanup: a failed removal (someone looking into the folder) is only reported. */
  if (!args.keep) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (err) {
      out(`could not remove ${dir}: ${(err as Error).message}`);
    }
  } else out(`kept ${dir}`);
  return { days, surveys, generateS, rollupS, rollupRows, dbMB: (pages * pageSize) / 2 ** 20, nightlyMs: nightly, thirtyDayMs: thirty };
}

function main(): void {
  out(`chain: ${TERMINALS} terminals in ${Math.ceil(TERMINALS / TERMINALS_PER_STORE)} stores (${ZONES.join(", ")}), ${PER_DAY} surveys a day each, ${DAYS} days of history at 100 %`);
  /* 1 % and 100 % as the issue asks; 10 % too, because up to the trend window (30 days) the nightly job reads more
     days as history grows, and only beyond it is flat: 10 % (37 days) against 100 % shows that. */
  const sizes = [Math.max(1, Math.round(DAYS / 100)), Math.max(1, Math.round(DAYS / 10)), DAYS];
  const results: Figures[] = [];
  for (const days of sizes) {
    const f = runAt(days);
    results.push(f);
    out(`history ${days} d: ${f.surveys.toLocaleString("en")} surveys, ${f.dbMB.toFixed(0)} MB, generated in ${f.generateS.toFixed(1)} s, rolled up in ${f.rollupS.toFixed(1)} s (${f.rollupRows} rollup rows)`);
    out(`history ${days} d: nightly job (all stores, all formats) ${f.nightlyMs.toFixed(0)} ms; 30-day chain report by store and day ${f.thirtyDayMs.toFixed(0)} ms (median of ${RUNS})`);
  }
  const [small, tenth, full] = results as [Figures, Figures, Figures];
  const ratio = full.nightlyMs / small.nightlyMs;
  const ratioTenth = full.nightlyMs / tenth.nightlyMs;
  out(`nightly at 100 % / nightly at 1 % of history: ${ratio.toFixed(2)}; 100 % / 10 %: ${ratioTenth.toFixed(2)}`);
  out(`30-day report at 100 % / 1 %: ${(full.thirtyDayMs / small.thirtyDayMs).toFixed(2)}; 100 % / 10 %: ${(full.thirtyDayMs / tenth.thirtyDayMs).toFixed(2)}`);
  out(
    JSON.stringify({
      terminals: TERMINALS,
      perDay: PER_DAY,
      days: DAYS,
      surveys: { small: small.surveys, tenth: tenth.surveys, full: full.surveys },
      nightlyMs: { small: Math.round(small.nightlyMs), tenth: Math.round(tenth.nightlyMs), full: Math.round(full.nightlyMs) },
      nightlyRatio: Number(ratio.toFixed(2)),
      nightlyRatioTenth: Number(ratioTenth.toFixed(2)),
      thirtyDayMs: { small: Math.round(small.thirtyDayMs), tenth: Math.round(tenth.thirtyDayMs), full: Math.round(full.thirtyDayMs) },
      thirtyDayRatio: Number((full.thirtyDayMs / small.thirtyDayMs).toFixed(2)),
      thirtyDayRatioTenth: Number((full.thirtyDayMs / tenth.thirtyDayMs).toFixed(2)),
      rollupS: { small: Number(small.rollupS.toFixed(1)), tenth: Number(tenth.rollupS.toFixed(1)), full: Number(full.rollupS.toFixed(1)) },
      dbMB: { small: Math.round(small.dbMB), tenth: Math.round(tenth.dbMB), full: Math.round(full.dbMB) },
    }),
  );
}

main();
