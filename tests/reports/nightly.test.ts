/**
 * The nightly job: the previous local day per store time zone, files in the reports folder, one failure isolated;
 * the nights a store missed while the gateway was down, written at start from the last one recorded, capped.
 * Real SQLite and folders; the job's clock is the `now` the gateway passes in.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { pino } from "pino";
import { silentLogger } from "../../gateway/log.ts";
import { NightlyReports, runZone } from "../../gateway/reports/nightly.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { chain } from "../support/presses.ts";

describe("nightly reports", () => {
  it("write each store's previous local day and go on past a store that fails", () => {
    const folder = mkdtempSync(join(tmpdir(), "lb-reports-"));
    const c = chain({ reports: { folder, trendDays: 30, nightly: { enabled: true, cron: "5 0 * * *", formats: ["html", "csv", "json"], catchUpDelayMs: 0 } } });
    const vl = c.terminal("vl.till", "vl", "Asia/Vladivostok", "staff", "anna");
    const vl2 = c.terminal("vl2.till", "vl2", "Asia/Vladivostok", "office");
    c.terminal("kg.till", "kg", "Europe/Kaliningrad", "staff", "boris").survey("2026-11-20 12:00:00", "no");
    vl.survey("2026-11-20 12:00:00", "yes");
    vl.survey("2026-11-21 00:30:00", "no"); /* the next local day: not in the nightly report of the 20th */
    vl2.survey("2026-11-20 12:00:00", "no");
    /* Make vl2's folder unwritable: a file where its directory should be. */
    writeFileSync(join(folder, "vl2"), "in the way");
    const lines: string[] = [];
    const log = pino({ level: "info" }, { write: (l: string) => void lines.push(l) });
    /* 00:05 on 2026-11-21 in Vladivostok is 14:05Z on the 20th. */
    const results = runZone(c.store, c.config, "Asia/Vladivostok", Date.parse("2026-11-20T14:05:00Z"), log);
    expect(results.map((r) => [r.store, r.day, r.files.length, r.error === undefined])).toEqual([
      ["vl", "2026-11-20", 4, true],
      ["vl2", "2026-11-20", 0, false],
    ]);
    const json = JSON.parse(readFileSync(join(folder, "vl", "2026-11-20.json"), "utf8"));
    expect(json.total.indices[0]).toMatchObject({ index: "inkStaff", value: 0, sample: 1 });
    expect(readFileSync(join(folder, "vl", "2026-11-20.csv"), "utf8").startsWith("\uFEFF")).toBe(true);
    /* The HTML says when it was made in the store's own time (00:05 on the 21st in Vladivostok), the JSON in UTC. */
    expect(readFileSync(join(folder, "vl", "2026-11-20.html"), "utf8")).toContain('Сформирован <span id="generated">21.11.2026, 00:05</span> (Asia/Vladivostok)');
    expect(json.generatedAt).toBe("2026-11-20T14:05:00.000Z");
    expect(existsSync(join(folder, "kg"))).toBe(false);
    expect(lines.join("")).toMatch(/nightly report failed; the other stores go on/);
    c.store.close();
  });

  it("schedules the cron expression in each store's time zone", () => {
    const folder = mkdtempSync(join(tmpdir(), "lb-reports-"));
    mkdirSync(folder, { recursive: true });
    const c = chain({ timeZone: "Europe/Moscow", reports: { folder, trendDays: 30, nightly: { enabled: true, cron: "5 0 * * *", formats: ["json"], catchUpDelayMs: 0 } } });
    c.terminal("vl.till", "vl", "Asia/Vladivostok", "staff");
    const n = new NightlyReports({ store: c.store, config: c.config, log: silentLogger(), now: Date.now });
    n.start();
    const next = n.nextRuns();
    n.stop();
    c.store.close();
    expect(Object.keys(next).sort()).toEqual(["Asia/Vladivostok", "Europe/Moscow"]);
    /* 00:05 local: 14:05Z (UTC+10) and 21:05Z (UTC+3). */
    expect(next["Asia/Vladivostok"]).toMatch(/T14:05:00\.000Z$/);
    expect(next["Europe/Moscow"]).toMatch(/T21:05:00\.000Z$/);
  });

  /** A Moscow store with surveys on the 20th (2) and 22nd (3), whose last nightly report was the 19th's. */
  function missed() {
    const folder = mkdtempSync(join(tmpdir(), "lb-reports-"));
    const c = chain({ reports: { folder, trendDays: 30, nightly: { enabled: true, cron: "5 0 * * *", formats: ["json"], catchUpDelayMs: 0 } } });
    const t = c.terminal("msk.till", "msk", "Europe/Moscow", "staff");
    t.survey("2026-11-19 12:00:00", "yes");
    t.survey("2026-11-20 12:00:00", "yes");
    t.survey("2026-11-20 13:00:00", "no");
    for (const h of ["10", "11", "12"]) t.survey(`2026-11-22 ${h}:00:00`, "no");
    c.store.reportNights.record("msk", "2026-11-19", 0);
    const lines: string[] = [];
    const log = pino({ level: "info" }, { write: (l: string) => void lines.push(l) });
    let now = Date.parse("2026-11-23T07:00:00Z"); /* 10:00 on the 23rd in Moscow: down since before 00:05 on the 20th */
    const n = new NightlyReports({ store: c.store, config: c.config, log, now: () => now });
    const surveys = (day: string) => JSON.parse(readFileSync(join(folder, "msk", `${day}.json`), "utf8")).total.representativeness.surveys as number;
    return { c, n, folder, lines, surveys, log, setNow: (iso: string) => (now = Date.parse(iso)) };
  }

  it("write at start every night a store missed since the last one written, once, and the scheduled run rewrites yesterday", async () => {
    const { c, n, folder, surveys, log, lines, setNow } = missed();
    n.start();
    await waitFor("the missed nights' reports", () => existsSync(join(folder, "msk", "2026-11-22.employees.csv")));
    n.stop();
    expect(readdirSync(join(folder, "msk")).filter((f) => f.endsWith(".json")).sort()).toEqual(["2026-11-20.json", "2026-11-21.json", "2026-11-22.json"]);
    expect([surveys("2026-11-20"), surveys("2026-11-21"), surveys("2026-11-22")]).toEqual([2, 0, 3]);
    expect(c.store.reportNights.last("msk")).toBe("2026-11-22");
    const said = lines.length;
    expect(n.catchUpMissed()).toEqual([]);
    expect(lines.slice(said)).toEqual([]);
    /* 00:05 on the 24th in Moscow: the 23rd; run again, the 23rd again (with what arrived since). */
    setNow("2026-11-23T21:05:00Z");
    expect(runZone(c.store, c.config, "Europe/Moscow", Date.parse("2026-11-23T21:05:00Z"), log).map((r) => r.day)).toEqual(["2026-11-23"]);
    expect(runZone(c.store, c.config, "Europe/Moscow", Date.parse("2026-11-23T21:06:00Z"), log).map((r) => r.day)).toEqual(["2026-11-23"]);
    expect(c.store.reportNights.last("msk")).toBe("2026-11-23");
    c.store.close();
  });

  it("wait reports.nightly.catchUpDelayMs after start before catching up, so terminals first deliver what they kept", () => {
    const { c, folder, log } = missed();
    const config = { ...c.config, reports: { ...c.config.reports, nightly: { ...c.config.reports.nightly, catchUpDelayMs: 300_000 } } };
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const n = new NightlyReports({ store: c.store, config, log, now: () => Date.parse("2026-11-23T07:00:00Z") });
      n.start();
      vi.advanceTimersByTime(299_999);
      expect(existsSync(join(folder, "msk"))).toBe(false);
      vi.advanceTimersByTime(1);
      expect(readdirSync(join(folder, "msk")).filter((f) => f.endsWith(".json"))).toHaveLength(3);
      n.stop();
    } finally {
      vi.useRealTimers();
    }
    c.store.close();
  });

  it("go back at most a month, and the log says which nights were left out and how to get them", () => {
    const { c, n, folder, lines } = missed();
    c.store.db.prepare(`UPDATE report_nights SET day = '2026-09-01'`).run();
    const written = n.catchUpMissed().map((r) => r.day);
    expect(written).toHaveLength(31);
    expect([written[0], written.at(-1)]).toEqual(["2026-10-23", "2026-11-22"]);
    expect(readdirSync(join(folder, "msk")).filter((f) => f.endsWith(".json"))).toHaveLength(31);
    const warning = lines.map((l) => JSON.parse(l)).find((l) => l.level === 40);
    expect(warning).toMatchObject({ store: "msk", from: "2026-09-02", to: "2026-10-22", cap: 31 });
    expect(warning.msg).toBe("the gateway missed more than 31 nights: writing only the last 31; `loyalty report --store msk --from 2026-09-02 --to 2026-10-22` gives the older ones");
    c.store.close();
  });

  it("stop a store's catch-up at its first failure and owe that night again, and remove what an interrupted write left", () => {
    const { c, n, folder } = missed();
    writeFileSync(join(folder, "msk"), "in the way");
    expect(n.catchUpMissed().map((r) => [r.day, r.error === undefined])).toEqual([["2026-11-20", false]]);
    expect(c.store.reportNights.last("msk")).toBe("2026-11-19");
    rmSync(join(folder, "msk"));
    mkdirSync(join(folder, "msk"));
    writeFileSync(join(folder, "msk", ".2026-11-20.json.4242.tmp"), "{\"half\": ");
    expect(n.catchUpMissed().map((r) => [r.day, r.error === undefined])).toEqual([
      ["2026-11-20", true],
      ["2026-11-21", true],
      ["2026-11-22", true],
    ]);
    expect(readdirSync(join(folder, "msk")).filter((f) => f.startsWith("."))).toEqual([]);
    c.store.close();
  });
});
