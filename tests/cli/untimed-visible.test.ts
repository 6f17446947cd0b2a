/**
 * Untimed events (unsynced, of a boot never heard live; in no survey) are visible where people look: counted by
 * `loyalty status`, by the report (table, JSON, HTML) and the nightly report, and listed by `loyalty review untimed`,
 * including those that arrived when their device was paired to no terminal. A real database file, the real CLI.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../gateway/log.ts";
import { loadConfig } from "../../gateway/config/load.ts";
import { runZone } from "../../gateway/reports/nightly.ts";
import { openStore, type Store } from "../../gateway/store/store.ts";
import { pair } from "../../gateway/terminals/manage.ts";
import { runCli } from "../support/cli.ts";
import { heard } from "../support/store.ts";

const ARRIVED = Date.parse("2026-11-20T09:30:00Z");

function untimedEvent(store: Store, serial: string, seq: number, terminalId: string | null, receivedMs = ARRIVED): void {
  store.tx(() => store.events.insert({ serial, boot: "OLD", seq, kind: "short", btn: null, ts: 81_000, synced: false, untimed: true, atMs: receivedMs, receivedMs, terminalId, link: "test" }));
}

/** Terminal s1.till (D1) and s2.till (D2) in UTC stores; untimed: two of s1.till, one of no terminal (D3 unpaired), one of s1.till the next day. */
function dataset() {
  const dir = mkdtempSync(join(tmpdir(), "lb-untimed-"));
  const db = join(dir, "loyalty.sqlite");
  const store = openStore(db);
  for (const [serial, s] of [["D1", "s1"], ["D2", "s2"]] as const) {
    heard(store, serial);
    pair(store, { serial, store: s, point: "till", question: "staff", timeZone: "UTC" }, 1_000);
  }
  untimedEvent(store, "D1", 1, "s1.till");
  untimedEvent(store, "D1", 2, "s1.till");
  untimedEvent(store, "D3", 1, null);
  untimedEvent(store, "D1", 3, "s1.till", ARRIVED + 86_400_000);
  store.close();
  const config = join(dir, "gateway.json");
  writeFileSync(config, JSON.stringify({ database: db, timeZone: "UTC", reports: { folder: join(dir, "reports") } }));
  return { dir, db, config };
}

describe("untimed events, visible", () => {
  it("are counted by loyalty status, with those of no terminal", async () => {
    const d = dataset();
    const text = await runCli("status", "--config", d.config);
    expect(text.out).toContain("Untimed events: 4 (1 of no terminal: the device was unpaired), in no survey; loyalty review untimed --from <day> lists them\n");
    expect(JSON.parse((await runCli("status", "--json", "--config", d.config)).out).untimed).toEqual({ events: 4, unpaired: 1 });
  });

  it("are counted by the report of the days they arrived in, for the stores asked for", async () => {
    const d = dataset();
    const json = async (...extra: string[]) => JSON.parse((await runCli("report", "--config", d.config, "--from", "2026-11-20", "--format", "json", ...extra)).out).untimed;
    expect(await json()).toEqual({ events: 3, unpaired: 1 });
    expect(await json("--to", "2026-11-21")).toEqual({ events: 4, unpaired: 1 });
    expect(await json("--store", "s1")).toEqual({ events: 2, unpaired: 0 });
    expect(await json("--terminal", "s2.till")).toEqual({ events: 0, unpaired: 0 });
    const table = await runCli("report", "--config", d.config, "--from", "2026-11-20");
    expect(table.out).toContain("Событий без времени: 3 (из них 1 без терминала); они не вошли в опросы, список: loyalty review untimed\n");
    expect((await runCli("report", "--config", d.config, "--from", "2026-11-19")).out).not.toContain("без времени");
    const html = (await runCli("report", "--config", d.config, "--from", "2026-11-20", "--format", "html")).out;
    expect(html).toContain("События без времени (не вошли в опросы): <span data-untimed>3</span>, из них без терминала: 1</li>");
  });

  it("are counted by each store's nightly report (those of no terminal belong to no store)", () => {
    const d = dataset();
    const config = loadConfig({ file: d.config, env: {} });
    const store = openStore(d.db);
    const results = runZone(store, { ...config, reports: { ...config.reports, nightly: { ...config.reports.nightly, formats: ["json"] } } }, "UTC", Date.parse("2026-11-21T00:05:00Z"), silentLogger());
    store.close();
    expect(results.map((r) => [r.store, r.error])).toEqual([["s1", undefined], ["s2", undefined]]);
    const untimedOf = (s: string) => JSON.parse(readFileSync(join(d.dir, "reports", s, "2026-11-20.json"), "utf8")).untimed;
    expect(untimedOf("s1")).toEqual({ events: 2, unpaired: 0 });
    expect(untimedOf("s2")).toEqual({ events: 0, unpaired: 0 });
  });

  it("are listed by loyalty review untimed, those of no terminal too, unless a store is asked for", async () => {
    const d = dataset();
    const list = await runCli("review", "untimed", "--config", d.config, "--from", "2026-11-20");
    expect(list.out).toMatch(/^3 untimed events: /);
    expect(list.out).toMatch(/\(none: unpaired\)\s+D3\s+OLD\s+1\s+short/);
    const json = JSON.parse((await runCli("review", "untimed", "--config", d.config, "--from", "2026-11-20", "--json")).out);
    expect(json.items.map((e: { terminal: string | null; device: string }) => [e.terminal, e.device])).toEqual([["s1.till", "D1"], ["s1.till", "D1"], [null, "D3"]]);
    expect(JSON.parse((await runCli("review", "untimed", "--config", d.config, "--from", "2026-11-20", "--store", "s1", "--json")).out).total).toBe(2);
  });
});

