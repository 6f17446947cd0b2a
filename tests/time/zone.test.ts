import { describe, expect, it } from "vitest";
import { formatLocal, localToEpoch, parseTime, zoneOffset } from "../../gateway/time/zone.ts";

describe("store time zones", () => {
  it.each([
    ["Europe/Moscow", Date.UTC(2026, 10, 23, 12), 3 * 3600_000],
    ["Asia/Vladivostok", Date.UTC(2026, 10, 23, 12), 10 * 3600_000],
    ["Europe/Kaliningrad", Date.UTC(2026, 10, 23, 12), 2 * 3600_000],
    ["Europe/Berlin", Date.UTC(2026, 6, 1, 12), 2 * 3600_000],
    ["Europe/Berlin", Date.UTC(2026, 0, 1, 12), 1 * 3600_000],
    ["UTC", Date.UTC(2026, 0, 1, 12), 0],
  ])("%s at %s is UTC%+d ms", (tz, at, offset) => {
    expect(zoneOffset(at, tz)).toBe(offset);
  });

  it("converts local midnight both ways, across a DST change too", () => {
    expect(localToEpoch("Asia/Vladivostok", 2026, 11, 23)).toBe(Date.UTC(2026, 10, 22, 14));
    expect(localToEpoch("Europe/Berlin", 2026, 3, 29, 12)).toBe(Date.UTC(2026, 2, 29, 10));
    expect(formatLocal(Date.UTC(2026, 10, 22, 14), "Asia/Vladivostok")).toBe("2026-11-23 00:00:00");
  });

  it.each([
    ["now", 42],
    ["2026-11-23T09:00:00Z", Date.UTC(2026, 10, 23, 9)],
    ["2026-11-23T09:00:00+03:00", Date.UTC(2026, 10, 23, 6)],
    ["2026-11-23 09:30", Date.UTC(2026, 10, 23, 6, 30)],
    ["2026-11-23", Date.UTC(2026, 10, 22, 21)],
    ["yesterday", undefined],
    ["2026-13-01", undefined],
  ])("parses %s in Europe/Moscow", (text, want) => {
    expect(parseTime(text, "Europe/Moscow", 42)).toBe(want);
  });
});
