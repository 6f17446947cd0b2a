/**
 * `npm run bench:hub`: the chain hub on real parts (docs/performance.md, "Chain hub"), in one run:
 *   1. forward rate: a store gateway's SQLite whose outbox the store's own triggers filled with BENCH_HUB_EVENTS
 *      events (bench/hub-store.ts), sent by the real forwarder through Mosquitto to a real Hub committing into
 *      PostgreSQL (initdb in a temporary folder), events/s from the forwarder's start to the last row acked;
 *   2. PostgreSQL's raw batched insert of the same event rows into the hub's events table, same batch size
 *      (bench/hub-raw-pg.ts), and the ratio forward / raw (target at least 0.5); beside it, the same batches
 *      through the hub's steps without the broker, each step timed (where a batch's time goes);
 *   3. the hub's derivation of those events (surveys, periods, rollups: its derive queue drained), events/s;
 *   4. the chain's nightly report (last night, grouped by region and store) over BENCH_HUB_STORES stores'
 *      BENCH_HUB_DAYS days of rollups, and the same at BENCH_HUB_TENTH_DAYS days (a tenth of the history):
 *      target under 5 s, and the full / tenth ratio at most 1.2 (the report must not grow with history).
 * Each figure is the median of BENCH_HUB_RUNS runs. Every wait is bounded; the whole run gives up after 15 minutes.
 * Prints readable lines, then one JSON line with every figure.
 */
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import pg from "pg";
import { configSchema } from "../gateway/config/schema.ts";
import { migrateHub } from "../gateway/hub/pg-schema.ts";
import { startMosquitto, type Mosquitto } from "../gateway/testkit/mosquitto.ts";
import { startPostgres, type Postgres } from "../gateway/testkit/postgres.ts";
import { addDays, localDay } from "../gateway/time/zone.ts";
import { fillChainDb, HUB_ZONE, nightlyReport, type FilledChain, type NightlyRun } from "./hub-chain.ts";
import { createDatabase, dropDatabase, forwardRun, stepBreakdown, type ForwardRun, type ForwardSetup, type StepBreakdown } from "./hub-forward.ts";
import { rawPgRate, type RawPgRate } from "./hub-raw-pg.ts";
import { buildStore, copyStore, outboxEvents, removeStore } from "./hub-store.ts";
import { median } from "./stats.ts";
import { finish, runBench } from "./main.ts";

