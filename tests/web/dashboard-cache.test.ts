/**
 * The dashboard's cached figures of past days (gateway/web/dashboard/past-figures.ts) against a real SQLite store:
 * a review of a past day, a late survey on a past day and a review by another process (another connection to the
 * same file, as `loyalty review` is) each change the next snapshot's trend and heatmap; the figures always equal the
 * report's for that day. And one render per kind of viewer gives each viewer what rendering for them alone gives.
 */
import { afterEach, describe, expect, it } from "vitest";
import { parseRule } from "../../gateway/alerts/rules.ts";
import { reviewSurvey } from "../../gateway/review/actions.ts";
import { makeReport } from "../../gateway/reports/report.ts";
import { firstChangedDay } from "../../gateway/store/rollups.ts";
import { openStore, type Store } from "../../gateway/store/store.ts";
import { weekdayOf } from "../../gateway/web/dashboard/figures.ts";
import { fragmentsByKind } from "../../gateway/web/dashboard/live.ts";
import { liveFragment } from "../../gateway/web/dashboard/render.ts";
import { takeSnapshot, type Snapshot } from "../../gateway/web/dashboard/snapshot.ts";
import { chain, type Chain } from "../support/presses.ts";

const TZ = "Europe/Moscow";
const PAST = "2026-11-20";
const TODAY = "2026-11-22";
const expert = { by: "olga", now: Date.parse("2026-11-22T09:00:00Z") };

let c: Chain | undefined;
let other: Store | undefined;
afterEach(() => {
  other?.close();
  other = undefined;
  c?.store.close();
});

function setup() {
  c = chain({ timeZone: TZ });
  const till = c.terminal("s1.till", "s1", TZ, "staff", "elena");
  const ids = (["yes", "yes", "no", "unsure", "yes", "no"] as const).map((a, i) => till.survey(`${PAST} 10:${String(i * 5).padStart(2, "0")}:00`, a));
  till.survey(`${TODAY} 11:00:00`, "yes");
  const now = till.at(`${TODAY} 12:00:00`);
  return { ch: c, till, ids, now };
}

/** The trend's ИНК@Персонал and survey count on `day`, and the heatmap's count at `day` 10:00. */
function figures(s: Snapshot, day: string) {
  const i = s.trend.days.indexOf(day);
  return { value: s.trend.series.inkStaff[i], surveys: s.trend.surveys[i], heatCount: s.heat.count[weekdayOf(day)]![10]!.value };
}

/** The same figures from a report of that day alone (the reference, computed without the dashboard's cache). */
function reported(ch: Chain, day: string, now: number) {
  const g = makeReport(ch.store, ch.config, { from: day, to: day, groupBy: ["day"] }, now).groups[0];
  return { value: g?.indices.find((f) => f.index === "inkStaff")?.value ?? null, surveys: g?.representativeness.surveys ?? 0 };
}

describe("dashboard: past days' figures kept between pushes", () => {
  it("a review of a past day changes the trend and the heatmap on the next snapshot", () => {
    const { ch, ids, now } = setup();
    const before = figures(takeSnapshot(ch.store, ch.config, now), PAST);
    expect(before).toMatchObject(reported(ch, PAST, now));
    expect(before.heatCount).toBe(ids.length);
    /* A push with nothing changed gives the same figures (the cached ones). */
    expect(figures(takeSnapshot(ch.store, ch.config, now + 1000), PAST)).toEqual(before);

    reviewSurvey(ch.store, ids[2]!, false, "seller pressed it", expert);
    const after = figures(takeSnapshot(ch.store, ch.config, now + 2000), PAST);
    expect(after).toMatchObject(reported(ch, PAST, now));
    expect(after.value).not.toBe(before.value);
    expect(after.heatCount).toBe(ids.length - 1);
  });

  it("a late survey on a past day is in the next snapshot once rebuilt", () => {
    const { ch, till, ids, now } = setup();
    const before = figures(takeSnapshot(ch.store, ch.config, now), PAST);
    till.survey(`${PAST} 10:50:00`, "no");
    const after = figures(takeSnapshot(ch.store, ch.config, now + 1000), PAST);
    expect(after).toMatchObject(reported(ch, PAST, now));
    expect(after.surveys).toBe(before.surveys! + 1);
    expect(after.heatCount).toBe(ids.length + 1);
  });

  it("a review written by another process (another connection to the file) is seen", () => {
    const { ch, ids, now } = setup();
    const before = figures(takeSnapshot(ch.store, ch.config, now), PAST);
    other = openStore(ch.store.db.name);
    reviewSurvey(other, ids[0]!, false, "test press", expert);
    const after = figures(takeSnapshot(ch.store, ch.config, now + 1000), PAST);
    expect(after).toMatchObject(reported(ch, PAST, now));
    expect(after.heatCount).toBe(before.heatCount! - 1);
  });

  it("today becomes a past day when the day changes", () => {
    const { ch, now } = setup();
    const today = figures(takeSnapshot(ch.store, ch.config, now), TODAY);
    const tomorrow = takeSnapshot(ch.store, ch.config, now + 24 * 3_600_000);
    expect(tomorrow.today).not.toBe(TODAY);
    expect(figures(tomorrow, TODAY)).toEqual({ ...today, heatCount: tomorrow.heat.count[weekdayOf(TODAY)]![10]!.value });
    expect(figures(tomorrow, TODAY)).toMatchObject(reported(ch, TODAY, now));
  });
});

describe("dashboard: one render per kind of viewer", () => {
  it("gives each viewer the fragment rendered for them alone, with their own CSRF token", () => {
    const { ch, now } = setup();
    /* An open alert, so the acknowledge form (with the token) is in the page. */
    const rule = ch.store.alerts.addRule(parseRule({ kind: "offline", minutes: 10 }, "silent terminal"), "olga", now);
    ch.store.alerts.open(rule, "s1.till", null, "s1.till silent", now);
    const snap = takeSnapshot(ch.store, ch.config, now);
    const viewers = [
      { csrf: "tokenA-_1", mayAck: true },
      { csrf: "tokenB-_2", mayAck: true },
      { csrf: "tokenC-_3", mayAck: false },
    ];
    const byKind = fragmentsByKind(snap);
    for (const v of viewers) expect(byKind(v)).toBe(liveFragment(snap, v).text);
    expect(byKind(viewers[0]!)).toContain('value="tokenA-_1"');
  });
});

describe("rollups: the first day a recount changed", () => {
  const row = (day: string, p: number, employee: string | null = null) => ({ day, questionKind: "staff", questionText: "q", employee, p, n: 1, u: 0, s: 0, pFm: 0, nFm: 0, uFm: 0, sFm: 0, invalid: 0, extra: 0, flagged: 0 });
  it("is none when the rows are the same in another order, else the earliest day that differs", () => {
    const before = [row("2026-11-20", 3), row("2026-11-20", 1, "elena"), row("2026-11-22", 2)];
    expect(firstChangedDay(before, [...before].reverse())).toBeUndefined();
    expect(firstChangedDay(before, [row("2026-11-20", 3), row("2026-11-20", 1, "elena"), row("2026-11-22", 5)])).toBe("2026-11-22");
    expect(firstChangedDay(before, [row("2026-11-20", 3), row("2026-11-22", 2)])).toBe("2026-11-20");
    expect(firstChangedDay(before, [...before, row("2026-11-19", 1)])).toBe("2026-11-19");
  });
});
