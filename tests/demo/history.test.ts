/**
 * The demo's month before yesterday: one seed gives one month; it holds all three question kinds, several
 * employees and terminals, every hour of every weekday; loaded into a real SQLite file through the ingest's store
 * functions, every chart of a 30-day report has data, and a second load on the same database is refused.
 */
import { describe, expect, it } from "vitest";
import { configSchema } from "../../gateway/config/schema.ts";
import { DEMO_TERMINALS, expectedDay, parseDay, visitTime, type LocalDate } from "../../gateway/demo/day.ts";
import { freshDatabase, HISTORY_LINK, loadHistory } from "../../gateway/demo/history-load.ts";
import { HISTORY_DAYS, historyDates, historyDay, LIVE_HISTORY, PAST_TERMINALS, weekday } from "../../gateway/demo/history.ts";
import { makeReport } from "../../gateway/reports/report.ts";
import { rebuildQueued } from "../../gateway/surveys/rebuild.ts";
import { terminalDefaults } from "../../gateway/terminals/config.ts";
import { pair } from "../../gateway/terminals/manage.ts";
import { localParts } from "../../gateway/time/zone.ts";
import { heard, tempStore } from "../support/store.ts";

const TZ = "Europe/Moscow";
const YESTERDAY: LocalDate = { year: 2026, month: 11, day: 22 };
const TIMING = { windowMs: 30_000, longMs: 3000, fmMaxMs: 1_800_000, heartbeatMs: 60_000 };
const ALL = [...PAST_TERMINALS, ...DEMO_TERMINALS.map((s) => ({ ...s, ...LIVE_HISTORY[s.id]! }))];

describe("the demo's month (pure)", () => {
  const dates = historyDates(YESTERDAY);

  it("covers the days before yesterday, oldest first, and one seed always gives the same month", () => {
    expect(dates).toHaveLength(HISTORY_DAYS);
    expect(dates.at(-1)).toEqual({ year: 2026, month: 11, day: 21 });
    expect(dates[0]).toEqual({ year: 2026, month: 10, day: 24 });
    for (const t of ALL) expect(historyDay(t, dates[3]!)).toEqual(historyDay(t, dates[3]!));
    expect(historyDay(ALL[0]!, dates[3]!, 1)).not.toEqual(historyDay(ALL[0]!, dates[3]!, 2));
  });

  it("keeps the scripted day's rules (items over a minute apart, parseable), and has every answer, force-majeure and strays", () => {
    const answers = new Set<string>();
    let fm = 0;
    let strays = 0;
    for (const t of ALL) {
      for (const d of dates) {
        const day = historyDay(t, d);
        /* The same text the scripted day is written in reads back to the same items, so the day.ts rules hold. */
        const text = day.map((v) => `${v.at} ${v.kind === "survey" ? v.answer : v.kind === "fm" ? `fm-${v.edge}` : `stray-${v.key}`}`).join(", ");
        expect(parseDay(text)).toEqual(day);
        const want = expectedDay(day, d, TZ);
        for (const s of want.surveys) answers.add(s.answer);
        fm += want.periods.length;
        strays += want.unsolicited;
      }
    }
    expect([...answers].sort()).toEqual(["no", "silent", "unsure", "yes"]);
    expect(fm).toBeGreaterThan(5);
    expect(strays).toBeGreaterThan(5);
  });

  it("fills every hour from 9 to 20 of every weekday with surveys", () => {
    const cells = new Set<string>();
    for (const t of ALL)
      for (const d of dates)
        for (const v of historyDay(t, d)) if (v.kind === "survey") cells.add(`${weekday(d)}/${localParts(visitTime(v, d, TZ), TZ).hour}`);
    for (let w = 0; w < 7; w++) for (let h = 9; h <= 20; h++) expect(cells.has(`${w}/${h}`), `weekday ${w} hour ${h}`).toBe(true);
  });
});

describe("the demo's month in the database", () => {
  it("puts every press in through the ingest's store functions; a 30-day report has data in every chart and employee; the database is no longer fresh", () => {
    const store = tempStore();
    const config = configSchema.parse({ timeZone: TZ });
    expect(freshDatabase(store)).toBe(true);
    /* The simulated terminals are paired first, as the demo pairs them from their hello. */
    for (const s of DEMO_TERMINALS) {
      heard(store, s.serial);
      pair(store, { serial: s.serial, store: s.store, point: s.point, question: s.question, questionText: s.questionText, employee: s.employee, timeZone: TZ, timing: TIMING }, Date.parse("2026-11-23T08:00:00Z"), "demo");
    }
    expect(freshDatabase(store)).toBe(false);
    const loaded = loadHistory({ store, timeZone: TZ, yesterday: YESTERDAY, live: DEMO_TERMINALS, timing: TIMING, now: Date.parse("2026-11-23T08:00:00Z") });
    expect(loaded.terminals.sort()).toEqual(["demo.desk-2", "demo.hall-5", "demo.till-1", "demo.till-4"]);
    const expectedEvents = ALL.reduce((n, t) => n + historyDates(YESTERDAY).reduce((m, d) => m + expectedDay(historyDay(t, d), d, TZ).events, 0), 0);
    expect(loaded.events).toBe(expectedEvents);
    expect(store.db.prepare("SELECT count(*) AS n FROM events WHERE link = ?").get(HISTORY_LINK)).toEqual({ n: expectedEvents });
    rebuildQueued(store, terminalDefaults(config));

    /* Each terminal's stored surveys are the ones its generated day implies. */
    for (const t of ALL) {
      const d = historyDates(YESTERDAY)[10]!;
      const from = Date.parse("2026-11-03T00:00:00+03:00");
      const to = Date.parse("2026-11-04T00:00:00+03:00");
      expect(d).toEqual({ year: 2026, month: 11, day: 3 });
      const want = expectedDay(historyDay(t, d), d, TZ, TIMING.fmMaxMs);
      expect(store.derived.surveys(t.id, from, to).map((s) => [s.openedAt, s.answer]), t.id).toEqual(want.surveys.map((s) => [s.openedAt, s.answer]));
    }

    const report = makeReport(store, config, { from: "2026-10-24", to: "2026-11-21", groupBy: ["employee"] }, Date.parse("2026-11-23T08:00:00Z"));
    for (const s of report.trend.series) {
      const days = s.values.filter((v) => v !== null).length;
      /* The window is 30 days ending at the 21st: the 29 history days have values, the 30th (22nd, the scripted day) is not in it. */
      expect(days, s.index).toBe(29);
    }
    const staffEmployees = report.groups.filter((g) => g.indices.some((f) => f.index === "inkStaff" && f.value !== null)).map((g) => g.key.employee);
    expect(staffEmployees.sort()).toEqual(["elena", "olga", "sergey"]);
    store.close();
  });
});
