/**
 * The dashboard's charts as data (docs/web.md#dashboard): the 30-day trend of each index, the hour × weekday heatmap
 * of each index and of survey counts, and the ranking of terminals and employees with the change from the period
 * before. Pure: the surveys and report groups come in from snapshot.ts; the formulas are gateway/indices', so a
 * heatmap cell is computed as a report row is (../shared/methodology.md, "The formulas").
 */
import { INDEX_FUNCTIONS, INDEX_NAMES, INDEX_OF, type IndexName } from "../../indices/formulas.ts";
import { addCounts, emptyTally, total, type Counts, type Tally } from "../../indices/tally.ts";
import type { QuestionKind } from "../../../protocol/schemas.ts";
import type { GroupJson } from "../../reports/schema.ts";

/** One valid survey as the heatmap needs it: where it falls in the store's week, and how it counts. */
export interface HeatSurvey {
  /** Store-local day `YYYY-MM-DD` (for k on that day) and hour 0-23. */
  day: string;
  hour: number;
  questionKind: QuestionKind;
  answer: "yes" | "no" | "unsure" | "silent";
  /** Opened inside a confirmed force-majeure period. */
  inFm: boolean;
}

/** A cell: the index in percent (null: no survey there) and its sample; for "count", value is the number of surveys. */
export interface HeatCell {
  value: number | null;
  sample: number;
}

/** Rows Monday (0) to Sunday (6), columns hours 0-23. */
export type HeatGrid = HeatCell[][];

export type HeatKind = IndexName | "count";
export const HEAT_KINDS: readonly HeatKind[] = [...INDEX_NAMES, "count"];

/** Monday = 0 … Sunday = 6 of a `YYYY-MM-DD` day, as a Russian calendar starts its week. */
export function weekdayOf(day: string): number {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
}

const ANSWER = { yes: "p", no: "n", unsure: "u", silent: "s" } as const;
const ANSWER_FM = { yes: "pFm", no: "nFm", unsure: "uFm", silent: "sFm" } as const;

function one(s: HeatSurvey): Counts {
  const c: Counts = { p: 0, n: 0, u: 0, s: 0, pFm: 0, nFm: 0, uFm: 0, sFm: 0 };
  c[ANSWER[s.answer]] = 1;
  if (s.inFm) c[ANSWER_FM[s.answer]] = 1;
  return c;
}

const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

/** Every kind's 7 × 24 grid; `kOn` gives the silent-survey coefficient of a day, as the reports use it. */
export function heatmap(surveys: readonly HeatSurvey[], kOn: (day: string) => number, minSample: number): Record<HeatKind, HeatGrid> {
  const tallies = new Map<string, Tally>();
  const counts: number[][] = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const s of surveys) {
    const w = weekdayOf(s.day);
    counts[w]![s.hour]!++;
    const key = `${INDEX_OF[s.questionKind]}/${w}/${s.hour}`;
    addCounts(tallies.get(key) ?? tallies.set(key, emptyTally()).get(key)!, one(s), kOn(s.day));
  }
  const grid = (kind: HeatKind): HeatGrid =>
    counts.map((row, w) =>
      row.map((n, h) => {
        if (kind === "count") return { value: n, sample: n };
        const t = tallies.get(`${kind}/${w}/${h}`);
        if (!t || total(t) === 0) return { value: null, sample: 0 };
        const f = INDEX_FUNCTIONS[kind](t, minSample);
        return { value: pct(f.value), sample: f.sample };
      }),
    );
  return Object.fromEntries(HEAT_KINDS.map((k) => [k, grid(k)])) as Record<HeatKind, HeatGrid>;
}

/** True when a grid has nothing to draw. */
export function emptyGrid(g: HeatGrid, kind: HeatKind): boolean {
  return g.every((row) => row.every((c) => (kind === "count" ? c.sample === 0 : c.value === null)));
}

export interface TrendFigures {
  /** The days on the axis, oldest first, the last being today. */
  days: string[];
  /** Per index, its value in percent on each day (null: no data that day). */
  series: Record<IndexName, (number | null)[]>;
  surveys: number[];
}

/** The trend from a report grouped by day over `days`. */
export function trend(days: readonly string[], groups: readonly GroupJson[]): TrendFigures {
  const byDay = new Map(groups.map((g) => [g.key.day ?? "", g]));
  const series = Object.fromEntries(INDEX_NAMES.map((i) => [i, days.map((d) => byDay.get(d)?.indices.find((f) => f.index === i)?.value ?? null)])) as Record<IndexName, (number | null)[]>;
  return { days: [...days], series, surveys: days.map((d) => byDay.get(d)?.representativeness.surveys ?? 0) };
}

export function emptyTrend(t: TrendFigures): boolean {
  return INDEX_NAMES.every((i) => t.series[i].every((v) => v === null));
}

export interface RankRow {
  /** The terminal id or the employee's name. */
  subject: string;
  index: IndexName;
  value: number;
  sample: number;
  small: boolean;
  /** The value in the period before (null: no data then) and the change in percentage points. */
  previous: number | null;
  change: number | null;
}

/** Better first: ИНК counts unhappy customers (lower is better), ИЭЛ happy minus unhappy (higher is better). */
const HIGHER_IS_BETTER: Record<IndexName, boolean> = { inkStaff: false, inkOffice: false, iel: true };

/**
 * Ranks the subjects of a report grouped by `dim` (terminal or employee) over the current period against the same
 * report over the period before it: one row per subject and index with data now, best first within each index.
 * Groups of no employee (key "") are left out of the employees' ranking.
 */
export function ranking(dim: "terminal" | "employee", current: readonly GroupJson[], previous: readonly GroupJson[]): RankRow[] {
  const before = new Map(previous.map((g) => [g.key[dim] ?? "", g]));
  const rows: RankRow[] = [];
  for (const g of current) {
    const subject = g.key[dim] ?? "";
    if (subject === "") continue;
    for (const f of g.indices) {
      if (f.value === null) continue;
      const prev = before.get(subject)?.indices.find((x) => x.index === f.index)?.value ?? null;
      rows.push({ subject, index: f.index, value: f.value, sample: f.sample, small: f.small, previous: prev, change: prev === null ? null : Math.round((f.value - prev) * 10) / 10 });
    }
  }
  const order = INDEX_NAMES as readonly IndexName[];
  return rows.sort((a, b) => order.indexOf(a.index) - order.indexOf(b.index) || (HIGHER_IS_BETTER[a.index] ? b.value - a.value : a.value - b.value) || a.subject.localeCompare(b.subject));
}

/** Whether a change is for the better, given the index's direction (null: no change to judge). */
export function better(index: IndexName, change: number | null): boolean | null {
  if (change === null || change === 0) return null;
  return HIGHER_IS_BETTER[index] ? change > 0 : change < 0;
}
