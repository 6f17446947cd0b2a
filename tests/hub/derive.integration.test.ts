/**
 * The hub derives what each store derives (docs/hub.md#derivation): two store gateways' SQLite files (Moscow and
 * Yekaterinburg time) and a real PostgreSQL; each store's outbox goes to the hub through the hub's own batch
 * parsing and commit (tests/support/hub-sites.ts), not over MQTT: the transport and its faults are
 * chain.integration.test.ts's. Then each store's report at the hub equals that store's own report, figure for
 * figure, for each day and grouping, after late events, re-timed events and a past settings change too; deriving
 * everything again from the beginning leaves the hub's rollups as the incremental derivation left them.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hubConfigSchema, type HubConfig } from "../../gateway/hub/config.ts";
import { migrateHub } from "../../gateway/hub/pg-schema.ts";
import { rebuildHubQueued, settingChanges } from "../../gateway/hub/rebuild.ts";
import { makeHubReport } from "../../gateway/hub/report.ts";
import type { ReportRequest } from "../../gateway/reports/build.ts";
import { makeReport } from "../../gateway/reports/report.ts";
import type { Dimension, Report } from "../../gateway/reports/schema.ts";
import { setSetting } from "../../gateway/terminals/manage.ts";
import { startPostgres, type Postgres } from "../../gateway/testkit/postgres.ts";
import { addDays, dayStart } from "../../gateway/time/zone.ts";
import { runCli } from "../support/cli.ts";
import { forward, lcg, openSite, presses, storeEvents, type Site } from "../support/hub-sites.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/* Both stores and the hub use a window other than the methodology's default: the hub must take its own terminalDefaults. */
const TIMING = { windowMs: 20_000 };
const FIRST_DAY = "2026-11-02";
const DAYS = 3;

let pgServer: Postgres;
let pool: pg.Pool;
let hubConfig: HubConfig;
const sites: Site[] = [];

const GROUPINGS: Dimension[][] = [["store", "terminal"], ["employee"], ["question"], ["region", "store", "day"]];

/** Each day of each store, each grouping: the store's own report and the hub's for that store, built at the same moment. */
async function compareEveryReport(): Promise<number> {
  const now = Date.now();
  let compared = 0;
  for (const site of sites) {
    for (let d = 0; d < DAYS + 1; d++) {
      const day = addDays(FIRST_DAY, d);
      for (const groupBy of GROUPINGS) {
        const req: ReportRequest = { from: day, to: day, groupBy, stores: [site.id] };
        const own = makeReport(site.store, site.config, req, now);
        const atHub = await makeHubReport(pool, hubConfig, req, now);
        expect(atHub, `${site.id} ${day} by ${groupBy.join(",")}`).toEqual(own);
        compared++;
      }
    }
    /* The whole range at once, by day. */
    const req: ReportRequest = { from: FIRST_DAY, to: addDays(FIRST_DAY, DAYS), groupBy: ["terminal", "day"], stores: [site.id] };
    expect(await makeHubReport(pool, hubConfig, req, now)).toEqual(makeReport(site.store, site.config, req, now));
  }
  return compared;
}

const surveyCount = (r: Report) => r.total.representativeness.surveys;

beforeAll(async () => {
  pgServer = await startPostgres();
  pool = new pg.Pool({ connectionString: pgServer.url, max: 3 });
  await migrateHub(pool);
  hubConfig = hubConfigSchema.parse({ postgres: { url: pgServer.url }, mqtt: { url: "mqtt://127.0.0.1:1" }, timeZone: "Europe/Moscow", terminalDefaults: TIMING });
  const now = Date.now();
  sites.push(openSite("msk", "Europe/Moscow", "west", { terminalDefaults: TIMING }, now), openSite("ekb", "Asia/Yekaterinburg", "ural", { terminalDefaults: TIMING }, now));
}, 120_000);

afterAll(async () => {
  for (const s of sites) s.store.close();
  await pool?.end();
  await pgServer?.stop();
});

