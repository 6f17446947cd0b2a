/**
 * `npm run bench:ingest`: how fast the gateway stores and acks button events end to end, against the raw rates of
 * its two parts measured in the same run (docs/performance.md). 100 scripted terminals (gateway/demo) in a child
 * process talk to an in-process gateway (startGateway, temporary database, silent logs):
 *   1. raw SQLite: batched inserts into the events table (bench/raw-sqlite.ts);
 *   2. MQTT, embedded broker, then Mosquitto when installed: the raw QoS 1 rate (bench/raw-broker.ts), then the
 *      gateway's throughput and its latency at a steady rate (bench/gateway-run.ts);
 *   3. 100 pseudo-terminal pairs (socat) on 100 configured serial ports: throughput and latency at 10 events/s
 *      per terminal.
 * Every loop is bounded in count and time. Prints readable lines, then one JSON line with every figure.
 * Env (docs/performance.md): BENCH_SCALE=small (10 terminals, shorter runs), BENCH_ONLY=sqlite,embedded,mosquitto,pty,
 * BENCH_RUNS=throughput,paced, BENCH_WINDOW (unacked events per terminal, 32), BENCH_CONFIG (diagnostics).
 */
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { startGateway, type Gateway } from "../gateway/app.ts";
import type { ConfigInput } from "../gateway/config/schema.ts";
import { startEmbeddedBroker, type LocalBus } from "../gateway/ingest/broker.ts";
import { silentLogger } from "../gateway/log.ts";
import { testCredentials } from "../gateway/testkit/credentials.ts";
import { testConfig } from "../gateway/testkit/config.ts";
import { startMosquitto, type Mosquitto } from "../gateway/testkit/mosquitto.ts";
import { ptyPair, type PtyPair } from "../gateway/testkit/socat.ts";
import { waitFor } from "../gateway/testkit/wait.ts";
import { connectAndPair, GatewayRuns, type E2e, type RunPlan } from "./gateway-run.ts";
import { LoadPool } from "./load-client.ts";
import { RAW_PREFIX, rawBrokerRate, type BrokerRate } from "./raw-broker.ts";
import { rawSqliteRate, type SqliteRate } from "./raw-sqlite.ts";
import { finish, runBench } from "./main.ts";

const SCALES = {
  full: { terminals: 100, perTerminal: 500, rawPerPublisher: 500, pacedMs: 10_000, sqliteRows: 200_000, sqliteMs: 2000 },
  small: { terminals: 10, perTerminal: 200, rawPerPublisher: 200, pacedMs: 3000, sqliteRows: 20_000, sqliteMs: 500 },
} as const;
const scaleName = process.env.BENCH_SCALE === "small" ? "small" : "full";
const S = SCALES[scaleName];
const WINDOW = Number(process.env.BENCH_WINDOW ?? 32);
if (!Number.isInteger(WINDOW) || WINDOW < 1 || WINDOW > 1000) throw new Error(`BENCH_WINDOW must be an integer 1..1000, got ${process.env.BENCH_WINDOW}`);
const ONLY = new Set((process.env.BENCH_ONLY ?? "sqlite,embedded,mosquitto,pty").split(","));
const RUNS = new Set((process.env.BENCH_RUNS ?? "throughput,paced").split(","));
/* How many processes the simulated devices are spread over (in a store every device is its own machine). */
const LOAD_PROCS = Number(process.env.BENCH_LOAD_PROCS ?? 1);
if (!Number.isInteger(LOAD_PROCS) || LOAD_PROCS < 1 || LOAD_PROCS > 16) throw new Error(`BENCH_LOAD_PROCS must be an integer 1..16, got ${process.env.BENCH_LOAD_PROCS}`);
const PLAN: RunPlan = { perTerminal: S.perTerminal, window: WINDOW, perSecond: 10, pacedMs: S.pacedMs, timeoutMs: 120_000 };
/* Diagnostics only: extra gateway config (e.g. {"ingest":{"deriveIntervalMs":600000}}); the figures in docs use none. */
const EXTRA: ConfigInput = JSON.parse(process.env.BENCH_CONFIG ?? "{}") as ConfigInput;
const TARGET_BROKER_RATIO = 0.5;
const TARGET_PTY_P99_MS = 20;