function envInt(name: string, dflt: number, min: number, max: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer ${min}..${max}, got '${v}'`);
  return n;
}

const DEFAULT_BATCH = configSchema.parse({}).hub.batchMax;
const DEFAULT_IN_FLIGHT = configSchema.parse({}).hub.inFlight;
const N = {
  events: envInt("BENCH_HUB_EVENTS", 50_000, 100, 5_000_000),
  terminals: envInt("BENCH_HUB_TERMINALS", 10, 1, 1000),
  batch: envInt("BENCH_HUB_BATCH", DEFAULT_BATCH, 1, 10_000),
  inFlight: envInt("BENCH_HUB_IN_FLIGHT", DEFAULT_IN_FLIGHT, 1, 32),
  runs: envInt("BENCH_HUB_RUNS", 3, 1, 20),
  reportRuns: envInt("BENCH_HUB_REPORT_RUNS", 5, 1, 50),
  stores: envInt("BENCH_HUB_STORES", 1000, 1, 100_000),
  terminalsPerStore: envInt("BENCH_HUB_STORE_TERMINALS", 3, 1, 100),
  days: envInt("BENCH_HUB_DAYS", 365, 2, 3660),
  tenthDays: envInt("BENCH_HUB_TENTH_DAYS", 36, 1, 3660),
};
const ONLY = new Set((process.env.BENCH_HUB_ONLY ?? "forward,report").split(","));
const TARGET_FORWARD_RATIO = 0.5;
const TARGET_REPORT_MS = 5000;
const TARGET_HISTORY_RATIO = 1.2;
const STORE_ID = "bench-store";

setTimeout(() => {
  console.error("bench:hub: gave up after 15 minutes");
  process.exit(2);
}, 15 * 60_000).unref();

const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
const ratio3 = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;

async function forwardPart(pgServer: Postgres, out: Record<string, unknown>): Promise<void> {
  const hasMosquitto = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].some((p) => existsSync(p));
  if (!hasMosquitto) {
    console.log("\nMosquitto not installed (apt-get install mosquitto): the forward part is skipped");
    return;
  }
  console.log(`\nForward: one store, ${N.terminals} terminals, ${fmt(N.events)} events, batches of ${N.batch}, ${N.inFlight} in flight (and 1, for comparison), ${N.runs} runs`);
  const built = buildStore({ storeId: STORE_ID, terminals: N.terminals, events: N.events, timeZone: HUB_ZONE }, Date.now());
  console.log(`  store database built through the store's code in ${fmt(built.ms)} ms: ${fmt(built.outboxRows)} outbox rows (${fmt(built.events)} events)`);
  const broker: Mosquitto = await startMosquitto();
  const setup: ForwardSetup = { adminUrl: pgServer.url, brokerUrl: broker.url, brokerPid: broker.process.pid, storeId: STORE_ID, batchMax: N.batch, inFlight: N.inFlight, timeoutMs: 300_000 };
  const forward: ForwardRun[] = [];
  const single: ForwardRun[] = [];
  const raw: RawPgRate[] = [];
  const steps: StepBreakdown[] = [];
  try {
    const rows = outboxEvents(built.path);
    const rawUrl = await createDatabase(pgServer.url, "bench_raw");
    const pool = new pg.Pool({ connectionString: rawUrl, max: 1 });
    await migrateHub(pool);
    await pool.end();
    /* Turns, so that a slow minute of the machine falls on both figures. */
    for (let i = 0; i < N.runs; i++) {
      const copy = copyStore(built, i);
      const f = await forwardRun(setup, copy, built.events, `bench_fwd_${i}`).finally(() => removeStore(copy));
      if (f.storedAtHub !== built.events) throw new Error(`run ${i + 1}: ${f.storedAtHub} events at the hub, ${built.events} forwarded`);
      forward.push(f);
      const one = copyStore(built, 200 + i);
      const f1 = await forwardRun({ ...setup, inFlight: 1 }, one, built.events, `bench_fwd1_${i}`).finally(() => removeStore(one));
      single.push(f1);
      console.log(`  run ${i + 1}: one batch in flight: forward ${fmt(f1.eps)} events/s (${fmt(f1.rows)} rows acked in ${fmt(f1.elapsedMs)} ms)`);
      console.log(
        `  run ${i + 1}: forward ${fmt(f.eps)} events/s (${fmt(f.rows)} rows acked in ${fmt(f.elapsedMs)} ms; cpu bench ${f.cpu.bench}% broker ${f.cpu.broker}% postgres ${f.cpu.postgres}%), ` +
          `derive ${fmt(f.derive.eps)} events/s (${f.derive.terminals} terminals in ${fmt(f.derive.elapsedMs)} ms: ${fmt(f.derive.surveys)} surveys, ${fmt(f.derive.dailyCounts)} daily rows)`,
      );
      const r = await rawPgRate(rawUrl, STORE_ID, rows, N.batch);
      raw.push(r);
      console.log(`         raw PostgreSQL ${fmt(r.eps)} events/s (${fmt(r.rows)} rows, ${N.batch} a statement, in ${fmt(r.elapsedMs)} ms)`);
      const stepsCopy = copyStore(built, 100 + i);
      const s = await stepBreakdown(setup, stepsCopy, built.events, `bench_steps_${i}`).finally(() => removeStore(stepsCopy));
      steps.push(s);
      console.log(
        `         without the broker ${fmt(s.eps)} events/s; over ${s.batches} batches: text ${fmt(s.textMs)} ms, parse ${fmt(s.parseMs)} ms, plan ${fmt(s.planMs)} ms, commit ${fmt(s.commitMs)} ms (its plan included)`,
      );
    }
    await dropDatabase(pgServer.url, "bench_raw");
  } finally {
    await broker.stop();
    removeStore(built.path);
  }
  const fwd = median(forward.map((f) => f.eps));
  const fwd1 = median(single.map((f) => f.eps));
  const rawEps = median(raw.map((r) => r.eps));
  const direct = median(steps.map((s) => s.eps));
  const derive = median(forward.map((f) => f.derive.eps));
  const ratio = ratio3(fwd, rawEps);
  const met = ratio >= TARGET_FORWARD_RATIO;
  console.log(`  median: forward ${fmt(fwd)} events/s (${N.inFlight} in flight), raw ${fmt(rawEps)} events/s, forward / raw ${ratio} (target >= ${TARGET_FORWARD_RATIO}: ${met ? "met" : "MISSED"})`);
  console.log(`  median: one batch in flight ${fmt(fwd1)} events/s, forward / raw ${ratio3(fwd1, rawEps)}; ${N.inFlight} in flight / 1: ${ratio3(fwd, fwd1)}`);
  console.log(`  median: without the broker ${fmt(direct)} events/s; derivation ${fmt(derive)} events/s`);
  const stepMedian = (k: keyof StepBreakdown) => Math.round(median(steps.map((s) => s[k])));
  out.forward = {
    events: built.events,
    outbox_rows: built.outboxRows,
    terminals: N.terminals,
    batch: N.batch,
    in_flight: N.inFlight,
    eps: Math.round(fwd),
    one_in_flight_eps: Math.round(fwd1),
    ratio_in_flight_one: ratio3(fwd, fwd1),
    runs_eps: forward.map((f) => Math.round(f.eps)),
    elapsed_ms: Math.round(median(forward.map((f) => f.elapsedMs))),
    cpu_pct: { bench: median(forward.map((f) => f.cpu.bench)), broker: median(forward.map((f) => f.cpu.broker ?? NaN)), postgres: median(forward.map((f) => f.cpu.postgres)) },
  };
  out.raw_pg = { eps: Math.round(rawEps), runs_eps: raw.map((r) => Math.round(r.eps)), batch: N.batch };
  out.ratio_forward_raw = ratio;
  out.forward_target_met = met;
  out.steps = {
    eps: Math.round(direct),
    runs_eps: steps.map((s) => Math.round(s.eps)),
    batches: steps[0]?.batches ?? 0,
    text_ms: stepMedian("textMs"),
    parse_ms: stepMedian("parseMs"),
    plan_ms: stepMedian("planMs"),
    commit_ms: stepMedian("commitMs"),
  };
  out.derive = {
    eps: Math.round(derive),
    runs_eps: forward.map((f) => Math.round(f.derive.eps)),
    elapsed_ms: Math.round(median(forward.map((f) => f.derive.elapsedMs))),
    terminals: forward[0]?.derive.terminals ?? 0,
    surveys: forward[0]?.derive.surveys ?? 0,
    daily_counts: forward[0]?.derive.dailyCounts ?? 0,
  };
}

