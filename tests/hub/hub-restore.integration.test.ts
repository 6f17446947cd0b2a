/**
 * A hub whose PostgreSQL database is restored from an older backup is filled again (docs/hub.md, "What happens in
 * each outage"): a store gateway (its own process) forwards to the hub (its own process) through a real Mosquitto;
 * the hub's database is dumped (pg_dump) while the terminals press, the store goes on and its outbox drops what the
 * hub acks; then the hub is stopped, its database restored from the dump (pg_restore) and the hub started again.
 * The forwarder sees the hub's number go below what it acked, and rows it no longer keeps: it puts every row in the
 * outbox again from the tables. Then rows the hub loses without its number going down come back with
 * `loyalty hub resend`. Each time every row is at the hub exactly once, and the store's report at the hub is its own.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMosquitto, type Mosquitto } from "../../gateway/testkit/mosquitto.ts";
import { startPostgres, type Postgres } from "../../gateway/testkit/postgres.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { localDay } from "../../gateway/time/zone.ts";
import { runCli } from "../support/cli.ts";
import { caughtUp, expectNoLag, expectRowsAtHub, expectSameReports, hubCommitted } from "../support/hub-compare.ts";
import { closeSite, connectTerminals, makeSite, pressAll, recorded, startHub, startSite, writeHubConfig, type Site } from "../support/hub-site.ts";
import { killAndWait } from "../support/loyalty-process.ts";

let pgServer: Postgres;
let broker: Mosquitto;
let pool: pg.Pool;
let hubConfig: string;
let hub: ChildProcess | undefined;
let site: Site;

beforeAll(async () => {
  [pgServer, broker] = await Promise.all([startPostgres(), startMosquitto()]);
  pool = new pg.Pool({ connectionString: pgServer.url, max: 2 });
  hubConfig = writeHubConfig(pgServer.url, broker.url);
  hub = await startHub(hubConfig);
  site = await makeSite("nsk", "Asia/Novosibirsk", "siberia", broker.url);
  await startSite(site);
  await connectTerminals(site, ["till-1", "till-2"]);
}, 120_000);

afterAll(async () => {
  await closeSite(site);
  hub?.kill("SIGTERM");
  await pool?.end();
  await broker?.stop();
  await pgServer?.stop();
});




async function expectAllAtHub(): Promise<void> {
  await caughtUp(pool, site);
  expect(site.store.hubOutbox.pendingAfter(0)).toBe(0);
  await expectRowsAtHub(pool, site.id, site.store, recorded(site));
  await expectNoLag(pgServer.url, broker.url, [site.id]);
  expect(await expectSameReports(site, hubConfig)).toBeGreaterThanOrEqual(2);
}

const ackedAtStore = () => site.store.hubOutbox.state()?.ackedSeq ?? 0;
const lastAtStore = () => site.store.hubOutbox.lastSeq();

describe("a hub restored from an older backup", () => {
  it("gets every row again from the store, which puts its rows in the outbox again when the hub's number goes below what it acked", { timeout: 240_000 }, async () => {
    await pressAll(site, 200);
    await caughtUp(pool, site);

    /* The backup is taken while the terminals press. */
    const dump = join(mkdtempSync(join(tmpdir(), "lb-hub-dump-")), "hub.dump");
    const pressing = pressAll(site, 300);
    const before = await hubCommitted(pool, site.id);
    await waitFor("the hub to commit rows while the terminals press", async () => (await hubCommitted(pool, site.id)) > before);
    pgServer.dump(dump);
    await pressing;

    /* After the backup: more events, a terminal renamed, the store moved to another region; the hub acks them all. */
    site.store.terminals.rename(`${site.id}.till-2`, "Till by the exit");
    site.store.terminals.setStoreRegion(site.id, "urals-east");
    await pressAll(site, 200);
    await caughtUp(pool, site);
    const ackedBeforeRestore = ackedAtStore();

    /* The hub's database is restored from the backup: it lacks rows the store acked and no longer keeps. */
    await killAndWait(hub!, "SIGTERM");
    pgServer.restore(dump);
    const restored = await hubCommitted(pool, site.id);
    expect(restored).toBeLessThan(ackedBeforeRestore);
    expect(site.store.hubOutbox.lostAfter(restored)).toBe(true);
    hub = await startHub(hubConfig);
    await pressAll(site, 100);

    await expectAllAtHub();
    /* Every row was numbered again after the last number the hub had acked. */
    expect(lastAtStore() - ackedBeforeRestore).toBeGreaterThanOrEqual(recorded(site));
    expect((await pool.query("SELECT name FROM terminals WHERE store_id = $1 AND id = $2", [site.id, `${site.id}.till-2`])).rows).toEqual([{ name: "Till by the exit" }]);
    expect((await pool.query("SELECT region FROM stores WHERE store_id = $1", [site.id])).rows).toEqual([{ region: "urals-east" }]);
  });

  it("gets rows it lost without its number going down back with loyalty hub resend", { timeout: 120_000 }, async () => {
    await caughtUp(pool, site);
    const lost = await pool.query("DELETE FROM events WHERE store_id = $1 AND seq % 5 = 0", [site.id]);
    expect(lost.rowCount).toBeGreaterThan(0);
    const first = site.store.db.prepare("SELECT min(received_ms) AS ms FROM events").get() as { ms: number };
    /* While the terminals press: the command and the gateway write to the same SQLite file. */
    const events = () => (site.store.db.prepare("SELECT count(*) AS n FROM events").get() as { n: number }).n;
    const before = events();
    const pressing = pressAll(site, 300);
    await waitFor("the gateway to store events while the command runs", () => events() > before + 50);
    const r = await runCli("hub", "resend", "--from", localDay(first.ms, site.zone), "--config", site.config);
    await pressing;
    expect(r.err).toBe("");
    expect(r.out).toMatch(/^\d+ rows are in the outbox again as numbers \d+–\d+ \(events stored from \d{4}-\d\d-\d\d on\)\./);
    await expectAllAtHub();
  });
});
