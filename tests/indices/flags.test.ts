/** Review flags: table-driven over plain surveys. */
import { describe, expect, it } from "vitest";
import { flagSurveys, type FlagInput } from "../../gateway/indices/flags.ts";

const s = (id: number, openedAt: number, answer: string, closedAfter = 5000, extraCount = 0): FlagInput => ({ openingEventId: id, openedAt, closedAt: openedAt + closedAfter, answer, extraCount });

describe("flagSurveys", () => {
  it("flags quick answers, several keys, silent runs of five and unsolicited presses after a survey", () => {
    const surveys = [
      s(1, 0, "yes", 999),
      s(2, 60_000, "no", 1000),
      s(3, 120_000, "yes", 3000, 2),
      ...[4, 5, 6, 7, 8].map((id, i) => s(id, 200_000 + i * 60_000, "silent", 30_000)),
      s(9, 600_000, "silent", 30_000),
      s(10, 700_000, "yes"),
      s(11, 800_000, "silent", 30_000),
    ];
    /* One press 20 s after survey 10 closed; one 2 min after survey 11 (too late to flag). */
    const flags = flagSurveys(surveys, [705_000 + 20_000, 830_000 + 120_000]);
    expect(Object.fromEntries([...flags].map(([id, f]) => [id, f]))).toEqual({
      1: ["quick"],
      3: ["multi"],
      4: ["silent-run"],
      5: ["silent-run"],
      6: ["silent-run"],
      7: ["silent-run"],
      8: ["silent-run"],
      9: ["silent-run"],
      10: ["unsolicited"],
    });
  });

  it("does not flag a run of four silent surveys", () => {
    const flags = flagSurveys([1, 2, 3, 4].map((id) => s(id, id * 60_000, "silent", 30_000)), []);
    expect(flags.size).toBe(0);
  });
});
