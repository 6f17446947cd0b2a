/**
 * Three store gateways (separate processes, their own SQLite files, in two time zones and a third) with scripted
 * terminals feed one hub (its own process) through a real Mosquitto into a real PostgreSQL. Faults: the hub's
 * broker down for a while, the hub killed with SIGKILL and started again, a store gateway killed with SIGKILL while
 * it forwards. At the end every event, pairing, setting, terminal and store of each store is at the hub exactly
 * once, compared key by key with that store's SQLite; `loyalty hub status` shows no lag; and each store's report
 * at the hub (`loyalty report --hub`, and the hub process's `/api/report`) equals that store's own
 * (`loyalty report`), figure for figure, day by day.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../gateway/reports/schema.ts";
import { openStore, type Store } from "../../gateway/store/store.ts";
import { pair } from "../../gateway/terminals/manage.ts";
import { freePort, startMosquitto, type Mosquitto } from "../../gateway/testkit/mosquitto.ts";
import { startPostgres, type Postgres } from "../../gateway/testkit/postgres.ts";
import { overMqtt, type Connected } from "../../gateway/testkit/transports.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { localDay } from "../../gateway/time/zone.ts";
import { runCli } from "../support/cli.ts";
import { acked, resendUntilDrained, streamEvents } from "../support/stream.ts";

const BIN = fileURLToPath(new URL("../../bin/loyalty.js", import.meta.url));

/** Spawns `loyalty <args>` and resolves once its output says `ready`. */
/** Starts `loyalty <args>` and resolves when its output says `ready`; `seen` gets the output up to then. */
function spawnReady(args: string[], ready: string, seen?: (out: string) => void): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes(ready)) {
        seen?.(out);
        resolve(child);
      }
    });
    child.once("exit", (code) => reject(new Error(`loyalty ${args[0]} exited with ${code} before it was ready: ${out}`)));
  });
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

interface Site {
  id: string;
  zone: string;
  region: string;
  dir: string;
  db: string;
  port: number;
  config: string;
  store: Store;
  child?: ChildProcess;
  terminals: Connected[];
}

const ZONES = [
  ["msk", "Europe/Moscow", "west"],
  ["ekb", "Asia/Yekaterinburg", "east"],
  ["vko", "Europe/Moscow", "west"],
] as const;

let pgServer: Postgres;
let broker: Mosquitto;
let pool: pg.Pool;
let hubConfig: string;
let hub: ChildProcess | undefined;
/** The hub process's HTTP API, as its start line says (http.port 0). */
let hubUrl = "";
const sites: Site[] = [];

const startHub = async () =>
  (hub = await spawnReady(["hub", "--config", hubConfig, "--log-level", "error"], "Stop with Ctrl+C", (out) => (hubUrl = /HTTP: (http:\/\/\S+) /.exec(out)?.[1] ?? "")));
const startSite = async (s: Site) => (s.child = await spawnReady(["gateway", "--config", s.config], "Gateway running"));

beforeAll(async () => {
  [pgServer, broker] = await Promise.all([startPostgres(), startMosquitto()]);
  pool = new pg.Pool({ connectionString: pgServer.url, max: 2 });
  const dir = mkdtempSync(join(tmpdir(), "lb-chain-"));
  hubConfig = join(dir, "hub.json");
  writeFileSync(
    hubConfig,
    JSON.stringify({ postgres: { url: pgServer.url }, mqtt: { url: broker.url, clientId: "test-hub" }, http: { port: 0 }, reports: { folder: join(dir, "hub-reports") } }),
  );
  await startHub();
  for (const [id, zone, region] of ZONES) {
    const sdir = mkdtempSync(join(tmpdir(), `lb-chain-${id}-`));
    const db = join(sdir, "loyalty.sqlite");
    const port = await freePort();
    const config = join(sdir, "gateway.json");
    writeFileSync(
      config,
      JSON.stringify({
        database: db,
        timeZone: zone,
        log: { level: "error" },
        mqtt: { embedded: { port } },
        http: { enabled: false },
        reports: { folder: join(sdir, "reports"), nightly: { enabled: false } },
        /* Short waits, so that the faults below heal within the test's time. */
        hub: { url: broker.url, storeId: id, ackTimeoutMs: 1000, maxBackoffMs: 2000, pollMs: 50, heartbeatMs: 1000, batchMax: 300 },
      }),
    );
    const store = openStore(db);
    store.terminals.addStore({ id, name: `Store ${id}`, timeZone: zone, region }, Date.now());
    sites.push({ id, zone, region, dir: sdir, db, port, config, store, terminals: [] });
  }
  await Promise.all(sites.map(startSite));
  for (const s of sites) {
    for (const point of ["till-1", "till-2"]) {
      const serial = `${s.id.toUpperCase()}-${point}`;
      const c = await overMqtt({ serial }, `mqtt://127.0.0.1:${s.port}`, { secret: s.store.credentials.issue(serial, Date.now()) });
      c.terminal.hello();
      await waitFor(`the hello of ${serial}`, () => s.store.devices.get(serial));
      pair(s.store, { serial, store: s.id, point, question: "staff", employee: "anna" }, Date.now());
      await waitFor(`config on ${serial}`, () => c.terminal.config);
      s.terminals.push(c);
    }
  }
}, 240_000);

