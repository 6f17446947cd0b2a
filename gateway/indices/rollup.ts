/**
 * Daily rollups (docs/indices.md, "Rollups"): one terminal's surveys, periods and unsolicited presses, with the
 * expert's reviews applied, summed per store-local day, question and employee. Reports read only these rows, so
 * a nightly report costs the same whatever the history. Pure: the caller passes the local-day function.
 */
import type { Counts } from "./tally.ts";
import { flagSurveys } from "./flags.ts";

export interface RollupSurvey {
  openingEventId: number;
  openedAt: number;
  closedAt: number;
  answer: "yes" | "no" | "unsure" | "silent";
  questionKind: string;
  questionText: string;
  employee: string | null;
  extraCount: number;
  valid: boolean;
}

export type PeriodStatus = "unreviewed" | "confirmed" | "rejected";

export interface RollupPeriod {
  start: number;
  /** The end in force: the expert's correction, else the derived end. */
  end: number;
  status: PeriodStatus;
}

export interface DailyCountsRow extends Counts {
  day: string;
  questionKind: string;
  questionText: string;
  /** '' when no employee was assigned. */
  employee: string;
  invalid: number;
  extra: number;
  flagged: number;
}

export interface DailyTerminalRow {
  day: string;
  unsolicited: number;
  fmUnreviewed: number;
  fmConfirmed: number;
  fmRejected: number;
}

const ANSWER_FIELD = { yes: "p", no: "n", unsure: "u", silent: "s" } as const;
const FM_FIELD = { yes: "pFm", no: "nFm", unsure: "uFm", silent: "sFm" } as const;

/**
 * `inForceMajeure(t)` for times asked in ascending order: confirmed periods merged into disjoint intervals and walked
 * with a pointer, so a day of surveys costs one pass over its periods.
 */
function confirmedCursor(periods: readonly RollupPeriod[]): (t: number) => boolean {
  const merged: [number, number][] = [];
  for (const p of [...periods].filter((p) => p.status === "confirmed").sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && p.start <= last[1]) last[1] = Math.max(last[1], p.end);
    else merged.push([p.start, p.end]);
  }
  let i = 0;
  return (t) => {
    while (i < merged.length && merged[i]![1] <= t) i++;
    return i < merged.length && merged[i]![0] <= t;
  };
}

/**
 * Rolls up what happened on the days `dayOf` gives; surveys in opening order, unsolicited sorted.
 * Periods count on the day they start; surveys are in force-majeure by the periods passed (include those that
 * started earlier and reach in).
 */
export function rollup(
  surveys: readonly RollupSurvey[],
  periods: readonly RollupPeriod[],
  unsolicitedAt: readonly number[],
  dayOf: (t: number) => string,
  fromDay: string,
): { counts: DailyCountsRow[]; terminal: DailyTerminalRow[] } {
  const flags = flagSurveys(surveys, unsolicitedAt);
  const inForceMajeure = confirmedCursor(periods);
  const counts = new Map<string, DailyCountsRow>();
  const days = new Map<string, DailyTerminalRow>();
  const dayRow = (day: string) => {
    let r = days.get(day);
    if (!r) days.set(day, (r = { day, unsolicited: 0, fmUnreviewed: 0, fmConfirmed: 0, fmRejected: 0 }));
    return r;
  };
  for (const s of surveys) {
    const day = dayOf(s.openedAt);
    if (day < fromDay) continue;
    const employee = s.employee ?? "";
    const key = `${day}\u0000${s.questionKind}\u0000${s.questionText}\u0000${employee}`;
    let r = counts.get(key);
    if (!r) {
      r = { day, questionKind: s.questionKind, questionText: s.questionText, employee, p: 0, n: 0, u: 0, s: 0, pFm: 0, nFm: 0, uFm: 0, sFm: 0, invalid: 0, extra: 0, flagged: 0 };
      counts.set(key, r);
    }
    /* An invalid survey counts nowhere but in `invalid`: not its answer, its extra presses or its flags. */
    if (!s.valid) {
      r.invalid++;
      continue;
    }
    r.extra += s.extraCount;
    if (flags.has(s.openingEventId)) r.flagged++;
    r[ANSWER_FIELD[s.answer]]++;
    if (inForceMajeure(s.openedAt)) r[FM_FIELD[s.answer]]++;
  }
  for (const t of unsolicitedAt) {
    const day = dayOf(t);
    if (day >= fromDay) dayRow(day).unsolicited++;
  }
  /* The caller drops rows for days after its range (surveys and presses there are context for the flags only). */
  for (const p of periods) {
    const day = dayOf(p.start);
    if (day < fromDay) continue;
    const r = dayRow(day);
    if (p.status === "confirmed") r.fmConfirmed++;
    else if (p.status === "rejected") r.fmRejected++;
    else r.fmUnreviewed++;
  }
  return { counts: [...counts.values()], terminal: [...days.values()] };
}
