/**
 * Reports from event logs with known answers, through the real store: every figure, force-majeure per index,
 * validity, time zones, mid-day question and employee changes, reviews applied and undone.
 */
import { afterEach, describe, expect, it } from "vitest";
import { reviewPeriod, reviewSurvey, undoReview } from "../../gateway/review/actions.ts";
import { makeReport } from "../../gateway/reports/report.ts";
import type { GroupJson, Report } from "../../gateway/reports/schema.ts";
import { chain, type Chain } from "../support/presses.ts";

let c: Chain | undefined;
afterEach(() => c?.store.close());

const DAY = "2026-11-20";
const report = (ch: Chain, groupBy: Report["groupBy"], from = DAY, to = from, extra: object = {}) =>
  makeReport(ch.store, ch.config, { from, to, groupBy, ...extra }, Date.parse("2026-11-22T00:00:00Z"));
const figure = (g: GroupJson | undefined, index: string) => g?.indices.find((f) => f.index === index);
const expert = { by: "olga", now: Date.parse("2026-11-21T09:00:00Z") };

describe("report figures", () => {
  it("counts one day's answers and computes all three indices", () => {
    c = chain();
    const staff = c.terminal("s1.till", "s1", "Europe/Moscow", "staff", "elena");
    const rec = c.terminal("s1.exit", "s1", "Europe/Moscow", "recommend");
    const answers = ["yes", "yes", "yes", "no", "unsure", "silent", "silent", "no", "yes", "silent"] as const;
    answers.forEach((a, i) => staff.survey(`${DAY} 10:${String(i).padStart(2, "0")}:00`, a));
    answers.forEach((a, i) => rec.survey(`${DAY} 11:${String(i).padStart(2, "0")}:00`, a));
    const r = report(c, ["terminal"]);
    const till = r.groups.find((g) => g.key.terminal === "s1.till");
    const exit = r.groups.find((g) => g.key.terminal === "s1.exit");
    /* P 4, N 2, U 1, S 3, V 10: ИНК = (2 + 2.4) / 10 = 44 %, ИЭЛ = (4 − 2 − 2.4) / 10 = −4 %. */
    expect(figure(till, "inkStaff")).toMatchObject({ value: 44, sample: 10, small: true, counts: { P: 4, N: 2, U: 1, S: 3, V: 10 } });
    expect(figure(exit, "iel")).toMatchObject({ value: -4, sample: 10 });
    expect(till?.indices.map((f) => f.index)).toEqual(["inkStaff"]);
    expect(r.total.representativeness.surveys).toBe(20);
    expect(r.provisional).toBe(false);
  });

  it("applies confirmed force-majeure to ИНК@Персонал only, and only once reviewed", () => {
    c = chain();
    const staff = c.terminal("s1.till", "s1", "UTC", "staff", "elena");
    const office = c.terminal("s1.hall", "s1", "UTC", "office");
    const periodIds: number[] = [];
    for (const t of [staff, office]) {
      t.survey(`${DAY} 09:00:00`, "yes");
      t.survey(`${DAY} 09:10:00`, "no");
      periodIds.push(t.press(`${DAY} 10:00:00`, "long"));
      t.survey(`${DAY} 10:05:00`, "no");
      t.survey(`${DAY} 10:06:00`, "silent");
      t.survey(`${DAY} 10:07:00`, "yes");
      t.survey(`${DAY} 10:45:00`, "no"); /* after Fmax (30 min): not in the period */
    }
    let r = report(c, ["terminal"]);
    /* Unreviewed: no effect. Staff: P 2, N 3, S 1 → (3 + 0.8) / 6. */
    expect(figure(r.groups[1], "inkStaff")?.value).toBe(63.3);
    expect(r.provisional).toBe(true);
    expect(r.total.fm).toEqual({ confirmed: 0, unreviewed: 2, rejected: 0 });

    reviewPeriod(c.store, periodIds[0]!, "confirmed", null, null, expert);
    reviewPeriod(c.store, periodIds[1]!, "confirmed", null, null, expert);
    r = report(c, ["terminal"]);
    /* The no at 10:05 and the silent at 10:06 leave ИНК@Персонал: N' 2, S' 0, V' 4 → 50 %. ИНК@Офис unchanged. */
    expect(figure(r.groups[1], "inkStaff")).toMatchObject({ value: 50, sample: 4, counts: { Nfm: 1, Sfm: 1 } });
    expect(figure(r.groups[0], "inkOffice")).toMatchObject({ value: 63.3, sample: 6 });
    expect(r.provisional).toBe(false);
    /* Periods reported / surveys: 2 / 12. */
    expect(r.total.representativeness.fmLevel).toBe(16.7);
    expect(r.total.representativeness.fmWarning).toBe(true);

    /* The expert shortens the staff period to end before 10:06: only the no at 10:05 stays out. */
    reviewPeriod(c.store, periodIds[0]!, "confirmed", staff.at(`${DAY} 10:05:30`), null, expert);
    r = report(c, ["terminal"]);
    expect(figure(r.groups[1], "inkStaff")).toMatchObject({ value: 56, sample: 5 });
    /* Rejected: no longer force-majeure, nor counted as reported. */
    reviewPeriod(c.store, periodIds[0]!, "rejected", null, "seller's own fault", expert);
    r = report(c, ["terminal"]);
    expect(figure(r.groups[1], "inkStaff")?.value).toBe(63.3);
    expect(r.groups[1]?.fm).toEqual({ confirmed: 0, unreviewed: 0, rejected: 1 });
  });

  it("drops invalid surveys everywhere and brings them back on undo, with an audit trail", () => {
    c = chain();
    const t = c.terminal("s1.till", "s1", "UTC", "staff", "elena");
    t.survey(`${DAY} 09:00:00`, "yes");
    /* Answered within 1 s (flagged "quick"), then one more key in its window (an extra press). */
    const doubtful = t.survey(`${DAY} 09:10:00`, "no", 500);
    t.press(t.at(`${DAY} 09:10:02`), "yes");
    t.survey(`${DAY} 09:20:00`, "silent");
    expect(figure(report(c, []).total, "inkStaff")).toMatchObject({ value: 60, sample: 3 });
    expect(report(c, []).total).toMatchObject({ extra: 1, flagged: 1, invalid: 0 });
    report(c, []);
    expect(() => reviewSurvey(c!.store, doubtful, false, null, expert)).toThrow(/reason/);
    const invalid = reviewSurvey(c.store, doubtful, false, "seller pressed the key", expert)!;
    let r = report(c, []);
    expect(figure(r.total, "inkStaff")).toMatchObject({ value: 40, sample: 2 });
    /* Invalid counts nowhere else: neither its extra press nor its flag. */
    expect(r.total).toMatchObject({ extra: 0, flagged: 0, invalid: 1 });
    const undo = undoReview(c.store, invalid, { ...expert, by: "boss" });
    r = report(c, []);
    expect(figure(r.total, "inkStaff")).toMatchObject({ value: 60, sample: 3 });
    expect(r.total).toMatchObject({ extra: 1, flagged: 1, invalid: 0 });
    expect(c.store.reviews.history("survey", doubtful).map((e) => [e.id, e.by, e.action, e.before, e.after, e.undoes, e.undoneBy])).toEqual([
      [invalid, "olga", "invalid", { valid: true, reason: null }, { valid: false, reason: "seller pressed the key" }, null, undo],
      [undo, "boss", "undo", { valid: false, reason: "seller pressed the key" }, { valid: true, reason: null }, invalid, null],
    ]);
    expect(() => undoReview(c!.store, invalid, expert)).toThrow(/undone already/);
    expect(() => reviewSurvey(c!.store, 999_999, false, "x", expert)).toThrow(/no survey 999999/);
  });

  it("splits days in each store's own time zone on the same UTC night", () => {
    c = chain();
    const vl = c.terminal("vl.till", "vl", "Asia/Vladivostok", "staff", "anna");
    const kg = c.terminal("kg.till", "kg", "Europe/Kaliningrad", "staff", "boris");
    /* 2026-11-20 13:30Z is 23:30 in Vladivostok (UTC+10); 14:30Z is 00:30 on the 21st there. */
    vl.survey("2026-11-20T13:30:00Z", "no");
    vl.survey("2026-11-20T14:30:00Z", "yes");
    /* 21:30Z is 23:30 in Kaliningrad (UTC+2); 22:30Z is 00:30 on the 21st there. */
    kg.survey("2026-11-20T21:30:00Z", "yes");
    kg.survey("2026-11-20T22:30:00Z", "no");
    const r = report(c, ["store", "day"], "2026-11-20", "2026-11-21");
    const at = (store: string, day: string) => figure(r.groups.find((g) => g.key.store === store && g.key.day === day), "inkStaff")?.counts;
    expect(at("vl", "2026-11-20")).toMatchObject({ P: 0, N: 1 });
    expect(at("vl", "2026-11-21")).toMatchObject({ P: 1, N: 0 });
    expect(at("kg", "2026-11-20")).toMatchObject({ P: 1, N: 0 });
    expect(at("kg", "2026-11-21")).toMatchObject({ P: 0, N: 1 });
  });

  it("follows question and employee changes in the middle of a day", () => {
    c = chain();
    const t = c.terminal("s1.till", "s1", "Europe/Moscow", "staff", "elena");
    t.question(`${DAY} 12:00:00`, "recommend", "Порекомендуете нас?");
    t.employee(`${DAY} 11:00:00`, "ivan");
    t.survey(`${DAY} 10:00:00`, "no"); /* staff, elena */
    t.survey(`${DAY} 11:30:00`, "yes"); /* staff, ivan */
    t.survey(`${DAY} 11:40:00`, "silent"); /* staff, ivan */
    t.survey(`${DAY} 12:30:00`, "yes"); /* recommend, ivan */
    const r = report(c, ["employee", "question"]);
    const g = (employee: string, q: string) => r.groups.find((x) => x.key.employee === employee && x.key.question?.startsWith(q));
    expect(figure(g("elena", "staff"), "inkStaff")).toMatchObject({ value: 100, sample: 1 });
    expect(figure(g("ivan", "staff"), "inkStaff")).toMatchObject({ value: 40, sample: 2 });
    expect(figure(g("ivan", "recommend: Порекомендуете нас?"), "iel")).toMatchObject({ value: 100, sample: 1 });
    expect(r.groups).toHaveLength(3);
    /* Per-employee rows carry no terminal figures; the total does. */
    expect(g("ivan", "staff")?.unsolicited).toBeNull();
    expect(r.total.unsolicited).toBe(0);
  });

  it("counts unsolicited and extra presses, and flags quick and multi-key answers", () => {
    c = chain();
    const t = c.terminal("s1.till", "s1", "UTC", "office");
    t.press(`${DAY} 08:00:00`, "yes"); /* unsolicited */
    t.survey(`${DAY} 09:00:00`, "yes", 400); /* quick */
    t.press(`${DAY} 09:00:02`, "no"); /* extra */
    const r = report(c, ["terminal"]);
    expect(r.groups[0]).toMatchObject({ unsolicited: 1, extra: 1, flagged: 1 });
    expect(figure(r.groups[0], "inkOffice")).toMatchObject({ value: 0, sample: 1 });
  });

  it("draws each trend day as that day's own report, under the same filter", () => {
    const ch = (c = chain());
    ch.config.reports.trendDays = 3;
    const a = ch.terminal("s1.till", "s1", "UTC", "staff", "elena");
    const b = ch.terminal("s2.till", "s2", "UTC", "staff", "ivan");
    const answers = ["yes", "no", "silent", "unsure", "yes"] as const;
    for (const [d, day] of ["2026-11-18", "2026-11-19", "2026-11-20"].entries()) {
      answers.slice(0, d + 2).forEach((x, i) => a.survey(`${day} 10:0${i}:00`, x));
      answers.slice(d).forEach((x, i) => b.survey(`${day} 11:0${i}:00`, x));
    }
    for (const filter of [{}, { stores: ["s1"] }, { terminals: ["s2.till"] }, { employees: ["elena"] }]) {
      const r = report(ch, ["store"], DAY, DAY, filter);
      const series = r.trend.series.find((x) => x.index === "inkStaff")!;
      expect(r.trend.days).toEqual(["2026-11-18", "2026-11-19", "2026-11-20"]);
      r.trend.days.forEach((day, i) => {
        const own = figure(report(ch, ["store"], day, day, filter).total, "inkStaff");
        expect([series.values[i], series.samples[i]], `${JSON.stringify(filter)} ${day}`).toEqual([own?.value, own?.sample]);
      });
    }
    expect(report(ch, ["store"], DAY, DAY, { stores: ["s1"] }).trend.series.find((x) => x.index === "inkStaff")!.samples).toEqual([2, 3, 4]);
  });
});
