/** The alert engine's pure core: judging a figure against a rule, the lifecycle decisions, the texts, the report periods. */
import { describe, expect, it } from "vitest";
import { decide, judge, type Judged, type Reading } from "../../gateway/alerts/decide.ts";
import { parseRule, type Rule } from "../../gateway/alerts/rules.ts";
import { cronOf, periodBefore } from "../../gateway/alerts/scheduled-reports.ts";
import { alertMessage, mailSubject, plural } from "../../gateway/alerts/text.ts";
import { GatewayError } from "../../gateway/errors.ts";
import { tallyOf } from "../../gateway/indices/tally.ts";
import type { AlertRow } from "../../gateway/store/alerts.ts";

const counts = (p: number, n: number, u: number, s: number, nFm = 0, sFm = 0) => tallyOf({ p, n, u, s, pFm: 0, nFm, uFm: 0, sFm }, 0.8);
const rule = (r: Record<string, unknown>): Rule => parseRule(r, "rule");
const staffAbove30 = rule({ kind: "index", index: "inkStaff", op: "above", threshold: 30, minSample: 10 });

describe("judge", () => {
  it.each<[string, Rule, Reading["figure"], Partial<Judged>]>([
    /* ИНК@Персонал = (N' + k·S') / V' (docs/indices.md): (6 + 0.8·19) / 90 = 23.6 % */
    ["the methodology's example is under 30 %", staffAbove30, { kind: "index", tally: counts(50, 10, 15, 25, 4, 6) }, { value: 23.6, sample: 90, holds: false }],
    ["4 no of 10 is over 30 %", staffAbove30, { kind: "index", tally: counts(6, 4, 0, 0) }, { value: 40, sample: 10, holds: true }],
    ["9 surveys are too few to say", staffAbove30, { kind: "index", tally: counts(0, 9, 0, 0) }, { value: 100, sample: 9, holds: null }],
    ["no surveys: no data", staffAbove30, { kind: "index", tally: counts(0, 0, 0, 0) }, { value: null, sample: 0, holds: null }],
    ["ИЭЛ below 0", rule({ kind: "index", index: "iel", op: "below", threshold: 0, minSample: 1 }), { kind: "index", tally: counts(1, 2, 0, 0) }, { value: -33.3, holds: true }],
    ["force-majeure level 3 periods of 20 surveys = 15 % > 10 %", rule({ kind: "fm-level", threshold: 10 }), { kind: "fm-level", surveys: 20, periods: 3 }, { value: 15, sample: 20, holds: true }],
    ["force-majeure level on 5 surveys says nothing", rule({ kind: "fm-level", threshold: 10 }), { kind: "fm-level", surveys: 5, periods: 3 }, { holds: null }],
    ["silent 15 min of 15", rule({ kind: "offline", minutes: 15 }), { kind: "offline", silentMs: 15 * 60_000, devices: ["A"] }, { value: 15, holds: true }],
    ["silent 14:59 of 15", rule({ kind: "offline", minutes: 15 }), { kind: "offline", silentMs: 15 * 60_000 - 1000, devices: [] }, { value: 14, holds: false }],
    ["outbox 50 of 50", rule({ kind: "outbox", depth: 50 }), { kind: "outbox", depth: 50, device: "A" }, { value: 50, holds: true }],
    ["3 quick answers of 5", rule({ kind: "flags", flag: "quick", count: 5 }), { kind: "flags", count: 3 }, { value: 3, holds: false }],
  ])("%s", (_name, r, figure, want) => {
    expect(judge(r, { subject: "terminal:s1.t1", figure })).toMatchObject(want);
  });
});

const alert = (subject: string, state: AlertRow["state"], o: Partial<AlertRow> = {}): AlertRow => ({
  id: 7, ruleId: 1, subject, state, openedMs: 0, value: null, message: "", ackedMs: null, ackedBy: null, closedMs: null, closedBy: null, rearmed: true, ...o,
});
const j = (subject: string, holds: boolean | null): Judged => ({ subject, value: 1, sample: 1, holds });

