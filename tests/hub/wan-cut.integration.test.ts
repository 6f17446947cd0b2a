/**
 * The WAN link between a store gateway and the hub's broker cut for real (docs/hub.md, "What happens in each
 * outage"): the store's hub.url points to a TCP proxy (gateway/testkit/wan-link.ts) that stops passing bytes with
 * the connections left open (no FIN, no RST, as a WAN cut looks to TCP): both ways, then only store → hub, then
 * only hub → store (batches arrive and are committed, their acks never come back), each while the terminals press.
 * One store gateway and the hub in their own processes, a real Mosquitto and a real PostgreSQL. The forwarder
 * notices each silent connection by its MQTT keepalive and connects again; at the end every row is at the hub
 * exactly once, the store's outbox is fully acked, `loyalty hub status` shows no lag, and the store's report at
 * the hub is its own.
 */
import type { ChildProcess } from "node:child_process";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMosquitto, type Mosquitto } from "../../gateway/testkit/mosquitto.ts";
import { startPostgres, type Postgres } from "../../gateway/testkit/postgres.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { startWanLink, type WanDirection, type WanLink } from "../../gateway/testkit/wan-link.ts";
import { caughtUp, expectNoLag, expectRowsAtHub, expectSameReports, hubCommitted } from "../support/hub-compare.ts";
import { closeSite, connectTerminals, makeSite, pressAll, recorded, startHub, startSite, writeHubConfig, type Site } from "../support/hub-site.ts";

let pgServer: Postgres;
let broker: Mosquitto;
let link: WanLink;
let pool: pg.Pool;
let hubConfig: string;
let hub: ChildProcess | undefined;
let site: Site;

beforeAll(async () => {
  [pgServer, broker] = await Promise.all([startPostgres(), startMosquitto()]);
  link = await startWanLink({ host: "127.0.0.1", port: broker.port });
  pool = new pg.Pool({ connectionString: pgServer.url, max: 2 });
  hubConfig = writeHubConfig(pgServer.url, broker.url);
  hub = await startHub(hubConfig);
  /* A keepalive of 1 s, so that a silent connection is noticed within the test's time (the default is 60 s). */
  site = await makeSite("spb", "Europe/Moscow", "north", link.url, { keepaliveS: 1 });
  await startSite(site);
  await connectTerminals(site, ["till-1", "till-2"]);
}, 120_000);

afterAll(async () => {
  await closeSite(site);
  hub?.kill("SIGTERM");
  await pool?.end();
  await link?.close();
  await broker?.stop();
  await pgServer?.stop();
});




/** Cuts the link (`directions`; both when none) on a connection that works, while the terminals press. */
async function cutWhilePressing(directions: WanDirection[], during: () => Promise<void>): Promise<void> {
  await caughtUp(pool, site);
  const opened = link.accepted;
  link.cut(...directions);
  await Promise.all([pressAll(site, 200), during()]);
  /* The forwarder gave up the silent connection (its keepalive) and tried a new one. */
  await waitFor("the forwarder to notice the silent connection and connect again", () => link.accepted > opened);
  link.restore();
}

const ackedAtStore = () => site.store.hubOutbox.state()?.ackedSeq ?? 0;
const lastAtStore = () => site.store.hubOutbox.lastSeq();

describe("the WAN link between a store and the hub's broker", () => {
  it("cut both ways, then store → hub, then hub → store while terminals press: every row reaches the hub once and every ack comes back", { timeout: 240_000 }, async () => {
    await pressAll(site, 200);

    /* Both ways: nothing reaches the hub; the store keeps storing and acking its terminals' events. */
    await cutWhilePressing([], async () => {
      const committed = await hubCommitted(pool, site.id);
      await pressAll(site, 100);
      expect(lastAtStore()).toBeGreaterThan(committed);
      expect(await hubCommitted(pool, site.id)).toBe(committed);
    });

    /* Store → hub only: the hub hears nothing, though its answers could pass. */
    site.store.terminals.rename(`${site.id}.till-1`, "Till by the window");
    await cutWhilePressing(["up"], async () => {
      const committed = await hubCommitted(pool, site.id);
      await pressAll(site, 100);
      expect(await hubCommitted(pool, site.id)).toBe(committed);
    });

    /* Hub → store only: batches arrive and are committed, their acks never come back, so the store sends them again. */
    site.store.terminals.setStoreRegion(site.id, "north-west");
    await cutWhilePressing(["down"], async () => {
      const ackedBefore = ackedAtStore();
      await waitFor("the hub to commit rows whose ack the store has not heard", async () => (await hubCommitted(pool, site.id)) > ackedAtStore());
      await pressAll(site, 100);
      expect(ackedAtStore()).toBe(ackedBefore);
      expect(await hubCommitted(pool, site.id)).toBeGreaterThan(ackedBefore);
    });

    await caughtUp(pool, site);
    expect(site.store.hubOutbox.pendingAfter(0)).toBe(0);
    expect(link.bytes.up).toBeGreaterThan(0);
    await expectRowsAtHub(pool, site.id, site.store, recorded(site));
    expect((await pool.query("SELECT name FROM terminals WHERE store_id = $1 AND id = $2", [site.id, `${site.id}.till-1`])).rows).toEqual([{ name: "Till by the window" }]);
    expect((await pool.query("SELECT region FROM stores WHERE store_id = $1", [site.id])).rows).toEqual([{ region: "north-west" }]);
    await expectNoLag(pgServer.url, broker.url, [site.id]);
    expect(await expectSameReports(site, hubConfig)).toBeGreaterThanOrEqual(2);
  });
});
