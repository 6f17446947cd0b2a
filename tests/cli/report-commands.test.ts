/** `loyalty report`, `loyalty review` and `loyalty import` on a real SQLite file, as a manager and an expert use them. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "../../gateway/store/store.ts";
import { runCli } from "../support/cli.ts";
import { chain } from "../support/presses.ts";

const run = runCli;

function dataset() {
  const c = chain();
  const t = c.terminal("s1.till", "s1", "Europe/Moscow", "staff", "elena");
  const t2 = c.terminal("s1.exit", "s1", "Europe/Moscow", "recommend");
  t.survey("2026-11-20 10:00:00", "yes");
  const no = t.survey("2026-11-20 10:10:00", "no");
  const period = t.press("2026-11-20 11:00:00", "long");
  t.survey("2026-11-20 11:05:00", "silent");
  t2.survey("2026-11-20 12:00:00", "yes", 300);
  c.store.close();
  const dir = mkdtempSync(join(tmpdir(), "lb-cli-"));
  return { db: c.config.database, no, period, dir };
}

describe("loyalty report", () => {
  it("prints table, JSON, CSV and HTML", async () => {
    const d = dataset();
    const table = await run("report", "--db", d.db, "--from", "2026-11-20", "--group-by", "terminal");
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/Отчёт 2026-11-20 — 2026-11-20 \(предварительный/);
    expect(table.out).toMatch(/s1\.till\s+ИНК@Персонал\s+60\.0/);
    const json = JSON.parse((await run("report", "--db", d.db, "--from", "2026-11-20", "--format", "json")).out);
    expect(json.schema).toBe("loyalty-report/1");
    expect(json.groups[0].key).toEqual({ store: "s1" });
    const out = join(d.dir, "r.csv");
    const csv = await run("report", "--db", d.db, "--from", "2026-11-20", "--format", "csv", "--out", out);
    expect(csv.err).toBe(`report written to ${out}\n`);
    const text = readFileSync(out, "utf8");
    expect(text.split("\r\n")[0]).toMatch(/^\uFEFFМагазин;Индекс;Значение, %;/);
    expect(text).toMatch(/s1;ИНК@Персонал;60,0;/);
    expect((await run("report", "--db", d.db, "--from", "2026-11-20", "--format", "html")).out).toMatch(/^<!doctype html>/);
  });

  it("names a bad argument and exits 2", async () => {
    const d = dataset();
    expect(await run("report", "--db", d.db, "--from", "20.11.2026")).toMatchObject({ code: 2, err: expect.stringMatching(/--from: expected YYYY-MM-DD/) });
    expect(await run("report", "--db", d.db, "--group-by", "store,week,day")).toMatchObject({ code: 2, err: expect.stringMatching(/choose one of day, week, month/) });
    expect(await run("report", "--db", d.db, "--format", "pdf")).toMatchObject({ code: 2, err: expect.stringMatching(/--format: expected table, csv, json, html/) });
  });
});

describe("loyalty review", () => {
  it("lists flagged surveys and periods, marks, confirms and undoes", async () => {
    const d = dataset();
    const quick = JSON.parse((await run("review", "surveys", "--db", d.db, "--from", "2026-11-20", "--flag", "quick", "--json")).out);
    expect(quick.map((s: { terminal: string; opened: string; flags: string[] }) => [s.terminal, s.opened, s.flags])).toEqual([["s1.exit", "2026-11-20 12:00:00", ["quick"]]]);
    const periods = await run("review", "periods", "--db", d.db, "--from", "2026-11-20");
    expect(periods.out).toMatch(new RegExp(`${d.period}\\s+s1\\.till\\s+2026-11-20 11:00:00\\s+11:30:00\\s+Fmax\\s+unreviewed`));
    const confirm = await run("review", "confirm", String(d.period), "--db", d.db, "--end", "2026-11-20 11:10");
    expect(confirm.out).toMatch(/period \d+ confirmed \(review (\d+);/);
    const inv = await run("review", "invalid", String(d.no), "--db", d.db, "--reason", "CCTV: nobody at the till");
    const reviewId = /review (\d+)/.exec(inv.out)![1]!;
    const json = JSON.parse((await run("report", "--db", d.db, "--from", "2026-11-20", "--format", "json", "--terminal", "s1.till")).out);
    /* The yes stays; the no is invalid; the silent at 11:05 is in the confirmed period: ИНК@Персонал 0 of 1. */
    expect(json.total.indices[0]).toMatchObject({ index: "inkStaff", value: 0, sample: 1 });
    expect((await run("review", "undo", reviewId, "--db", d.db)).out).toMatch(/undone/);
    expect((await run("review", "undo", reviewId, "--db", d.db))).toMatchObject({ code: 2, err: expect.stringMatching(/undone already/) });
    const log = await run("review", "log", "--db", d.db);
    expect(log.out.split("\n").filter((l) => /^\d/.test(l))).toHaveLength(3);
    expect(await run("review", "invalid", String(d.no), "--db", d.db)).toMatchObject({ code: 1, err: expect.stringMatching(/--reason/) });
  });
});

