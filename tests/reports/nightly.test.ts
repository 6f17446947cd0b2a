/** The nightly job: the previous local day per store time zone, files in the reports folder, one failure isolated. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pino } from "pino";
import { silentLogger } from "../../gateway/log.ts";
import { NightlyReports, runZone } from "../../gateway/reports/nightly.ts";
import { chain } from "../support/presses.ts";

describe("nightly reports", () => {
  it("write each store's previous local day and go on past a store that fails", () => {
    const folder = mkdtempSync(join(tmpdir(), "lb-reports-"));
    const c = chain({ reports: { folder, trendDays: 30, nightly: { enabled: true, cron: "5 0 * * *", formats: ["html", "csv", "json"] } } });
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
    expect(existsSync(join(folder, "kg"))).toBe(false);
    expect(lines.join("")).toMatch(/nightly report failed; the other stores go on/);
    c.store.close();
  });

  it("schedules the cron expression in each store's time zone", () => {
    const folder = mkdtempSync(join(tmpdir(), "lb-reports-"));
    mkdirSync(folder, { recursive: true });
    const c = chain({ timeZone: "Europe/Moscow", reports: { folder, trendDays: 30, nightly: { enabled: true, cron: "5 0 * * *", formats: ["json"] } } });
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
});
