/** The demo's scripted day as data: reading it, and what the methodology derives from it. */
import { describe, expect, it } from "vitest";
import { expectedDay, localDateBefore, parseDay, pressesOf, visitTime } from "../../gateway/demo/day.ts";

const DATE = { year: 2026, month: 3, day: 29 };

describe("the demo's scripted day", () => {
  it.each([
    ["9:00 yes", "cannot read '9:00 yes'"],
    ["09:00 maybe", "cannot read"],
    ["24:00 yes", "not a time of day"],
    ["09:00 yes, 09:00:30 no", "less than 60 s after"],
  ])("refuses %s", (text, message) => {
    expect(() => parseDay(text)).toThrow(message);
  });

  it("derives surveys, silent customers, unsolicited presses and force-majeure ended by hand or by Fmax", () => {
    const day = parseDay("09:00 yes, 09:05 fm-start, 09:06 silent, 09:10 fm-end, 09:20 no, 09:30 stray-no, 10:00 fm-start, 10:29 unsure, 10:31 yes");
    /* CEST (UTC+2) from 02:00 that day. */
    const t = (hm: string) => Date.UTC(2026, 2, 29, Number(hm.slice(0, 2)) - 2, Number(hm.slice(3)));
    expect(expectedDay(day, DATE, "Europe/Berlin")).toEqual({
      surveys: [
        { openedAt: t("09:00"), answer: "yes", inForceMajeure: false },
        { openedAt: t("09:06"), answer: "silent", inForceMajeure: true },
        { openedAt: t("09:20"), answer: "no", inForceMajeure: false },
        { openedAt: t("10:29"), answer: "unsure", inForceMajeure: true },
        { openedAt: t("10:31"), answer: "yes", inForceMajeure: false },
      ],
      periods: [
        { start: t("09:05"), end: t("09:10"), endReason: "long" },
        { start: t("10:00"), end: t("10:30"), endReason: "max" },
      ],
      unsolicited: 1,
      events: 13,
    });
  });

  it("plays local times in the store's zone, across a clock change (Berlin, 29 March 2026: CET to CEST at 02:00)", () => {
    const [early, late] = parseDay("01:30 yes, 03:30 yes");
    expect(visitTime(early!, DATE, "Europe/Berlin")).toBe(Date.UTC(2026, 2, 29, 0, 30));
    expect(visitTime(late!, DATE, "Europe/Berlin")).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(localDateBefore(Date.UTC(2026, 2, 1, 22, 30), "Europe/Moscow", 1)).toEqual({ year: 2026, month: 3, day: 1 });
  });

  it("presses: a click to open, the answer THINK_S later, a long hold past L for force-majeure", () => {
    const [v, fm] = parseDay("12:00 unsure, 12:10 fm-start");
    expect(pressesOf(v!, 1000, 6000)).toEqual([
      { at: 1000, button: "seller", holdMs: 150, kind: "short" },
      { at: 7000, button: "unsure", holdMs: 150, kind: "unsure" },
    ]);
    expect(pressesOf(fm!, 0)).toEqual([{ at: 0, button: "seller", holdMs: 3400, kind: "long" }]);
  });
});