/* Whatever happens, the run ends by itself. */
setTimeout(() => {
  console.error("bench: gave up after 15 minutes");
  process.exit(2);
}, 15 * 60_000).unref();

const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
const ms = (x: number) => x.toFixed(1) + " ms";
const serialsFor = (tag: string) => Array.from({ length: S.terminals }, (_, i) => `bm-${tag}-${String(i).padStart(3, "0")}`);

function e2eLine(what: string, r: E2e): string {
  const l = r.run.latency;
  const batch = r.batches ? (r.stored / r.batches).toFixed(1) : "-";
  const cpu = `cpu gateway ${r.cpu.gateway}% load ${r.cpu.load}%` + (r.cpu.other !== undefined ? ` other ${r.cpu.other}%` : "");
  const b = r.breakdown;
  return (
    `  ${what}: ${fmt(r.eps)} events/s (${r.run.acked}/${r.run.sent} acked, ${r.stored} stored, mean batch ${batch}), latency p50 ${ms(l.p50)} p99 ${ms(l.p99)} max ${ms(l.max)}; ${cpu}\n` +
    `    in the gateway (received -> ack written) p50 ${ms(b.residence.p50)} p99 ${ms(b.residence.p99)}` +
    (b.inbound && b.outbound ? `; device -> gateway p50 ${ms(b.inbound.p50)} p99 ${ms(b.inbound.p99)}; ack -> device p50 ${ms(b.outbound.p50)} p99 ${ms(b.outbound.p99)}` : "") +
    `; loop delay max ${ms(b.loop_delay_max_ms)} (devices' ${ms(r.run.loopDelayMaxMs)}); commits ${b.flush.calls} took ${fmt(b.flush.totalMs)} ms (max ${ms(b.flush.maxMs)}); ` +
    `survey rebuild ${b.derive.calls} terminal rebuilds (${b.derive.terminals} counted), ${fmt(b.derive.totalMs)} ms (max ${ms(b.derive.maxMs)}), reaching back ${b.derive.reach_back_mean_s.toFixed(1)} s on average`
  );
}

function e2eJson(r: E2e) {
  return {
    eps: Math.round(r.eps),
    sent: r.run.sent,
    acked: r.run.acked,
    stored: r.stored,
    elapsed_ms: Math.round(r.run.elapsedMs),
    mean_batch: r.batches ? Math.round((r.stored / r.batches) * 10) / 10 : null,
    p50_ms: r.run.latency.p50,
    p90_ms: r.run.latency.p90,
    p99_ms: r.run.latency.p99,
    max_ms: r.run.latency.max,
    cpu_pct: r.cpu,
    load_loop_delay_max_ms: r.run.loopDelayMaxMs,
    gateway: r.breakdown,
  };
}

function brokerJson(b: BrokerRate) {
  return { eps: Math.round(b.eps), publishers: b.publishers, messages: b.messages, received: b.received, elapsed_ms: Math.round(b.elapsedMs), cpu_pct: b.cpu };
}

/** The two end-to-end runs on one gateway (those BENCH_RUNS selects), printed as they finish. */
async function e2eRuns(runs: GatewayRuns): Promise<{ tp?: E2e; paced?: E2e }> {
  const r: { tp?: E2e; paced?: E2e } = {};
  /* Paced first: after the throughput run every terminal has 500 more surveys that day, and each rebuild
     recounts its terminal's day, so a paced run that follows measures that backlog as much as the latency. */
  if (RUNS.has("paced")) {
    r.paced = await runs.paced();
    console.log(e2eLine(`end to end, ${PLAN.perSecond} events/s per terminal for ${PLAN.pacedMs / 1000} s`, r.paced));
  }
  if (RUNS.has("throughput")) {
    r.tp = await runs.throughput();
    console.log(e2eLine(`end to end, ${S.perTerminal} events per terminal, window ${WINDOW}`, r.tp));
  }
  runs.stop();
  return r;
}

const ratio3 = (a: number, b: number | undefined) => (b ? Math.round((a / b) * 1000) / 1000 : null);
const pacedJson = (r: E2e | undefined) => (r ? { per_terminal_per_s: PLAN.perSecond, duration_ms: PLAN.pacedMs, ...e2eJson(r) } : null);

