/**
 * When a synced time is "ahead" (gateway/time/event-time.ts): later than its arrival by more than the clock tolerance
 * plus AHEAD_MARGIN_MS, whatever the tolerance is configured to; and docs/reports.md states that rule with the same
 * margin, not "more than a minute ahead".
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EPOCH_MIN } from "../../protocol/schemas.ts";
import { AHEAD_MARGIN_MS, syncedTimeFault } from "../../gateway/time/event-time.ts";

const ARRIVED = Date.UTC(2026, 10, 20, 10, 0, 0);

describe("a synced time the gateway cannot believe", () => {
  it.each([2000, 30_000, 600_000])("with clock.toleranceMs %i: ahead only past the tolerance plus the margin", (tolerance) => {
    const limit = ARRIVED + tolerance + AHEAD_MARGIN_MS;
    expect(syncedTimeFault(limit, ARRIVED, tolerance)).toBeUndefined();
    expect(syncedTimeFault(limit + 1, ARRIVED, tolerance)).toBe("ahead");
    expect(syncedTimeFault(EPOCH_MIN - 1, ARRIVED, tolerance)).toBe("before_2020");
  });

  it("is described in the docs with the code's margin", () => {
    const seconds = `${AHEAD_MARGIN_MS / 1000} s`;
    const flat = (file: string) => readFileSync(new URL(`../../docs/${file}`, import.meta.url), "utf8").replace(/\s+/g, " ");
    expect(flat("reports.md")).toContain(`later than their arrival by more than \`clock.toleranceMs\` plus ${seconds}`);
    expect(flat("reports.md")).not.toMatch(/more than a minute ahead/);
  });
});
