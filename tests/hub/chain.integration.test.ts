/**
 * Three store gateways (separate processes, their own SQLite files, in two time zones and a third) with scripted
 * terminals feed one hub (its own process) through a real Mosquitto into a real PostgreSQL. Faults: the hub's
 * broker down for a while, the hub killed with SIGKILL and started again, a store gateway killed with SIGKILL while
 * it forwards. At the end every event, pairing, setting, terminal and store of each store is at the hub exactly
 * once, compared key by key with that store's SQLite; `loyalty hub status` shows no lag; and each store's report
 * at the hub (`loyalty report --hub`, and the hub process's `/api/report`) equals that store's own
 * (`loyalty report`), figure for figure, day by day.
 */
import type { ChildProcess } from "node:child_process";
import mqtt from "mqtt";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMosquitto, type Mosquitto } from "../../gateway/testkit/mosquitto.ts";
import { startPostgres, type Postgres } from "../../gateway/testkit/postgres.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { expectNoLag, expectRowsAtHub, expectSameReports, hubCommitted as hubCommittedAt } from "../support/hub-compare.ts";
import { closeSite, connectTerminals, makeSite, recorded, startHub, startSite, writeHubConfig, type Site } from "../support/hub-site.ts";
import { killAndWait } from "../support/loyalty-process.ts";
import { acked, resendUntilDrained, streamEvents } from "../support/stream.ts";

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

const startTheHub = async () => (hub = await startHub(hubConfig, (url) => (hubUrl = url)));

beforeAll(async () => {
  [pgServer, broker] = await Promise.all([startPostgres(), startMosquitto()]);
  pool = new pg.Pool({ connectionString: pgServer.url, max: 2 });
  hubConfig = writeHubConfig(pgServer.url, broker.url);
  await startTheHub();
  for (const [id, zone, region] of ZONES) sites.push(await makeSite(id, zone, region, broker.url));
  await Promise.all(sites.map(startSite));
  for (const s of sites) await connectTerminals(s, ["till-1", "till-2"]);
}, 240_000);

afterAll(async () => {
  for (const s of sites) await closeSite(s);
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

const hubCommitted = (store: string) => hubCommittedAt(pool, store);

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
    await killAndWait(hub!);
    await during;
    await startTheHub();

    /* A store gateway is killed while the hub still lacks some of its rows; its terminals keep what it did not ack. */
    const victim = sites[0]!;
    const more = victim.terminals.map((c) => streamEvents(c.terminal, 1000, 10, 20));
    await waitFor("the store to be forwarding (rows stored that the hub lacks)", async () => victim.store.hubOutbox.lastSeq() > (await hubCommitted(victim.id)) && acked(victim.terminals[0]!.terminal) > 1000);
    await killAndWait(victim.child!);
    await Promise.all(more);
    await startSite(victim);
    await Promise.all(victim.terminals.map((c) => resendUntilDrained(c.terminal)));

    for (const s of sites) {
      await waitFor(`the hub to commit everything of ${s.id}`, async () => (await hubCommitted(s.id)) === s.store.hubOutbox.lastSeq(), 60_000);
      await expectRowsAtHub(pool, s.id, s.store, recorded(s));
    }
    expect((await pool.query("SELECT region FROM stores WHERE store_id = 'ekb'")).rows).toEqual([{ region: "ural" }]);
    expect((await pool.query("SELECT name FROM terminals WHERE id = 'msk.till-1'")).rows).toEqual([{ name: "Till by the door" }]);

    await expectNoLag(pgServer.url, broker.url, sites.map((s) => s.id));

    /* Each store's report at the hub is that store's own, figure for figure, for each day it has events. */
    let compared = 0;
    for (const s of sites) compared += await expectSameReports(s, hubConfig, hubUrl);
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