describe("loyalty import", () => {
  it("imports transactions once, reports bad lines by number and imports nothing then", async () => {
    const d = dataset();
    const good = join(d.dir, "tx.csv");
    writeFileSync(good, "\uFEFFstore;terminal;date;hour;count\r\ns1;;2026-11-20;;8\r\ns1;s1.till;2026-11-20;10;3\r\n");
    expect((await run("import", "transactions", good, "--db", d.db)).out).toBe("transactions: 2 rows read, 2 new or changed, 0 unchanged\n");
    expect((await run("import", "transactions", good, "--db", d.db)).out).toBe("transactions: 2 rows read, 0 new or changed, 2 unchanged\n");
    const json = JSON.parse((await run("report", "--db", d.db, "--from", "2026-11-20", "--format", "json")).out);
    /* 4 valid surveys / 8 transactions. */
    expect(json.total.representativeness).toMatchObject({ surveys: 4, transactions: 8, conversion: 50 });

    const bad = join(d.dir, "bad.csv");
    writeFileSync(bad, "store,date,count\ns1,2026-11-21,5\ns1,2026-13-01,5\nnowhere,2026-11-21,1\ns1,2026-11-21,-4\ns1,2026-11-21,6\n");
    const r = await run("import", "visitors", bad, "--db", d.db);
    expect(r.code).toBe(2);
    expect(r.err).toContain("4 bad line(s); nothing was imported");
    expect(r.err).toContain(`${bad}:3: date: date must be a day YYYY-MM-DD`);
    expect(r.err).toContain(`${bad}:4: store "nowhere" is not known (add it first: loyalty stores add nowhere --zone <IANA zone>)`);
    expect(r.err).toContain(`${bad}:5: count: count must be a whole number`);
    expect(r.err).toContain(`${bad}:6: repeats line 2`);
    const after = JSON.parse((await run("report", "--db", d.db, "--from", "2026-11-21", "--format", "json")).out);
    expect(after.total.representativeness.visitors).toBeNull();
    expect(await run("import", "visitors", join(d.dir, "missing.csv"), "--db", d.db)).toMatchObject({ code: 2, err: expect.stringMatching(/no such file/) });
  });
});

describe("CCTV links", () => {
  it("are checked when set and filled in for each survey in the review list", async () => {
    const d = dataset();
    expect(await run("terminals", "set-cctv", "s1.till", "https://nvr.example/cam/7?t={when}", "--db", d.db)).toMatchObject({ code: 2, err: expect.stringMatching(/unknown placeholder \{when\}/) });
    expect((await run("terminals", "set-cctv", "s1.till", "https://nvr.example/cam/7?t={iso}&l={local}", "--db", d.db)).code).toBe(0);
    const items = JSON.parse((await run("review", "surveys", "--db", d.db, "--from", "2026-11-20", "--terminal", "s1.till", "--json")).out);
    /* 10:00 in Moscow is 07:00Z. */
    expect(items[0].cctv).toBe("https://nvr.example/cam/7?t=2026-11-20T07%3A00%3A00Z&l=2026-11-20T10%3A00%3A00");
    expect(items[0].opened).toBe("2026-11-20 10:00:00");
  });
});

describe("loyalty review untimed", () => {
  it("lists the events kept out of surveys because their time cannot be known, with a count", async () => {
    const d = dataset();
    const store = openStore(d.db);
    const arrived = Date.parse("2026-11-20T09:30:00Z");
    store.tx(() => store.events.insert({ serial: "D1", boot: "OLD", seq: 4, kind: "short", btn: null, ts: 81_000, synced: false, untimed: true, atMs: arrived, receivedMs: arrived, terminalId: "s1.till", link: "test" }));
    const ahead = { serial: "D1", boot: "NOW", seq: 1, kind: "yes" as const, btn: null, ts: Date.UTC(2100, 0, 1), synced: true, untimed: true, untimedReason: "ahead" as const };
    store.tx(() => store.events.insert({ ...ahead, atMs: arrived + 1000, receivedMs: arrived + 1000, terminalId: "s1.till", link: "test" }));
    store.close();
    const list = await run("review", "untimed", "--db", d.db, "--from", "2026-11-20");
    expect(list.out).toMatch(/^2 untimed events: /);
    expect(list.out).toMatch(/s1\.till\s+D1\s+NOW\s+1\s+yes\s+clock ahead\s+2100-01-01 03:00:00\s+2026-11-20 12:30:01\s+12:30:01/);
    expect(list.out).toMatch(/s1\.till\s+D1\s+OLD\s+4\s+short\s+boot never heard\s+81\.0 s\s+2026-11-20 12:30:00\s+12:30:00/);
    expect(JSON.parse((await run("review", "untimed", "--db", d.db, "--from", "2026-11-20", "--json")).out)).toMatchObject({ total: 2, items: [{ boot: "OLD", seq: 4, reason: "unheard_boot", deviceClock: null }, { boot: "NOW", reason: "ahead", deviceClock: "2100-01-01 03:00:00" }] });
    expect((await run("review", "untimed", "--db", d.db, "--from", "2026-11-21")).out).toBe("no untimed events arrived on these days\n");
  });
});
