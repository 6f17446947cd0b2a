/** reports/missed-nights.ts: which nights the nightly job owes a store, from the last one written, capped. */
import { describe, expect, it } from "vitest";
import { nightsDue } from "../../gateway/reports/missed-nights.ts";

describe("nightsDue", () => {
  it.each([
    ["nothing recorded: yesterday only", undefined, "2026-11-23", 31, false, { days: ["2026-11-22"] }],
    ["yesterday written, at start: nothing", "2026-11-22", "2026-11-23", 31, false, { days: [] }],
    ["yesterday written, at the scheduled run: yesterday again", "2026-11-22", "2026-11-23", 31, true, { days: ["2026-11-22"] }],
    ["down three nights: each of them", "2026-11-19", "2026-11-23", 31, false, { days: ["2026-11-20", "2026-11-21", "2026-11-22"] }],
    ["across a month end", "2026-11-29", "2026-12-02", 31, true, { days: ["2026-11-30", "2026-12-01"] }],
    ["more than the cap: the last `cap` nights, the rest named", "2026-11-10", "2026-11-23", 3, false, { days: ["2026-11-20", "2026-11-21", "2026-11-22"], skipped: { from: "2026-11-11", to: "2026-11-19" } }],
    ["exactly the cap: nothing skipped", "2026-11-19", "2026-11-23", 3, false, { days: ["2026-11-20", "2026-11-21", "2026-11-22"] }],
    ["a record ahead of today (a clock set back): nothing at start", "2026-11-25", "2026-11-23", 31, false, { days: [] }],
  ] as const)("%s", (_what, last, today, cap, always, expected) => {
    expect(nightsDue(last, today, cap, always)).toEqual(expected);
  });
});