afterAll(async () => {
  for (const s of sites) {
    await Promise.all(s.terminals.map((t) => t.close(true)));
    s.child?.kill("SIGTERM");
    s.store.close();
  }
  hub?.kill("SIGTERM");
  await pool?.end();
  await broker?.stop();
  await pgServer?.stop();
});

/** Every terminal of every store sends `n` events; resolves when all are acked by their gateways. */
async function pressEverywhere(n: number): Promise<void> {
  const all = sites.flatMap((s) => s.terminals.map((c) => c.terminal));
  await Promise.all(all.map((t) => streamEvents(t, n, 10, 20)));
  await Promise.all(all.map((t) => resendUntilDrained(t)));
}

async function hubCommitted(store: string): Promise<number> {
  const r = await pool.query<{ c: string }>("SELECT committed_seq AS c FROM hub_stores WHERE store_id = $1", [store]);
  return Number(r.rows[0]?.c ?? -1);
}

const sorted = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();

describe("a chain of three stores forwarding to one hub", () => {
  it("has every row of every store at the hub exactly once after the hub's broker, the hub and a store gateway failed, and each store's own report", { timeout: 300_000 }, async () => {
    await pressEverywhere(300);

    /* The hub's broker goes away: the stores keep storing and acking their terminals' events meanwhile. */
    await broker.stop();
    await pressEverywhere(300);
    for (const x of sites) expect(x.store.hubOutbox.lastSeq()).toBeGreaterThan(await hubCommitted(x.id));
    sites[0]!.store.terminals.rename(`${sites[0]!.id}.till-1`, "Till by the door");
    sites[1]!.store.terminals.setStoreRegion(sites[1]!.id, "ural");
    await broker.restart();

    /* The hub is killed while batches arrive, and started again. */
    const during = pressEverywhere(300);
    const before = await hubCommitted(sites[2]!.id);
    await waitFor("the hub to commit some of the new rows", async () => (await hubCommitted(sites[2]!.id)) > before);
    await kill9(hub!);
    await during;
    await startHub();

    /* A store gateway is killed while the hub still lacks some of its rows; its terminals keep what it did not ack. */
    const victim = sites[0]!;
    const more = victim.terminals.map((c) => streamEvents(c.terminal, 1000, 10, 20));
    await waitFor("the store to be forwarding (rows stored that the hub lacks)", async () => victim.store.hubOutbox.lastSeq() > (await hubCommitted(victim.id)) && acked(victim.terminals[0]!.terminal) > 1000);
    await kill9(victim.child!);
    await Promise.all(more);
    await startSite(victim);
    await Promise.all(victim.terminals.map((c) => resendUntilDrained(c.terminal)));

    for (const s of sites) {
      await waitFor(`the hub to commit everything of ${s.id}`, async () => (await hubCommitted(s.id)) === s.store.hubOutbox.lastSeq(), 60_000);
      const local = s.store.db;
      const events = local.prepare("SELECT serial, boot, seq, kind, at_ms AS at, terminal_id AS terminal FROM events").all();
      const atHub = await pool.query("SELECT serial, boot, seq::int AS seq, kind, at_ms::float8 AS at, terminal_id AS terminal FROM events WHERE store_id = $1", [s.id]);
      expect(events.length).toBe(s.terminals.reduce((n, c) => n + c.terminal.recorded, 0));
      expect(atHub.rows.length).toBe(events.length);
      expect(sorted(atHub.rows)).toEqual(sorted(events));
      const pairings = local.prepare("SELECT id, serial, terminal_id AS terminal, from_ms AS fromMs, to_ms AS toMs FROM pairings").all();
      const hubPairings = await pool.query(`SELECT id::int AS id, serial, terminal_id AS terminal, from_ms::float8 AS "fromMs", to_ms::float8 AS "toMs" FROM pairings WHERE store_id = $1`, [s.id]);
      expect(sorted(hubPairings.rows)).toEqual(sorted(pairings));
      const settings = local.prepare("SELECT terminal_id AS t, key, value, from_ms AS f FROM terminal_settings").all();
      const hubSettings = await pool.query(`SELECT terminal_id AS t, key, value, from_ms::float8 AS f FROM terminal_settings WHERE store_id = $1`, [s.id]);
      expect(sorted(hubSettings.rows)).toEqual(sorted(settings));
      const terminals = local.prepare("SELECT id, store_id AS store, point, name FROM terminals").all();
      const hubTerminals = await pool.query(`SELECT id, local_store_id AS store, point, name FROM terminals WHERE store_id = $1`, [s.id]);
      expect(sorted(hubTerminals.rows)).toEqual(sorted(terminals));
      const stores = local.prepare("SELECT id, name, time_zone AS zone, region FROM stores").all();
      const hubStores = await pool.query(`SELECT local_id AS id, name, time_zone AS zone, region FROM stores WHERE store_id = $1`, [s.id]);
      expect(hubStores.rows).toEqual(stores);
    }
    expect((await pool.query("SELECT region FROM stores WHERE store_id = 'ekb'")).rows).toEqual([{ region: "ural" }]);
    expect((await pool.query("SELECT name FROM terminals WHERE id = 'msk.till-1'")).rows).toEqual([{ name: "Till by the door" }]);

    const status = await runCli("hub", "status", "--pg-url", pgServer.url, "--mqtt-url", broker.url, "--json");
    expect(status.err).toBe("");
    expect(status.code).toBe(0);
    const lags = (JSON.parse(status.out) as { stores: { store: string; lag: number }[] }).stores.map((x) => [x.store, x.lag]);
    const human = await runCli("hub", "status", "--pg-url", pgServer.url, "--mqtt-url", broker.url);
    expect(human.out.split("\n")[0]).toMatch(/^store +committed +store's last +lag +events +last contact +last commit$/);
    expect(human.out).not.toContain("ALARM");
    expect(lags).toEqual([
      ["ekb", 0],
      ["msk", 0],
      ["vko", 0],
    ]);

    /* Each store's report at the hub is that store's own, figure for figure, for each day it has events. */
    let compared = 0;
    for (const s of sites) {
      const days = [...new Set((s.store.db.prepare("SELECT at_ms AS at FROM events").all() as { at: number }[]).map((e) => localDay(e.at, s.zone)))].sort();
      expect(days.length).toBeGreaterThan(0);
      for (const day of days) {
        for (const groupBy of ["store,terminal", "employee"]) {
          const args = ["report", "--from", day, "--group-by", groupBy, "--store", s.id, "--format", "json"];
          const own = await runCli(...args, "--config", s.config);
          const atHub = await runCli(...args, "--hub", hubConfig);
          expect(atHub.err).toBe("");
          const figures = (text: string) => ({ ...(JSON.parse(text) as Report), generatedAt: "" });
          expect(figures(atHub.out), `${s.id} ${day} by ${groupBy}`).toEqual(figures(own.out));
          expect(figures(own.out).total.representativeness.surveys).toBeGreaterThan(0);
          /* And over the hub process's HTTP API (docs/hub.md#http). */
          const overHttp = await fetch(`${hubUrl}/api/report?from=${day}&groupBy=${groupBy}&store=${s.id}`);
          expect(overHttp.status).toBe(200);
          expect(figures(await overHttp.text()), `${s.id} ${day} by ${groupBy} over HTTP`).toEqual(figures(own.out));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThanOrEqual(sites.length * 2);
  });

  it("answers a duplicate, a gap and a row of the wrong shape in words, keeps that row, and goes on after payloads that are no batch", { timeout: 60_000 }, async () => {
    const c = await mqtt.connectAsync(broker.url, { clientId: "test-fake-store" });
    const acks: { acked: number; replayFrom?: number }[] = [];
    c.on("message", (_t, p) => acks.push(JSON.parse(p.toString()) as { acked: number }));
    await c.subscribeAsync("loyalty-hub/fake/ack", { qos: 1 });
    const send = (o: object) => c.publishAsync("loyalty-hub/fake/batch", JSON.stringify(o), { qos: 1 });
    const batch = (after: number, rows: { s: number; k: string; d: object }[]) => ({ v: 1, store: "fake", after, to: rows.at(-1)?.s ?? after, last: 9, sentMs: 0, rows });
    await c.publishAsync("loyalty-hub/fake/batch", "{not json", { qos: 1 });
    await c.publishAsync("loyalty-hub/fake/batch", JSON.stringify({ v: 1, store: "other", after: 0, to: 0, last: 0, sentMs: 0, rows: [] }), { qos: 1 });
    await c.publishAsync("loyalty-hub/fake/batch", "null", { qos: 1 });
    await send(batch(0, [{ s: 1, k: "store", d: { id: "fake", name: "Fake", time_zone: "UTC", region: null, created_ms: 1 } }, { s: 2, k: "event", d: { id: 1, serial: "X" } }]));
    await waitFor("the ack of the first batch", () => acks.length >= 1);
    await send(batch(0, [{ s: 1, k: "store", d: { id: "fake", name: "Fake", time_zone: "UTC", region: null, created_ms: 1 } }]));
    await send(batch(5, [{ s: 6, k: "store", d: { id: "fake", name: "Fake", time_zone: "UTC", region: null, created_ms: 1 } }]));
    await waitFor("the acks of the duplicate and the gap", () => acks.length >= 3);
    await c.endAsync();
    expect(acks).toEqual([
      { v: 1, acked: 2 },
      { v: 1, acked: 2 },
      { v: 1, acked: 2, replayFrom: 3 },
    ]);
    const rejected = await pool.query("SELECT seq::int AS seq, kind, reason, body FROM hub_rejected_rows WHERE store_id = 'fake'");
    expect(rejected.rows).toEqual([{ seq: 2, kind: "event", reason: "boot: required", body: '{"id":1,"serial":"X"}' }]);
    expect((await pool.query("SELECT name FROM stores WHERE store_id = 'fake'")).rows).toEqual([{ name: "Fake" }]);
    expect(hub!.exitCode).toBeNull();
  });
});
