/** What the HTML report's trend charts show, as data: axis labels, marks with legend names, tooltips. */
import { describe, expect, it } from "vitest";
import { buildReport } from "../../gateway/reports/build.ts";
import { noSources } from "../../gateway/reports/sources.ts";
import { indexSettings } from "../../gateway/reports/settings.ts";
import { dayTicks, MARK, MAX_DAY_LABELS, trendCharts } from "../../gateway/reports/trend-chart.ts";
import { configSchema } from "../../gateway/config/schema.ts";
import type { Report } from "../../gateway/reports/schema.ts";

describe("day labels on the axis", () => {
  it("always label the last day, at most MAX_DAY_LABELS, evenly spaced back from it", () => {
    for (let n = 1; n <= 90; n++) {
      const labels = Array.from({ length: n }, (_, i) => `d${i}`);
      const ticks = dayTicks(labels);
      expect(ticks.at(-1), `n=${n}`).toBe(`d${n - 1}`);
      const shown = ticks.map((t, i) => (t ? i : -1)).filter((i) => i >= 0);
      expect(shown.length, `n=${n}`).toBeLessThanOrEqual(MAX_DAY_LABELS);
      const gaps = new Set(shown.slice(1).map((i, k) => i - shown[k]!));
      expect(gaps.size, `n=${n}`).toBeLessThanOrEqual(1);
      for (const i of shown) expect(ticks[i]).toBe(labels[i]);
    }
  });
});

function report(over: Partial<Report["trend"]["series"][number]>[]): Report {
  const s = indexSettings(configSchema.parse({}));
  const empty = buildReport(noSources(), { from: "2026-11-20", to: "2026-11-22", groupBy: [] }, { ...s, trendDays: 3 }, Date.parse("2026-11-23T00:05:00Z"));
  return { ...empty, trend: { ...empty.trend, series: empty.trend.series.map((x, i) => ({ ...x, ...over[i] })) } };
}

describe("trend charts", () => {
  it("say there is nothing to draw when no day has a value", () => {
    const charts = trendCharts(report([]));
    expect(charts.map((c) => [c.index, c.hasData])).toEqual([["inkStaff", false], ["inkOffice", false], ["iel", false]]);
    expect(charts[0]!.tooltips).toEqual(["20.11.2026: нет данных", "21.11.2026: нет данных", "22.11.2026: нет данных"]);
    expect(charts[0]!.legend.small).toBeNull();
  });

  it("mark the days under the minimum sample, name every mark, and word the tooltips in Russian", () => {
    const r = report([{ values: [40, null, 62.5], low: [30.1, null, 55], high: [50.2, null, 69.5], samples: [80, 0, 12] }]);
    const [staff, office] = trendCharts(r);
    expect(staff!.hasData).toBe(true);
    expect(office!.hasData).toBe(false);
    expect(staff!.days).toEqual(["20.11", "21.11", "22.11"]);
    expect(staff!.ticks.at(-1)).toBe("22.11");
    /* Only the last day (12 surveys) is under the default minimum of 30. */
    expect(staff!.small).toEqual([null, null, 62.5]);
    expect(staff!.legend).toEqual({ value: "ИНК@Персонал, %", band: MARK.band, small: "малая выборка (меньше 30 опросов)" });
    expect(staff!.tooltips).toEqual([
      "20.11.2026: 40,0\u00a0%, 95 %: 30,1…50,2, 80 опросов",
      "21.11.2026: нет данных",
      "22.11.2026: 62,5\u00a0%, 95 %: 55,0…69,5, 12 опросов",
    ]);
  });
});
