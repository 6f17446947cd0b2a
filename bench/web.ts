/**
 * `npm run bench:web`: what the dashboard's push and the alert engine cost the gateway (docs/performance.md#dashboard-push).
 * One in-process gateway (startGateway, temporary database, silent logs) with the demo's 30 days of history, 20 alert
 * rules that never fire (so every evaluation reads every rule's figures and changes nothing) and the demo's users:
 *   1. parts, timed in a loop: one snapshot of the dashboard, one viewer's HTML from it, one PRAGMA data_version
 *      read (the watch for other processes' writes), one alert evaluation of 0, 5 and 20 rules;
 *   2. end to end: scripted terminals over MQTT (bench/load.ts in a child process, as bench:ingest) send a fixed number
 *      of events as fast as acks allow, with 0 and then 20 dashboards open (real HTTP clients signed in, reading the
 *      server-sent events); the ingest rate, the pushes and the bytes they sent, and the time spent in pushes and
 *      evaluations during the run, with the ratios of the two runs.
 * Prints readable lines, then one JSON line with every figure. Env: BENCH_SCALE=small (fewer events).
 */
import { cpus } from "node:os";
import { startGateway, type Gateway } from "../gateway/app.ts";
import { parseRule } from "../gateway/alerts/rules.ts";
import { localDateBefore } from "../gateway/demo/day.ts";
import { loadHistory } from "../gateway/demo/history-load.ts";
import { silentLogger } from "../gateway/log.ts";
import { testConfig } from "../gateway/testkit/config.ts";
import { fragmentsByKind } from "../gateway/web/dashboard/live.ts";
import { liveFragment } from "../gateway/web/dashboard/render.ts";
import { addUser } from "../gateway/web/users.ts";
import { connectAndPair, GatewayRuns, type RunPlan } from "./gateway-run.ts";
import { LoadPool } from "./load-client.ts";
import { finish, runBench } from "./main.ts";

const SCALES = { full: { terminals: 20, perTerminal: 500, loops: 200 }, small: { terminals: 10, perTerminal: 200, loops: 50 } } as const;
const scaleName = process.env.BENCH_SCALE === "small" ? "small" : "full";
const S = SCALES[scaleName];
const DASHBOARDS = 20;
const RULES = 20;
const PASSWORD = "bench-password-1";
const PLAN: RunPlan = { perTerminal: S.perTerminal, window: 32, perSecond: 10, pacedMs: 3000, timeoutMs: 120_000 };

setTimeout(() => {
  console.error("bench:web: gave up after 10 minutes");
  process.exit(2);
}, 10 * 60_000).unref();