async function mqttScenario(name: "embedded" | "mosquitto", load: LoadPool, sqliteEps: number | undefined) {
  let mosq: Mosquitto | undefined;
  let gw: Gateway | undefined;
  try {
    console.log(`\nMQTT, ${name} broker, ${S.terminals} terminals`);
    let rawUrl: string;
    let closeRaw = async () => undefined as void;
    let local: LocalBus | undefined;
    let issue: ((device: string) => string) | undefined;
    if (name === "mosquitto") {
      mosq = await startMosquitto();
      rawUrl = mosq.url;
    } else {
      const creds = testCredentials();
      const b = await startEmbeddedBroker({ host: "127.0.0.1", port: 0, log: silentLogger(), prefix: RAW_PREFIX, check: creds.check });
      rawUrl = b.url;
      closeRaw = () => b.stop();
      local = b.local;
      issue = creds.issue;
    }
    const pid = () => [mosq?.process.pid].filter((p) => p !== undefined);
    /*
     * The embedded broker admits only devices with their credentials, so its raw runs go to the in-process
     * subscriber (as the gateway receives there); Mosquitto's to an mqtt.js subscriber, as the gateway subscribes there.
     */
    const raw = { timeoutMs: 60_000, brokerPid: mosq?.process.pid, local, issue };
    const many = await rawBrokerRate(rawUrl, load, { publishers: S.terminals, perPublisher: S.rawPerPublisher, window: WINDOW, ...raw });
    console.log(`  raw broker QoS 1, ${S.terminals} publishers -> 1 subscriber: ${fmt(many.eps)} msg/s (${many.received}/${many.messages}); cpu gateway-side ${many.cpu.gateway}% load ${many.cpu.load}%` + (many.cpu.broker !== undefined ? ` broker ${many.cpu.broker}%` : ""));
    const one = await rawBrokerRate(rawUrl, load, { publishers: 1, perPublisher: S.terminals * S.rawPerPublisher, window: WINDOW * S.terminals, ...raw });
    console.log(`  raw broker QoS 1, 1 publisher -> 1 subscriber: ${fmt(one.eps)} msg/s (${one.received}/${one.messages})`);
    await closeRaw();

    gw = await startGateway(testConfig({ ...EXTRA, ...(mosq ? { mqtt: { url: mosq.url } } : {}) }), { log: silentLogger() });
    const serials = serialsFor(name === "mosquitto" ? "q" : "e");
    /* Each terminal with its own credential, issued in the gateway's database as `loyalty flash` does (the embedded broker checks them). */
    const g = gw;
    const secrets = mosq ? undefined : Object.fromEntries(serials.map((serial) => [serial, g.store.credentials.issue(serial, Date.now())]));
    await connectAndPair(gw, load, { op: "mqtt", url: gw.mqttUrl, serials, ...(secrets ? { secrets } : {}) }, serials);
    const { tp, paced } = await e2eRuns(new GatewayRuns(gw, load, PLAN, pid));
    await load.call({ op: "close" });
    const rawBest = Math.max(many.eps, one.eps);
    const ratio = tp ? tp.eps / rawBest : undefined;
    if (tp && ratio !== undefined) {
      console.log(`  end to end / raw broker (best of the two): ${ratio.toFixed(2)} (target >= ${TARGET_BROKER_RATIO}: ${ratio >= TARGET_BROKER_RATIO ? "met" : "MISSED"})` + (sqliteEps ? `; end to end / raw sqlite: ${(tp.eps / sqliteEps).toFixed(3)}` : ""));
    }
    return {
      broker_raw: brokerJson(many),
      broker_raw_1pub: brokerJson(one),
      e2e_throughput: tp ? e2eJson(tp) : null,
      e2e_paced: pacedJson(paced),
      ratio_e2e_broker: tp ? ratio3(tp.eps, rawBest) : null,
      ratio_e2e_sqlite: tp ? ratio3(tp.eps, sqliteEps) : null,
      target_met: ratio !== undefined ? ratio >= TARGET_BROKER_RATIO : null,
    };
  } finally {
    await load.call({ op: "close" }).catch(() => undefined);
    await gw?.stop();
    await mosq?.stop();
  }
}

