/**
 * One forward run of `npm run bench:hub`: a copy of the built store database, the real forwarder
 * (gateway/hub/forwarder.ts) on it, a real `Hub` (gateway/hub/hub.ts) in its own PostgreSQL database, both on one
 * broker. Timed from the forwarder's start to the moment the store's outbox is acked to its last row (so every row
 * is committed at the hub), then the hub's derivation of those events (its derive queue drained). Then, apart,
 * the same batches through the hub's own steps without the broker (parse, plan, commit), each step timed, to
 * show where a batch's time goes.
 */
import mqtt from "mqtt";
import pg from "pg";
import { configSchema } from "../gateway/config/schema.ts";
import { commitBatch } from "../gateway/hub/commit.ts";
import { hubConfigSchema } from "../gateway/hub/config.ts";
import { batchText, HubForwarder } from "../gateway/hub/forwarder.ts";
import { Hub } from "../gateway/hub/hub.ts";
import { migrateHub } from "../gateway/hub/pg-schema.ts";
import { decide } from "../gateway/hub/plan.ts";
import { ackTopic, batchPayload, batchTopic, parsePayload } from "../gateway/hub/wire.ts";
import { silentLogger } from "../gateway/log.ts";
import { openStore } from "../gateway/store/store.ts";
import { procCpuMs, selfCpuMs } from "./stats.ts";

export interface ForwardRun {
  rows: number;
  events: number;
  elapsedMs: number;
  eps: number;
  /** Events at the hub after the run (must be `events`). */
  storedAtHub: number;
  /** CPU in the run, % of one core: this process (forwarder and hub), the broker, the hub's PostgreSQL backends. */
  cpu: { bench: number; broker: number | null; postgres: number };
  derive: { elapsedMs: number; eps: number; terminals: number; surveys: number; dailyCounts: number };
}

export interface ForwardSetup {
  adminUrl: string;
  brokerUrl: string;
  brokerPid: number | undefined;
  storeId: string;
  batchMax: number;
  /** Batches in flight (hub.inFlight). */
  inFlight: number;
  /** Milliseconds one run may take before it gives up. */
  timeoutMs: number;
}

const dbUrl = (adminUrl: string, db: string) => adminUrl.replace(/\/[^/]*$/, `/${db}`);

export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  return dbUrl(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => c.end());
}

/** Resolves once the hub answers on the broker: a heartbeat of a probe store, sent until its ack comes. */
async function hubAnswers(brokerUrl: string, prefix: string, timeoutMs: number): Promise<void> {
  const client = await mqtt.connectAsync(brokerUrl, { clientId: `bench-probe-${process.pid}`, clean: true });
  try {
    await client.subscribeAsync(ackTopic(prefix, "bench-probe"), { qos: 1 });
    const answered = new Promise<void>((resolve) => client.once("message", () => resolve()));
    const deadline = Date.now() + timeoutMs;
    let done = false;
    void answered.then(() => (done = true));
    while (!done) {
      if (Date.now() > deadline) throw new Error("the hub did not answer on its broker");
      await client.publishAsync(batchTopic(prefix, "bench-probe"), batchText("bench-probe", 0, 0, 0, Date.now(), []), { qos: 1 });
      await Promise.race([answered, new Promise((r) => setTimeout(r, 200))]);
    }
  } finally {
    await client.endAsync();
  }
}

async function until(what: string, probe: () => boolean, deadline: number): Promise<void> {
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

async function backendPids(url: string, db: string): Promise<number[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [db])).rows.map((r) => r.pid);
  } finally {
    await c.end();
  }
}

const count = async (pool: pg.Pool, sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]!.n);