const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Mean wall time of `fn` over `n` calls, after 3 warm-up calls, in ms. */
function timed(n: number, fn: () => unknown): number {
  for (let i = 0; i < 3; i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  return (performance.now() - t0) / n;
}

/** Time spent in a method of an object while a run goes on: wraps it on the instance (a bench's probe, as probe.ts does). */
function meter<T extends object>(obj: T, name: string) {
  const o = obj as Record<string, unknown>;
  const orig = o[name] as (...a: unknown[]) => unknown;
  const m = { calls: 0, totalMs: 0 };
  o[name] = function (this: unknown, ...a: unknown[]) {
    const t0 = performance.now();
    try {
      return orig.apply(this, a);
    } finally {
      m.calls++;
      m.totalMs += performance.now() - t0;
    }
  };
  return { m, reset: () => Object.assign(m, { calls: 0, totalMs: 0 }) };
}

/** A dashboard open in a "browser": signed in over HTTP, reading /live/events and counting what arrives. */
async function openDashboard(base: string, login: string): Promise<{ events: number; bytes: number; close: () => void }> {
  const r = await fetch(`${base}/login`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ login, password: PASSWORD }).toString() });
  const cookie = r.headers.get("set-cookie")?.split(";")[0];
  if (r.status !== 303 || !cookie) throw new Error(`sign-in of ${login} answered ${r.status}`);
  const abort = new AbortController();
  const res = await fetch(`${base}/live/events`, { headers: { cookie, accept: "text/event-stream" }, signal: abort.signal });
  if (res.status !== 200 || !res.body) throw new Error(`/live/events answered ${res.status}`);
  const d = { events: 0, bytes: 0, close: () => abort.abort() };
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        d.bytes += value.byteLength;
        d.events += (dec.decode(value, { stream: true }).match(/^event: live$/gm) ?? []).length;
      }
    } catch {
      /* aborted */
    }
  })();
  return d;
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(`bench:web ${scaleName}: ${S.terminals} terminals, ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}`);
  const out: Record<string, unknown> = { bench: "web", date: new Date().toISOString(), scale: scaleName, cores: cpus().length, cpu_model: cpus()[0]?.model ?? null, node: process.version, terminals: S.terminals, per_terminal: S.perTerminal, dashboards: DASHBOARDS, rules: RULES };
  const config = testConfig({ alerts: { settleMs: 100 } });
  const gw: Gateway = await startGateway(config, { log: silentLogger() });
  const load = new LoadPool(1);
  const dashboards: { events: number; bytes: number; close: () => void }[] = [];
  try {
    const now = Date.now();
    loadHistory({ store: gw.store, timeZone: config.timeZone, yesterday: localDateBefore(now, config.timeZone, 1), live: [], timing: { windowMs: 30_000, longMs: 3000, fmMaxMs: 1_800_000, heartbeatMs: 30_000 }, now });
    gw.workers.derive();
    const cli = { by: "bench", userId: null, via: "cli" as const };
    for (let i = 0; i < DASHBOARDS; i++) await addUser(gw.store, { login: `viewer${i}`, roles: i % 2 ? "manager" : "expert", password: PASSWORD }, cli, now);
    const live = gw.live!;
    const alerts = gw.alerts!;

    console.log("\nParts (mean of a loop)");
    const t0 = performance.now();
    const snap = live.snapshot();
    /* The first snapshot computes the past days' figures too; the later ones reuse them (past-figures.ts). */
    const snapshotColdMs = performance.now() - t0;
    const snapshotMs = timed(S.loops, () => live.snapshot());
    const renderMs = timed(S.loops * 5, () => liveFragment(snap, { csrf: "x".repeat(43), mayAck: true }));
    const fragmentBytes = Buffer.byteLength(liveFragment(snap, { csrf: "x".repeat(43), mayAck: true }).text);
    /* A push's HTML for 20 viewers, half of whom may acknowledge: rendered once per kind, each token put in. */
    const viewers = Array.from({ length: DASHBOARDS }, (_, i) => ({ csrf: `${i}`.padEnd(43, "x"), mayAck: i % 2 === 0 }));
    const htmlFor20Ms = timed(S.loops, () => {
      const byKind = fragmentsByKind(snap);
      for (const v of viewers) byKind(v);
    });
    const version = gw.store.db.prepare("PRAGMA data_version").pluck();
    const dataVersionMs = timed(100_000, () => version.get());
    const evaluate: Record<string, number> = { 0: timed(S.loops, () => alerts.evaluate()) };
    /* Rules that never hold: every evaluation reads each one's figures and opens nothing. */
    const never = [{ kind: "index", index: "inkStaff", op: "above", threshold: 100, minSample: 1 }, { kind: "index", index: "iel", op: "below", threshold: -100, minSample: 1, per: "store" }, { kind: "fm-level", threshold: 100 }, { kind: "offline", minutes: 10_080 }, { kind: "flags", flag: "quick", count: 100_000 }];
    for (let i = 0; i < RULES; i++) {
      gw.store.alerts.addRule(parseRule(never[i % never.length], "rule"), "bench", now);
      if (i + 1 === 5 || i + 1 === RULES) evaluate[String(i + 1)] = timed(S.loops, () => alerts.evaluate());
    }
    console.log(`  dashboard snapshot: ${us(snapshotMs)} (the first, with the past days' figures: ${us(snapshotColdMs)}); one viewer's HTML from it: ${us(renderMs)} (${fmt(fragmentBytes)} bytes)`);
    console.log(`  a push to ${DASHBOARDS} dashboards: ${us(snapshotMs + htmlFor20Ms)} (one snapshot, the HTML of ${DASHBOARDS} viewers of 2 kinds: ${us(htmlFor20Ms)})`);
    console.log(`  PRAGMA data_version: ${us(dataVersionMs)} (once a second while a dashboard is open)`);
    console.log(`  alert evaluation: ${Object.entries(evaluate).map(([n, ms]) => `${n} rules ${us(ms)}`).join(", ")}`);
    out.parts = { snapshot_ms: r3(snapshotMs), snapshot_cold_ms: r3(snapshotColdMs), render_per_viewer_ms: r3(renderMs), fragment_bytes: fragmentBytes, html_20_viewers_ms: r3(htmlFor20Ms), push_20_ms: r3(snapshotMs + htmlFor20Ms), data_version_us: r3(dataVersionMs * 1000), evaluate_ms_by_rules: Object.fromEntries(Object.entries(evaluate).map(([k, v]) => [k, r3(v)])) };

    console.log(`\nEnd to end: ${S.terminals} terminals over MQTT (embedded broker), ${S.perTerminal} events each as fast as acks allow`);
    const serials = Array.from({ length: S.terminals }, (_, i) => `bw-${String(i).padStart(3, "0")}`);
    const secrets = Object.fromEntries(serials.map((s) => [s, gw.store.credentials.issue(s, Date.now())]));
    await connectAndPair(gw, load, { op: "mqtt", url: gw.mqttUrl, serials, secrets }, serials);
    const runs = new GatewayRuns(gw, load, PLAN);
    const pushes = meter(live, "push");
    const evals = meter(alerts, "evaluate");
    const e2e: Record<string, unknown> = {};
    const rates: number[] = [];
    for (const open of [0, DASHBOARDS]) {
      while (dashboards.length < open) dashboards.push(await openDashboard(gw.http!.url, `viewer${dashboards.length}`));
      await new Promise((r) => setTimeout(r, 300));
      const before = dashboards.map((d) => ({ ...d }));
      pushes.reset();
      evals.reset();
      const r = await runs.throughput();
      await new Promise((r) => setTimeout(r, 300));
      const events = dashboards.reduce((a, d, i) => a + d.events - before[i]!.events, 0);
      const bytes = dashboards.reduce((a, d, i) => a + d.bytes - before[i]!.bytes, 0);
      const wallS = r.run.elapsedMs / 1000;
      rates.push(r.eps);
      console.log(
        `  ${open} dashboards open: ${fmt(r.eps)} events/s, latency p50 ${r.run.latency.p50.toFixed(1)} ms p99 ${r.run.latency.p99.toFixed(1)} ms; cpu gateway ${r.cpu.gateway}%; ` +
          `pushes ${pushes.m.calls} (${fmt(pushes.m.totalMs)} ms, ${(pushes.m.totalMs / Math.max(1, pushes.m.calls)).toFixed(2)} ms each), ${fmt(events)} events and ${fmt(bytes / 1024)} KiB to the dashboards; ` +
          `alert evaluations ${evals.m.calls} (${fmt(evals.m.totalMs)} ms, ${(evals.m.totalMs / Math.max(1, evals.m.calls)).toFixed(2)} ms each, ${((evals.m.totalMs / 1000 / wallS) * 100).toFixed(1)}% of the run)`,
      );
      e2e[String(open)] = { eps: Math.round(r.eps), p50_ms: r.run.latency.p50, p99_ms: r.run.latency.p99, cpu_pct: r.cpu, pushes: pushes.m.calls, push_ms_total: r3(pushes.m.totalMs), sse_events: events, sse_bytes: bytes, evaluations: evals.m.calls, evaluate_ms_total: r3(evals.m.totalMs), elapsed_ms: Math.round(r.run.elapsedMs) };
    }
    runs.stop();
    const ratio = rates[1]! / rates[0]!;
    console.log(`  ingest rate with ${DASHBOARDS} dashboards / with none: ${ratio.toFixed(2)}`);
    out.e2e = e2e;
    out.ratio_eps_20_dashboards_to_0 = r3(ratio);
  } finally {
    for (const d of dashboards) d.close();
    await load.call({ op: "close" }).catch(() => undefined);
    await load.stop();
    await gw.stop();
  }
  finish(out, started);
}

runBench(main);