describe("decide", () => {
  it.each<[string, Judged[], AlertRow[], { open: string[]; close: string[]; rearm: string[] }]>([
    ["a breach with no alert opens one", [j("a", true)], [], { open: ["a"], close: [], rearm: [] }],
    ["a breach with one open opens nothing (no storm)", [j("a", true)], [alert("a", "open")], { open: [], close: [], rearm: [] }],
    ["acknowledged is still open", [j("a", true)], [alert("a", "acknowledged")], { open: [], close: [], rearm: [] }],
    ["recovery closes open and acknowledged", [j("a", false), j("b", false)], [alert("a", "open"), alert("b", "acknowledged")], { open: [], close: ["a", "b"], rearm: [] }],
    ["after a close on recovery a breach opens again", [j("a", true)], [alert("a", "closed")], { open: ["a"], close: [], rearm: [] }],
    ["a person closed it while it held: no new one", [j("a", true)], [alert("a", "closed", { closedBy: "olga", rearmed: false })], { open: [], close: [], rearm: [] }],
    ["...until it recovers once", [j("a", false)], [alert("a", "closed", { closedBy: "olga", rearmed: false })], { open: [], close: [], rearm: ["a"] }],
    ["too few surveys change nothing", [j("a", null), j("b", null)], [alert("a", "open")], { open: [], close: [], rearm: [] }],
  ])("%s", (_name, judged, latest, want) => {
    const d = decide(judged, latest);
    expect({ open: d.open.map((x) => x.subject), close: d.close.map((x) => x.subject), rearm: d.rearm.map((x) => x.subject) }).toEqual(want);
  });
});

describe("rules", () => {
  it("fills defaults and refuses bad rules in words", () => {
    expect(rule({ kind: "offline", minutes: 15 })).toEqual({ kind: "offline", minutes: 15, scope: { stores: [], terminals: [], employees: [] }, email: [] });
    const bad = (v: unknown) => {
      try {
        parseRule(v, "rule");
      } catch (e) {
        expect(e).toBeInstanceOf(GatewayError);
        return (e as Error).message;
      }
      throw new Error("accepted");
    };
    expect(bad({ kind: "weather" })).toBe("rule: kind: expected one of index, fm-level, offline, outbox, flags");
    expect(bad({ kind: "offline", minutes: 15, email: ["nobody"], colour: "red" })).toBe("rule: email.0: an e-mail address, e.g. manager@example.com; (rule): unknown field(s) colour");
    expect(bad({ kind: "offline", minutes: 15, webhook: "ftp://x" })).toMatch(/^rule: webhook: an http:\/\/ or https:\/\/ URL/);
  });
});

describe("texts", () => {
  it("are Russian with plural forms and decimal commas", () => {
    expect([1, 2, 5, 11, 21, 22, 112].map((n) => `${n} ${plural(n, "опрос", "опроса", "опросов")}`)).toEqual(["1 опрос", "2 опроса", "5 опросов", "11 опросов", "21 опрос", "22 опроса", "112 опросов"]);
    expect(alertMessage(staffAbove30, { subject: "terminal:s1.t1", value: 45.5, sample: 22, holds: true })).toBe(
      "терминал s1.t1: ИНК@Персонал выше 30 % за день (не менее 10 опросов); сейчас 45,5 % (22 опроса)",
    );
    expect(mailSubject("closed", "Касса 1", "store:s1")).toBe("Снята тревога: Касса 1 — магазин s1");
  });
});

describe("scheduled report periods", () => {
  it.each<[string, string, { from: string; to: string }]>([
    ["daily", "2026-03-01", { from: "2026-02-28", to: "2026-02-28" }],
    /* 2026-03-04 is a Wednesday: last week is Monday 23 February to Sunday 1 March. */
    ["weekly", "2026-03-04", { from: "2026-02-23", to: "2026-03-01" }],
    ["weekly", "2026-03-02", { from: "2026-02-23", to: "2026-03-01" }],
    ["monthly", "2026-03-01", { from: "2026-02-01", to: "2026-02-28" }],
    ["monthly", "2026-01-15", { from: "2025-12-01", to: "2025-12-31" }],
  ])("%s on %s", (every, today, want) => {
    expect(periodBefore(every as "daily", today)).toEqual(want);
  });
  it("runs at the local time given", () => {
    expect([cronOf("daily", "07:05"), cronOf("weekly", "08:00"), cronOf("monthly", "06:30")]).toEqual(["5 7 * * *", "0 8 * * 1", "30 6 1 * *"]);
  });
});
