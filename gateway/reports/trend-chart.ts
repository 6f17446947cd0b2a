/**
 * What each trend chart of the HTML report shows, as data: the axis labels, every mark with its legend name, the
 * tooltip lines, already in Russian (gateway/format/ru.ts). Pure; the page only hands it to Chart.js, so the wording
 * is tested here rather than in the browser.
 */
import { count, day, decimal, NOUNS, percent } from "../format/ru.ts";
import type { Report } from "./schema.ts";

/** At most this many day labels on the axis; counted back from the last day, which is always labelled. */
export const MAX_DAY_LABELS = 8;

/** The legend names of the marks: one per mark drawn (the band's lower edge is part of the band, not a mark). */
export const MARK = {
  value: (title: string) => `${title}, %`,
  band: "95 % доверительный интервал",
  small: (minSample: number) => `малая выборка (меньше ${count(minSample, NOUNS.survey)})`,
} as const;

export interface TrendChart {
  index: string;
  title: string;
  /** False when no day of the window has a value: the page says «нет данных» instead of an empty chart. */
  hasData: boolean;
  /** One per day, «20.11». */
  days: string[];
  /** The axis label of each day: every `step`-th counting back from the last day, else "". */
  ticks: string[];
  values: (number | null)[];
  low: (number | null)[];
  high: (number | null)[];
  /** The value of a day whose sample is under the minimum (drawn hollow), else null. */
  small: (number | null)[];
  /** Legend names: the value line, the band, and the hollow marks when there are any. */
  legend: { value: string; band: string; small: string | null };
  /** The tooltip of each day: «20.11.2026: 23,6 %, 95 %: 16,0…33,3, 12 опросов». */
  tooltips: string[];
}

/** Every `step`-th label counting back from the last, so the last day is always on the axis. */
export function dayTicks(labels: string[], max = MAX_DAY_LABELS): string[] {
  const step = Math.max(1, Math.ceil(labels.length / max));
  return labels.map((l, i) => ((labels.length - 1 - i) % step === 0 ? l : ""));
}

export function trendCharts(report: Report): TrendChart[] {
  const { days } = report.trend;
  const minSample = report.settings.minSample;
  return report.trend.series.map((s) => {
    const small = s.values.map((v, i) => (v !== null && (s.samples[i] ?? 0) < minSample ? v : null));
    const shortDays = days.map((d) => day(d, true));
    return {
      index: s.index,
      title: s.title,
      hasData: s.values.some((v) => v !== null),
      days: shortDays,
      ticks: dayTicks(shortDays),
      values: s.values,
      low: s.low,
      high: s.high,
      small,
      legend: { value: MARK.value(s.title), band: MARK.band, small: small.some((v) => v !== null) ? MARK.small(minSample) : null },
      tooltips: days.map((d, i) => {
        const v = s.values[i] ?? null;
        if (v === null) return `${day(d)}: нет данных`;
        const lo = s.low[i] ?? null;
        const hi = s.high[i] ?? null;
        const ci = lo === null || hi === null ? "" : `, 95 %: ${decimal(lo)}…${decimal(hi)}`;
        return `${day(d)}: ${percent(v)}${ci}, ${count(s.samples[i] ?? 0, NOUNS.survey)}`;
      }),
    };
  });
}