describe("derivation at the hub", () => {
  it("gives each store's own reports, figure for figure, incrementally and after late, re-timed and re-set rows", { timeout: 120_000 }, async () => {
    const rand = lcg(17);
    for (const site of sites) {
      const start = dayStart(FIRST_DAY, site.zone) + 8 * 3_600_000;
      for (const t of site.terminals) storeEvents(site, t, presses(rand, start, 500));
      /* Untimed events (in no survey; counted in the report's `untimed`). */
      storeEvents(site, site.terminals[0]!, presses(rand, start + 3_600_000, 5), { boot: "u1", untimed: true });
      site.store.traffic.put({ kind: "transactions", storeId: site.id, terminalId: "", day: FIRST_DAY, hour: -1, count: 240 }, "test.csv", Date.now());
      site.store.traffic.put({ kind: "visitors", storeId: site.id, terminalId: site.terminals[1]!.id, day: addDays(FIRST_DAY, 1), hour: 10, count: 37 }, "test.csv", Date.now());
      await forward(pool, site);
    }
    expect(await compareEveryReport()).toBe(2 * (DAYS + 1) * GROUPINGS.length);
    const first = await makeHubReport(pool, hubConfig, { from: FIRST_DAY, to: addDays(FIRST_DAY, DAYS), groupBy: ["store"] }, Date.now());
    expect(surveyCount(first)).toBeGreaterThan(300);

    /* Late events inside the history, events of a boot whose clock is corrected later, and a past settings change. */
    for (const site of sites) {
      const [t1, t2] = site.terminals as [Site["terminals"][number], Site["terminals"][number]];
      const late = dayStart(addDays(FIRST_DAY, 1), site.zone) + 10 * 3_600_000;
      storeEvents(site, t1, presses(rand, late, 40), { boot: "late" });
      const skewed = presses(rand, late + 7_200_000, 30);
      storeEvents(site, t2, skewed, { boot: "skew", synced: false });
      site.store.tx(() => {
        for (const [terminal, from] of site.store.events.retime(t2.serial, "skew", -95_000)) site.store.derived.enqueue(terminal, from);
      });
      setSetting(site.store, t1.id, "employee", "boris", dayStart(addDays(FIRST_DAY, 1), site.zone) + 12 * 3_600_000, Date.now());
      setSetting(site.store, t2.id, "windowMs", 45_000, dayStart(addDays(FIRST_DAY, 2), site.zone), Date.now());
      await forward(pool, site, 7);
    }
    await compareEveryReport();
    const employees = await makeHubReport(pool, hubConfig, { from: FIRST_DAY, to: addDays(FIRST_DAY, DAYS), groupBy: ["employee"] }, Date.now());
    expect(employees.groups.map((g) => g.key.employee)).toEqual(["anna", "boris", "oleg"]);

    /* Deriving everything again from the beginning changes nothing: the incremental rebuilds were complete. */
    const rollups = async () => ({
      counts: (await pool.query("SELECT * FROM daily_counts ORDER BY store_id, terminal_id, day, question_kind, question_text, employee")).rows,
      terminal: (await pool.query("SELECT * FROM daily_terminal ORDER BY store_id, terminal_id, day")).rows,
      surveys: (await pool.query("SELECT * FROM surveys ORDER BY store_id, opening_event_id")).rows,
      periods: (await pool.query("SELECT * FROM fm_periods ORDER BY store_id, start_event_id")).rows,
    });
    const incremental = await rollups();
    expect(incremental.periods.length).toBeGreaterThan(0);
    await pool.query("INSERT INTO hub_derive_queue (store_id, terminal_id, from_ms) SELECT store_id, id, -9007199254740991 FROM terminals");
    expect(await rebuildHubQueued(pool, { questionKind: "staff", questionText: "", employee: null, ...hubConfig.terminalDefaults })).toBe(4);
    expect(await rollups()).toEqual(incremental);
  });

  it("groups the chain by region and store, each store's group its own report's", { timeout: 60_000 }, async () => {
    const now = Date.now();
    const req: ReportRequest = { from: FIRST_DAY, to: addDays(FIRST_DAY, DAYS), groupBy: ["region", "store"] };
    const chain = await makeHubReport(pool, hubConfig, req, now);
    expect(chain.groups.map((g) => [g.key.region, g.key.store])).toEqual([
      ["ural", "ekb"],
      ["west", "msk"],
    ]);
    for (const site of sites) {
      const own = makeReport(site.store, site.config, req, now);
      expect(chain.groups.find((g) => g.key.store === site.id)).toEqual(own.groups[0]);
    }
    expect(surveyCount(chain)).toBe(chain.groups.reduce((n, g) => n + g.representativeness.surveys, 0));
  });

  it("prints a chain report with `loyalty report --hub`, and says in words when the hub's database cannot be read", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "lb-hub-report-"));
    const file = join(dir, "hub.json");
    writeFileSync(file, JSON.stringify({ postgres: { url: pgServer.url }, mqtt: { url: "mqtt://127.0.0.1:1" }, terminalDefaults: TIMING }));
    const r = await runCli("report", "--hub", file, "--from", FIRST_DAY, "--to", addDays(FIRST_DAY, DAYS), "--group-by", "region", "--format", "json");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as Report;
    expect(report.groups.map((g) => g.key.region)).toEqual(["ural", "west"]);

    const down = join(dir, "down.json");
    writeFileSync(down, JSON.stringify({ postgres: { url: "postgres://nobody@127.0.0.1:1/none" }, mqtt: { url: "mqtt://127.0.0.1:1" } }));
    const bad = await runCli("report", "--hub", down, "--from", FIRST_DAY);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/^cannot read the hub's database \(postgres\.url in .*down\.json\): connect ECONNREFUSED/);
    expect(bad.err).not.toMatch(/\n\s+at /);
    const both = await runCli("report", "--hub", file, "--db", join(dir, "x.sqlite"));
    expect(both.err).toContain("--hub reads the hub's database: leave out --config and --db");
  });

  it("leaves out a setting row a store could not have written, so it cannot stop a terminal's derivation", () => {
    expect(
      settingChanges([
        { key: "windowMs", value: "25000", fromMs: 0 },
        { key: "colour", value: '"red"', fromMs: 0 },
        { key: "employee", value: "{not json", fromMs: 5 },
        { key: "employee", value: '"anna"', fromMs: 9 },
      ]),
    ).toEqual([
      { key: "windowMs", value: 25000, fromMs: 0 },
      { key: "employee", value: "anna", fromMs: 9 },
    ]);
  });
});