async function reportPart(pgServer: Postgres, out: Record<string, unknown>): Promise<void> {
  const lastDay = addDays(localDay(Date.now(), HUB_ZONE), -1);
  console.log(`\nNightly chain report for ${lastDay} by region and store: ${fmt(N.stores)} stores x ${N.terminalsPerStore} terminals, ${N.tenthDays} and ${N.days} days of rollups, ${N.reportRuns} runs each`);
  const sizes = { tenth: N.tenthDays, full: N.days };
  const urls: Record<string, string> = {};
  const filled: Record<string, FilledChain> = {};
  const runs: Record<string, NightlyRun[]> = { tenth: [], full: [] };
  try {
    for (const [name, days] of Object.entries(sizes)) {
      urls[name] = await createDatabase(pgServer.url, `bench_chain_${name}`);
      const f = (filled[name] = await fillChainDb(urls[name]!, { stores: N.stores, terminalsPerStore: N.terminalsPerStore, days, lastDay }));
      console.log(`  ${days} days: filled in ${fmt(f.fillMs)} ms (${fmt(f.dailyCounts)} daily_counts rows, ${fmt(f.dbMB)} MB)`);
    }
    /* In turns, the order swapped each round, so that a busy moment of the machine falls on both sizes. */
    for (let i = 0; i < N.reportRuns; i++) {
      for (const name of i % 2 ? ["full", "tenth"] : ["tenth", "full"]) runs[name]!.push(await nightlyReport(urls[name]!, lastDay));
    }
  } finally {
    for (const name of Object.keys(sizes)) await dropDatabase(pgServer.url, `bench_chain_${name}`);
  }
  const json = (name: string) => {
    const f = filled[name]!;
    const r = runs[name]!;
    return { days: f.days, daily_counts: f.dailyCounts, fill_ms: Math.round(f.fillMs), db_mb: f.dbMB, ms: Math.round(median(r.map((x) => x.ms))), runs_ms: r.map((x) => Math.round(x.ms)), groups: r[0]!.groups, surveys: r[0]!.surveys };
  };
  const tenth = json("tenth");
  const full = json("full");
  for (const r of [tenth, full]) console.log(`  ${r.days} days: report ${fmt(r.ms)} ms median (runs ${r.runs_ms.map(fmt).join(", ")} ms; ${r.groups} groups, ${fmt(r.surveys)} surveys)`);
  const ratio = ratio3(full.ms, tenth.ms);
  const metMs = full.ms < TARGET_REPORT_MS;
  const metRatio = ratio <= TARGET_HISTORY_RATIO;
  console.log(`  full history ${fmt(full.ms)} ms (target < ${TARGET_REPORT_MS} ms: ${metMs ? "met" : "MISSED"}); full / tenth ${ratio} (target <= ${TARGET_HISTORY_RATIO}: ${metRatio ? "met" : "MISSED"})`);
  out.report = { day: lastDay, stores: filled.full!.stores, terminals: filled.full!.terminals, tenth, full, ratio_full_tenth: ratio, target_ms_met: metMs, target_ratio_met: metRatio };
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(`bench:hub: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}`);
  const out: Record<string, unknown> = { bench: "hub", date: new Date().toISOString(), cores: cpus().length, cpu_model: cpus()[0]?.model ?? null, node: process.version, runs: N.runs, report_runs: N.reportRuns };
  const pgServer = await startPostgres();
  try {
    const c = new pg.Client({ connectionString: pgServer.url });
    await c.connect();
    out.postgres = (await c.query<{ v: string }>("SHOW server_version")).rows[0]!.v;
    await c.end();
    if (ONLY.has("forward")) await forwardPart(pgServer, out);
    if (ONLY.has("report")) await reportPart(pgServer, out);
  } finally {
    await pgServer.stop();
  }
  finish(out, started);
}

runBench(main);