async function ptyScenario(load: LoadPool, sqliteEps: number | undefined) {
  const pairs: PtyPair[] = [];
  let gw: Gateway | undefined;
  try {
    console.log(`\nSerial, ${S.terminals} socat pseudo-terminal pairs, ${S.terminals} ports on the gateway`);
    for (let i = 0; i < S.terminals; i += 20) pairs.push(...(await Promise.all(Array.from({ length: Math.min(20, S.terminals - i) }, () => ptyPair()))));
    const ports = pairs.map((p) => ({ path: p.gateway }));
    gw = await startGateway(testConfig({ ...EXTRA, serial: { ports, retryMs: 100 }, mqtt: { embedded: { enabled: false } } }), { log: silentLogger() });
    const g = gw;
    await waitFor("every serial port open", () => g.serial.every((s) => s.isOpen), 30_000);
    const serials = serialsFor("s");
    await connectAndPair(gw, load, { op: "serial", paths: pairs.map((p) => p.device), serials }, serials);
    const { tp, paced } = await e2eRuns(new GatewayRuns(gw, load, PLAN, () => pairs.map((p) => p.pid)));
    const met = paced ? paced.run.latency.p99 < TARGET_PTY_P99_MS && paced.run.acked === paced.run.sent : undefined;
    if (paced) console.log(`  p99 at ${PLAN.perSecond}/s per terminal: ${ms(paced.run.latency.p99)} (target < ${TARGET_PTY_P99_MS} ms: ${met ? "met" : "MISSED"})`);
    if (tp && sqliteEps) console.log(`  end to end / raw sqlite: ${(tp.eps / sqliteEps).toFixed(3)}`);
    return {
      e2e_throughput: tp ? e2eJson(tp) : null,
      e2e_paced: pacedJson(paced),
      ratio_e2e_sqlite: tp ? ratio3(tp.eps, sqliteEps) : null,
      target_met: met ?? null,
    };
  } finally {
    await load.call({ op: "close" }).catch(() => undefined);
    await gw?.stop();
    await Promise.all(pairs.map((p) => p.close()));
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(`bench:ingest ${scaleName}: ${S.terminals} terminals in ${LOAD_PROCS} load process(es), ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}`);
  const out: Record<string, unknown> = { bench: "ingest", config_overrides: EXTRA, date: new Date().toISOString(), scale: scaleName, cores: cpus().length, cpu_model: cpus()[0]?.model ?? null, node: process.version, terminals: S.terminals, window: WINDOW, load_processes: LOAD_PROCS };
  let sqliteEps: number | undefined;
  if (ONLY.has("sqlite")) {
    console.log("\nRaw SQLite (events table, WAL, synchronous=FULL, temp file)");
    const rates: SqliteRate[] = [1, 10, 100, 1000].map((b) => rawSqliteRate(b, S.sqliteRows, S.sqliteMs));
    for (const r of rates) console.log(`  ${String(r.batch).padStart(4)} rows per commit: ${fmt(r.eps)} rows/s (${r.rows} rows in ${ms(r.elapsedMs)})`);
    sqliteEps = (rates[rates.length - 1] as SqliteRate).eps;
    out.sqlite_raw_eps = Math.round(sqliteEps);
    out.sqlite_raw_eps_by_batch = Object.fromEntries(rates.map((r) => [String(r.batch), Math.round(r.eps)]));
  }
  const load = new LoadPool(LOAD_PROCS);
  try {
    if (ONLY.has("embedded")) out.mqtt_embedded = await mqttScenario("embedded", load, sqliteEps);
    const hasMosquitto = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].some((p) => existsSync(p));
    if (ONLY.has("mosquitto")) {
      if (hasMosquitto) out.mqtt_mosquitto = await mqttScenario("mosquitto", load, sqliteEps);
      else console.log("\nMosquitto not installed: skipped");
    }
    if (ONLY.has("pty")) out.pty = await ptyScenario(load, sqliteEps);
  } finally {
    await load.stop();
  }
  finish(out, started);
}

runBench(main);
