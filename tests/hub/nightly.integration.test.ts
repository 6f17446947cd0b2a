/**
 * The chain's nightly job at the hub (docs/hub.md#chain-reports), over a real PostgreSQL and two store gateways' rows
 * (tests/support/hub-sites.ts): the scheduled run writes yesterday's chain report, grouped by region and store, each
 * store's group its own report's; a hub started after missed nights writes them; a night that fails is logged, not
 * thrown, and written at the next run. The clock is the `now` the hub is given; nothing sleeps.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hubConfigSchema, type HubConfig, type HubConfigInput } from "../../gateway/hub/config.ts";
import { Hub } from "../../gateway/hub/hub.ts";
import { HubNightly, runHubNights } from "../../gateway/hub/nightly.ts";
import { migrateHub } from "../../gateway/hub/pg-schema.ts";
import { CHAIN_REPORT, lastNight } from "../../gateway/hub/report-nights.ts";
import { silentLogger } from "../../gateway/log.ts";
import { makeReport } from "../../gateway/reports/report.ts";
import type { Report } from "../../gateway/reports/schema.ts";
import { startPostgres, type Postgres } from "../../gateway/testkit/postgres.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { addDays, dayStart } from "../../gateway/time/zone.ts";
import { forward, lcg, openSite, presses, storeEvents, type Site } from "../support/hub-sites.ts";

/** The first day with presses; the hub's first scheduled run is at 00:05 on D (Moscow), after 4 days of data. */
const FIRST = "2026-11-02";
const D = addDays(FIRST, 4);
const at = (day: string, hhmm: string) => dayStart(day, "Europe/Moscow") + (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * 60_000;

let pgServer: Postgres;
let pool: pg.Pool;
let folder: string;
const sites: Site[] = [];

const hubConfig = (more: HubConfigInput["reports"] = {}): HubConfig =>
  hubConfigSchema.parse({ postgres: { url: pgServer.url }, mqtt: { url: "mqtt://127.0.0.1:1" }, timeZone: "Europe/Moscow", http: { enabled: false }, reports: { folder, ...more } });
const filesOf = (dir: string) => readdirSync(dir).sort();
const readJson = (day: string) => JSON.parse(readFileSync(join(folder, `${day}.json`), "utf8")) as Report;

/** The night's file: each store's group is that store's own report of the day, by region and store. */
function expectStoresOwn(day: string): void {
  const file = readJson(day);
  expect(file.from).toBe(day);
  expect(file.groupBy).toEqual(["region", "store"]);
  expect(file.groups.map((g) => [g.key.region, g.key.store])).toEqual([
    ["ural", "ekb"],
    ["west", "msk"],
  ]);
  for (const site of sites) {
    const own = makeReport(site.store, site.config, { from: day, to: day, groupBy: ["region", "store"], stores: [site.id] }, Date.parse(file.generatedAt));
    expect(file.groups.find((g) => g.key.store === site.id), `${site.id} ${day}`).toEqual(own.groups[0]);
  }
  expect(file.total.representativeness.surveys).toBeGreaterThan(0);
}

beforeAll(async () => {
  pgServer = await startPostgres();
  pool = new pg.Pool({ connectionString: pgServer.url, max: 3 });
  await migrateHub(pool);
  folder = join(mkdtempSync(join(tmpdir(), "lb-hub-nightly-")), "reports");
  const rand = lcg(31);
  for (const [id, zone, region] of [
    ["msk", "Europe/Moscow", "west"],
    ["ekb", "Asia/Yekaterinburg", "ural"],
  ] as const) {
    const site = openSite(id, zone, region);
    /* Presses every day from FIRST to D+3, from 10:00 local. */
    for (let d = 0; d < 8; d++) for (const t of site.terminals) storeEvents(site, t, presses(rand, dayStart(addDays(FIRST, d), zone) + 10 * 3_600_000, 40));
    await forward(pool, site);
    sites.push(site);
  }
}, 120_000);

afterAll(async () => {
  for (const s of sites) s.store.close();
  await pool?.end();
  await pgServer?.stop();
});

describe("the hub's nightly chain report", () => {
  it("writes yesterday's chain report at the scheduled run, grouped by region and store, and records the night", { timeout: 60_000 }, async () => {
    const config = hubConfig();
    const results = await runHubNights(pool, config, at(D, "00:05"), silentLogger(), "run");
    const day = addDays(D, -1);
    expect(results).toEqual([{ store: CHAIN_REPORT, day, files: ["html", "csv", "json"].map((f) => join(folder, `${day}.${f}`)) }]);
    expect(filesOf(folder)).toEqual([`${day}.csv`, `${day}.html`, `${day}.json`]);
    expectStoresOwn(day);
    expect(readJson(day).generatedAt).toBe(new Date(at(D, "00:05")).toISOString());
    expect(readFileSync(join(folder, `${day}.csv`), "utf8").startsWith("\uFEFFРегион;Магазин;")).toBe(true);
    expect(readFileSync(join(folder, `${day}.html`), "utf8")).toContain("Индексы качества: сеть");
    expect(await lastNight(pool, CHAIN_REPORT)).toBe(day);

    /* At start the same day, nothing is owed; the next scheduled run writes yesterday again (what arrived since). */
    expect(await runHubNights(pool, config, at(D, "09:00"), silentLogger(), "start")).toEqual([]);
    expect((await runHubNights(pool, config, at(D, "09:00"), silentLogger(), "run")).map((r) => r.day)).toEqual([day]);
    expect(readJson(day).generatedAt).toBe(new Date(at(D, "09:00")).toISOString());
  });

  it("writes the nights it missed when the hub starts, from its injected clock", { timeout: 60_000 }, async () => {
    let now = at(addDays(D, 3), "00:30");
    /* No broker at mqtt://127.0.0.1:1: the nightly job needs none, and the hub keeps trying in the background. */
    const hub = new Hub(hubConfig({ nightly: { catchUpDelayMs: 0 } }), { log: silentLogger(), now: () => now });
    await hub.start();
    try {
      await waitFor("the missed nights", async () => (await lastNight(pool, CHAIN_REPORT)) === addDays(D, 2));
      for (const day of [D, addDays(D, 1), addDays(D, 2)]) expectStoresOwn(day);
      expect(readJson(addDays(D, 1)).generatedAt).toBe(new Date(now).toISOString());
      /* The scheduled run the next night, driven by hand at the hub's clock. */
      now = at(addDays(D, 4), "00:05");
      expect((await hub.nightly!.run("run")).map((r) => [r.day, r.error])).toEqual([[addDays(D, 3), undefined]]);
      expectStoresOwn(addDays(D, 3));
    } finally {
      await hub.stop();
    }
    expect(filesOf(folder).filter((f) => f.endsWith(".json"))).toEqual([-1, 0, 1, 2, 3].map((d) => `${addDays(D, d)}.json`));
  });

  it("logs a night it cannot write, keeps it owed and writes it at the next run", { timeout: 60_000 }, async () => {
    const lines: string[] = [];
    const log = pino({ level: "info" }, { write: (l: string) => void lines.push(l) });
    /* Something in the way of the folder: a file where a directory should be. */
    const blocked = join(mkdtempSync(join(tmpdir(), "lb-hub-nightly-")), "reports");
    writeFileSync(blocked, "in the way");
    const config = { ...hubConfig(), reports: { ...hubConfig().reports, folder: blocked } };
    const now = at(addDays(D, 6), "00:05");
    const failed = await runHubNights(pool, config, now, log, "run");
    expect(failed.map((r) => [r.day, r.files, typeof r.error])).toEqual([[addDays(D, 4), [], "string"]]);
    expect(lines.join("")).toContain("the chain's nightly report failed; the next run writes it");
    expect(await lastNight(pool, CHAIN_REPORT)).toBe(addDays(D, 3));

    rmSync(blocked);
    const next = await runHubNights(pool, config, now, log, "start");
    expect(next.map((r) => [r.day, r.error])).toEqual([
      [addDays(D, 4), undefined],
      [addDays(D, 5), undefined],
    ]);
    expect(existsSync(join(blocked, `${addDays(D, 5)}.json`))).toBe(true);
    expect(await lastNight(pool, CHAIN_REPORT)).toBe(addDays(D, 5));
  });

  it("schedules the cron expression in the hub's time zone", () => {
    const config = hubConfigSchema.parse({ postgres: { url: pgServer.url }, mqtt: { url: "mqtt://127.0.0.1:1" }, timeZone: "Asia/Vladivostok", reports: { folder, nightly: { catchUpDelayMs: 86_400_000 } } });
    const n = new HubNightly({ pool, config, log: silentLogger(), now: Date.now });
    n.start();
    const next = n.nextRun();
    void n.stop();
    /* 00:05 in Vladivostok (UTC+10) is 14:05Z. */
    expect(next).toMatch(/T14:05:00\.000Z$/);
  });
});
