/**
 * What the chain hub's tests check at the end (docs/hub.md): a store's rows at the hub are its SQLite's, key by key
 * and exactly once; `loyalty hub status` shows no lag; and the store's report at the hub is its own, figure for
 * figure, day by day.
 */
import type pg from "pg";
import { expect } from "vitest";
import type { Report } from "../../gateway/reports/schema.ts";
import type { Store } from "../../gateway/store/store.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { localDay } from "../../gateway/time/zone.ts";
import { runCli } from "./cli.ts";

/** The number the hub has committed for `store` (-1 before its first batch). */
export async function hubCommitted(pool: pg.Pool, store: string): Promise<number> {
  const r = await pool.query<{ c: string }>("SELECT committed_seq AS c FROM hub_stores WHERE store_id = $1", [store]);
  return Number(r.rows[0]?.c ?? -1);
}

const sorted = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();

/** Every event, pairing, setting, terminal and store of the store gateway `id` is at the hub once, as in its SQLite; `recorded` is how many events its terminals recorded. */
export async function expectRowsAtHub(pool: pg.Pool, id: string, store: Store, recorded: number): Promise<void> {
  const local = store.db;
  const events = local.prepare("SELECT serial, boot, seq, kind, at_ms AS at, terminal_id AS terminal FROM events").all();
  const atHub = await pool.query("SELECT serial, boot, seq::int AS seq, kind, at_ms::float8 AS at, terminal_id AS terminal FROM events WHERE store_id = $1", [id]);
  expect(events.length).toBe(recorded);
  expect(atHub.rows.length).toBe(events.length);
  expect(sorted(atHub.rows)).toEqual(sorted(events));
  const pairings = local.prepare("SELECT id, serial, terminal_id AS terminal, from_ms AS fromMs, to_ms AS toMs FROM pairings").all();
  const hubPairings = await pool.query(`SELECT id::int AS id, serial, terminal_id AS terminal, from_ms::float8 AS "fromMs", to_ms::float8 AS "toMs" FROM pairings WHERE store_id = $1`, [id]);
  expect(sorted(hubPairings.rows)).toEqual(sorted(pairings));
  const settings = local.prepare("SELECT terminal_id AS t, key, value, from_ms AS f FROM terminal_settings").all();
  const hubSettings = await pool.query(`SELECT terminal_id AS t, key, value, from_ms::float8 AS f FROM terminal_settings WHERE store_id = $1`, [id]);
  expect(sorted(hubSettings.rows)).toEqual(sorted(settings));
  const terminals = local.prepare("SELECT id, store_id AS store, point, name FROM terminals").all();
  const hubTerminals = await pool.query(`SELECT id, local_store_id AS store, point, name FROM terminals WHERE store_id = $1`, [id]);
  expect(sorted(hubTerminals.rows)).toEqual(sorted(terminals));
  const stores = local.prepare("SELECT id, name, time_zone AS zone, region FROM stores").all();
  const hubStores = await pool.query(`SELECT local_id AS id, name, time_zone AS zone, region FROM stores WHERE store_id = $1`, [id]);
  expect(hubStores.rows).toEqual(stores);
}

/** `loyalty hub status` in both forms: no alarm, and a lag of 0 for each of `stores` (sorted). */
export async function expectNoLag(pgUrl: string, brokerUrl: string, stores: string[]): Promise<void> {
  const status = await runCli("hub", "status", "--pg-url", pgUrl, "--mqtt-url", brokerUrl, "--json");
  expect(status.err).toBe("");
  expect(status.code).toBe(0);
  const lags = (JSON.parse(status.out) as { stores: { store: string; lag: number }[] }).stores.map((x) => [x.store, x.lag]);
  const human = await runCli("hub", "status", "--pg-url", pgUrl, "--mqtt-url", brokerUrl);
  expect(human.out.split("\n")[0]).toMatch(/^store +committed +store's last +lag +events +last contact +last commit$/);
  expect(human.out).not.toContain("ALARM");
  expect(lags).toEqual([...stores].sort().map((s) => [s, 0]));
}

/**
 * The store's report at the hub (`loyalty report --hub`) equals its own (`loyalty report`), `generatedAt` aside,
 * for each day it has events, by store and terminal and by employee; returns how many reports it compared.
 */
export async function expectSameReports(site: { id: string; zone: string; config: string; store: Store }, hubConfig: string, hubHttp?: string): Promise<number> {
  const days = [...new Set((site.store.db.prepare("SELECT at_ms AS at FROM events").all() as { at: number }[]).map((e) => localDay(e.at, site.zone)))].sort();
  expect(days.length).toBeGreaterThan(0);
  let compared = 0;
  for (const day of days) {
    for (const groupBy of ["store,terminal", "employee"]) {
      const args = ["report", "--from", day, "--group-by", groupBy, "--store", site.id, "--format", "json"];
      const own = await runCli(...args, "--config", site.config);
      const atHub = await runCli(...args, "--hub", hubConfig);
      expect(atHub.err).toBe("");
      const figures = (text: string) => ({ ...(JSON.parse(text) as Report), generatedAt: "" });
      expect(figures(atHub.out), `${site.id} ${day} by ${groupBy}`).toEqual(figures(own.out));
      expect(figures(own.out).total.representativeness.surveys).toBeGreaterThan(0);
      if (hubHttp) {
        /* And over the hub process's HTTP API (docs/hub.md#http). */
        const overHttp = await fetch(`${hubHttp}/api/report?from=${day}&groupBy=${groupBy}&store=${site.id}`);
        expect(overHttp.status).toBe(200);
        expect(figures(await overHttp.text()), `${site.id} ${day} by ${groupBy} over HTTP`).toEqual(figures(own.out));
      }
      compared++;
    }
  }
  return compared;
}

/** Waits until the hub has committed every row the store numbered and the store has heard the ack of each. */
export async function caughtUp(pool: pg.Pool, site: { id: string; store: Store }): Promise<void> {
  const acked = () => site.store.hubOutbox.state()?.ackedSeq ?? 0;
  const last = () => site.store.hubOutbox.lastSeq();
  await waitFor("the hub to commit, and the store to hear the ack of, every row", async () => acked() === last() && (await hubCommitted(pool, site.id)) === last(), 60_000);
}