/** Forwards the store database at `storePath` to a fresh hub database `db`; the hub derives after the clock stops. */
export async function forwardRun(setup: ForwardSetup, storePath: string, events: number, db: string): Promise<ForwardRun> {
  const url = await createDatabase(setup.adminUrl, db);
  const hubConfig = hubConfigSchema.parse({
    postgres: { url },
    mqtt: { url: setup.brokerUrl, clientId: `bench-hub-${db}` },
    /* Derivation is timed on its own, after the forward run: it must not run during it. */
    derive: { pollMs: 600_000 },
    http: { enabled: false },
    reports: { nightly: { enabled: false } },
  });
  const hub = new Hub(hubConfig, { log: silentLogger() });
  const store = openStore(storePath);
  let forwarder: HubForwarder | undefined;
  try {
    await hub.start();
    await hubAnswers(setup.brokerUrl, hubConfig.mqtt.topicPrefix, 30_000);
    const last = store.hubOutbox.lastSeq();
    const config = configSchema.parse({ hub: { url: setup.brokerUrl, storeId: setup.storeId, batchMax: setup.batchMax, inFlight: setup.inFlight } }).hub;
    forwarder = new HubForwarder({ store, config, log: silentLogger(), now: Date.now });
    const cpu0 = process.cpuUsage();
    const broker0 = procCpuMs([setup.brokerPid]);
    const t0 = performance.now();
    forwarder.start();
    const f = forwarder;
    await until("the outbox to be acked", () => f.status.acked >= last, Date.now() + setup.timeoutMs);
    const elapsedMs = performance.now() - t0;
    const pgMs = procCpuMs(await backendPids(setup.adminUrl, db));
    const pct = (ms: number) => Math.round((ms / elapsedMs) * 100);
    const cpu = { bench: pct(selfCpuMs(cpu0)), broker: setup.brokerPid ? pct(procCpuMs([setup.brokerPid]) - broker0) : null, postgres: pct(pgMs) };
    await forwarder.stop();
    const storedAtHub = await count(hub.pool, `SELECT count(*) AS n FROM events`);
    const terminals = await count(hub.pool, `SELECT count(*) AS n FROM hub_derive_queue`);
    const d0 = performance.now();
    await hub.deriveQueued();
    const deriveMs = performance.now() - d0;
    const left = await count(hub.pool, `SELECT count(*) AS n FROM hub_derive_queue`);
    if (left) throw new Error(`${left} terminals still queued after deriving`);
    return {
      rows: last,
      events,
      elapsedMs,
      eps: (events / elapsedMs) * 1000,
      storedAtHub,
      cpu,
      derive: {
        elapsedMs: deriveMs,
        eps: (storedAtHub / deriveMs) * 1000,
        terminals,
        surveys: await count(hub.pool, `SELECT count(*) AS n FROM surveys`),
        dailyCounts: await count(hub.pool, `SELECT count(*) AS n FROM daily_counts`),
      },
    };
  } finally {
    await forwarder?.stop();
    await hub.stop();
    store.close();
    await dropDatabase(setup.adminUrl, db);
  }
}

export interface StepBreakdown {
  batches: number;
  eps: number;
  /** Total ms per step over every batch: making the text (store side), parsing it, planning it, committing it. */
  textMs: number;
  parseMs: number;
  planMs: number;
  commitMs: number;
}

/**
 * The same outbox through the hub's steps without a broker and without the forwarder's window: batchText, the
 * hub's parse (wire.ts), its plan (plan.ts), then commitBatch (which plans again inside, as the hub does).
 */
export async function stepBreakdown(setup: ForwardSetup, storePath: string, events: number, db: string): Promise<StepBreakdown> {
  const url = await createDatabase(setup.adminUrl, db);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const store = openStore(storePath);
  try {
    await migrateHub(pool);
    const all = store.hubOutbox.after(0, Number.MAX_SAFE_INTEGER);
    const r: StepBreakdown = { batches: 0, eps: 0, textMs: 0, parseMs: 0, planMs: 0, commitMs: 0 };
    const last = all.at(-1)?.seq ?? 0;
    const t0 = performance.now();
    let after = 0;
    for (let i = 0; i < all.length; i += setup.batchMax) {
      const rows = all.slice(i, i + setup.batchMax);
      const to = rows.at(-1)!.seq;
      let t = performance.now();
      const text = batchText(setup.storeId, after, to, last, Date.now(), rows);
      r.textMs += performance.now() - t;
      t = performance.now();
      const p = parsePayload(batchPayload, text);
      if (!p.ok) throw new Error(p.reason);
      r.parseMs += performance.now() - t;
      t = performance.now();
      decide(after, p.value);
      r.planMs += performance.now() - t;
      t = performance.now();
      const c = await commitBatch(pool, p.value, Date.now());
      r.commitMs += performance.now() - t;
      if (c.ack.acked !== to) throw new Error(`batch to ${to} acked ${c.ack.acked}`);
      after = to;
      r.batches++;
    }
    r.eps = (events / (performance.now() - t0)) * 1000;
    return r;
  } finally {
    store.close();
    await pool.end();
    await dropDatabase(setup.adminUrl, db);
  }
}