describe("untimed events of a store in another zone", () => {
  it("are counted and listed by the store's own day of arrival, not the gateway's", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lb-untimed-zone-"));
    const db = join(dir, "loyalty.sqlite");
    const store = openStore(db);
    heard(store, "V1");
    pair(store, { serial: "V1", store: "vvo", point: "till", question: "staff", timeZone: "Asia/Vladivostok" }, 1_000);
    /* 20:00 UTC on the 20th is 06:00 on the 21st in Vladivostok (UTC+10). */
    untimedEvent(store, "V1", 1, "vvo.till", Date.parse("2026-11-20T20:00:00Z"));
    store.close();
    const config = join(dir, "gateway.json");
    writeFileSync(config, JSON.stringify({ database: db, timeZone: "UTC", reports: { folder: join(dir, "reports") } }));
    const report = async (day: string) => JSON.parse((await runCli("report", "--config", config, "--from", day, "--store", "vvo", "--format", "json")).out).untimed;
    expect(await report("2026-11-20")).toEqual({ events: 0, unpaired: 0 });
    expect(await report("2026-11-21")).toEqual({ events: 1, unpaired: 0 });
    const listed = async (day: string) => JSON.parse((await runCli("review", "untimed", "--config", config, "--from", day, "--json")).out);
    expect((await listed("2026-11-20")).total).toBe(0);
    const next = await listed("2026-11-21");
    expect(next.total).toBe(1);
    expect(next.items[0]).toMatchObject({ terminal: "vvo.till", received: "2026-11-21 06:00:00" });
    /* The store's nightly run at 00:05 on the 22nd, Vladivostok time, writes its 21st. */
    const c = loadConfig({ file: config, env: {} });
    const opened = openStore(db);
    const nightly = runZone(opened, { ...c, reports: { ...c.reports, nightly: { ...c.reports.nightly, formats: ["json"] } } }, "Asia/Vladivostok", Date.parse("2026-11-21T14:05:00Z"), silentLogger());
    opened.close();
    expect(nightly.map((r) => [r.store, r.day, r.error])).toEqual([["vvo", "2026-11-21", undefined]]);
    expect(JSON.parse(readFileSync(join(dir, "reports", "vvo", "2026-11-21.json"), "utf8")).untimed).toEqual({ events: 1, unpaired: 0 });
  });
});
