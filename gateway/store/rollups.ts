/**
 * The daily rollup tables (daily_counts, daily_terminal), refreshed from the derived rows and the reviews
 * whenever either changes (gateway/indices/rollup.ts does the counting). Reports read only these.
 */
import { rollup, type DailyCountsRow, type DailyTerminalRow, type PeriodStatus, type RollupSurvey } from "../indices/rollup.ts";
import { dayOfIn, dayStart, localDay, nextDay } from "../time/zone.ts";
import { SILENT_RUN, UNSOLICITED_AFTER_MS } from "../indices/flags.ts";
import type { Counts } from "../indices/tally.ts";
import type { Db } from "./db.ts";

const FAR_FUTURE = Number.MAX_SAFE_INTEGER;

export interface DailyCountsRecord extends DailyCountsRow {
  terminalId: string;
}
export interface DailyTerminalRecord extends DailyTerminalRow {
  terminalId: string;
}
/** Counts of one store, local day and question kind, summed over its terminals, texts and employees. */
export interface StoreDayCounts extends Counts {
  storeId: string;
  day: string;
  questionKind: string;
}
/** Which rollup rows to sum; an empty or missing list means all. */
export interface RollupFilter {
  stores?: readonly string[];
  terminals?: readonly string[];
  employees?: readonly string[];
}

/** One rollup row as text, the same for a stored row and a computed one (the fields in a fixed order). */
const ROW_FIELDS = ["questionKind", "questionText", "employee", "p", "n", "u", "s", "pFm", "nFm", "uFm", "sFm", "invalid", "extra", "flagged", "unsolicited", "fmUnreviewed", "fmConfirmed", "fmRejected"] as const;
function rowText(row: object): string {
  const r = row as Record<string, unknown>;
  return JSON.stringify(ROW_FIELDS.map((f) => r[f] ?? null));
}

/** The first local day whose rows differ between `before` and `after` (each row has a `day`), or undefined. */
export function firstChangedDay(before: readonly object[], after: readonly object[]): string | undefined {
  const byDay = (rows: readonly object[]) => {
    const m = new Map<string, string[]>();
    for (const row of rows) {
      const day = (row as { day: string }).day;
      (m.get(day) ?? m.set(day, []).get(day)!).push(rowText(row));
    }
    return m;
  };
  const a = byDay(before);
  const b = byDay(after);
  let first: string | undefined;
  for (const day of new Set([...a.keys(), ...b.keys()])) {
    if (first !== undefined && day >= first) continue;
    const x = (a.get(day) ?? []).sort().join("\n");
    const y = (b.get(day) ?? []).sort().join("\n");
    if (x !== y) first = day;
  }
  return first;
}

export function rollupsRepo(db: Db) {
  const q = {
    zone: db.prepare(`SELECT s.time_zone AS tz FROM terminals t JOIN stores s ON s.id = t.store_id WHERE t.id = ?`),
    surveys: db.prepare(
      `SELECT s.opening_event_id AS openingEventId, s.opened_ms AS openedAt, s.closed_ms AS closedAt, s.answer,
         s.question_kind AS questionKind, s.question_text AS questionText, s.employee,
         json_array_length(s.extra_event_ids) AS extraCount, coalesce(r.valid, 1) AS valid
       FROM surveys s LEFT JOIN survey_reviews r ON r.opening_event_id = s.opening_event_id
       WHERE s.terminal_id = ? AND s.opened_ms >= ? AND s.opened_ms < ? ORDER BY s.opened_ms, s.opening_event_id`,
    ),
    /* SILENT_RUN - 1 surveys either side of the range: enough to tell whether a survey in it is in a silent run. */
    before: db.prepare(
      `SELECT * FROM (SELECT opening_event_id AS openingEventId, opened_ms AS openedAt, closed_ms AS closedAt, answer,
         question_kind AS questionKind, question_text AS questionText, employee,
         json_array_length(extra_event_ids) AS extraCount, 1 AS valid
       FROM surveys WHERE terminal_id = ? AND opened_ms < ? ORDER BY opened_ms DESC, opening_event_id DESC LIMIT ${SILENT_RUN - 1})
       ORDER BY openedAt, openingEventId`,
    ),
    after: db.prepare(
      `SELECT opening_event_id AS openingEventId, opened_ms AS openedAt, closed_ms AS closedAt, answer,
         question_kind AS questionKind, question_text AS questionText, employee,
         json_array_length(extra_event_ids) AS extraCount, 1 AS valid
       FROM surveys WHERE terminal_id = ? AND opened_ms >= ? ORDER BY opened_ms, opening_event_id LIMIT ${SILENT_RUN - 1}`,
    ),
    periods: db.prepare(
      `SELECT p.start_ms AS start, coalesce(r.end_ms, p.end_ms) AS "end", coalesce(r.status, 'unreviewed') AS status
       FROM fm_periods p LEFT JOIN fm_reviews r ON r.start_event_id = p.start_event_id
       WHERE p.terminal_id = ? AND p.start_ms < ? AND (p.start_ms >= ? OR coalesce(r.end_ms, p.end_ms) > ?)
       ORDER BY p.start_ms`,
    ),
    unsolicited: db.prepare(`SELECT at_ms AS t FROM unsolicited WHERE terminal_id = ? AND at_ms >= ? AND at_ms < ? ORDER BY at_ms`),
    delCounts: db.prepare(`DELETE FROM daily_counts WHERE terminal_id = ? AND day >= ? AND day < ?`),
    delTerminal: db.prepare(`DELETE FROM daily_terminal WHERE terminal_id = ? AND day >= ? AND day < ?`),
    addCounts: db.prepare(
      `INSERT INTO daily_counts (terminal_id, day, question_kind, question_text, employee, p, n, u, s, p_fm, n_fm, u_fm, s_fm, invalid, extra, flagged)
       VALUES (@terminalId, @day, @questionKind, @questionText, @employee, @p, @n, @u, @s, @pFm, @nFm, @uFm, @sFm, @invalid, @extra, @flagged)`,
    ),
    addTerminal: db.prepare(
      `INSERT INTO daily_terminal (terminal_id, day, unsolicited, fm_unreviewed, fm_confirmed, fm_rejected)
       VALUES (@terminalId, @day, @unsolicited, @fmUnreviewed, @fmConfirmed, @fmRejected)`,
    ),
    counts: db.prepare(
      `SELECT terminal_id AS terminalId, day, question_kind AS questionKind, question_text AS questionText, employee,
         p, n, u, s, p_fm AS pFm, n_fm AS nFm, u_fm AS uFm, s_fm AS sFm, invalid, extra, flagged
       FROM daily_counts WHERE day >= ? AND day <= ?`,
    ),
    terminal: db.prepare(
      `SELECT terminal_id AS terminalId, day, unsolicited, fm_unreviewed AS fmUnreviewed, fm_confirmed AS fmConfirmed,
         fm_rejected AS fmRejected
       FROM daily_terminal WHERE day >= ? AND day <= ?`,
    ),
    oldCounts: db.prepare(
      `SELECT day, question_kind AS questionKind, question_text AS questionText, employee, p, n, u, s, p_fm AS pFm,
         n_fm AS nFm, u_fm AS uFm, s_fm AS sFm, invalid, extra, flagged
       FROM daily_counts WHERE terminal_id = ? AND day >= ? AND day < ?`,
    ),
    oldTerminal: db.prepare(
      `SELECT day, unsolicited, fm_unreviewed AS fmUnreviewed, fm_confirmed AS fmConfirmed, fm_rejected AS fmRejected
       FROM daily_terminal WHERE terminal_id = ? AND day >= ? AND day < ?`,
    ),
    /* Summed in SQL: a trend over 30 days of a whole chain is a few thousand rows instead of one per terminal and day. */
    storeDays: db.prepare(
      `SELECT t.store_id AS storeId, c.day, c.question_kind AS questionKind, sum(c.p) AS p, sum(c.n) AS n, sum(c.u) AS u,
         sum(c.s) AS s, sum(c.p_fm) AS pFm, sum(c.n_fm) AS nFm, sum(c.u_fm) AS uFm, sum(c.s_fm) AS sFm
       FROM daily_counts c JOIN terminals t ON t.id = c.terminal_id
       WHERE c.day >= @from AND c.day <= @to
         AND (@stores IS NULL OR t.store_id IN (SELECT value FROM json_each(@stores)))
         AND (@terminals IS NULL OR c.terminal_id IN (SELECT value FROM json_each(@terminals)))
         AND (@employees IS NULL OR c.employee IN (SELECT value FROM json_each(@employees)))
       GROUP BY t.store_id, c.day, c.question_kind`,
    ),
  };
  const list = (xs: readonly string[] | undefined) => (xs?.length ? JSON.stringify(xs) : null);
  const listeners = new Set<(terminalId: string, fromDay: string) => void>();

  return {
    /**
     * Recounts `terminalId`'s local days from the day of `fromMs` to the day of `toMs` (default: every later day).
     * Call in the transaction that changed the derived rows or the reviews.
     */
    refresh(terminalId: string, fromMs: number, toMs = FAR_FUTURE): void {
      const zone = q.zone.get(terminalId) as { tz: string } | undefined;
      if (!zone) return;
      let fromDay = localDay(Math.max(0, fromMs), zone.tz);
      /*
       * A change from `fromMs` on can change the flags of the SILENT_RUN - 1 surveys before it (a silent run that now
       * reaches them across midnight, an unsolicited press after the last of them): their days are recounted too.
       * Earlier surveys keep their flags: a silent run that reaches them has SILENT_RUN surveys without the change.
       */
      const context = q.before.all(terminalId, Math.max(0, fromMs)) as { openedAt: number }[];
      const contextDay = context[0] && localDay(context[0].openedAt, zone.tz);
      if (contextDay && contextDay < fromDay) fromDay = contextDay;
      const from = dayStart(fromDay, zone.tz);
      const endDay = toMs >= FAR_FUTURE ? "9999-12-31" : nextDay(localDay(toMs, zone.tz));
      const to = toMs >= FAR_FUTURE ? FAR_FUTURE : dayStart(endDay, zone.tz);
      type Raw = Omit<RollupSurvey, "valid"> & { valid: number };
      /* Surveys just outside the range give the review flags their context; only those inside are counted. */
      const raw = [...(q.before.all(terminalId, from) as Raw[]), ...(q.surveys.all(terminalId, from, to) as Raw[]), ...(to >= FAR_FUTURE ? [] : (q.after.all(terminalId, to) as Raw[]))];
      const surveys = raw.map((s) => ({ ...s, valid: s.valid === 1 }));
      const periods = q.periods.all(terminalId, to, from, from) as { start: number; end: number; status: PeriodStatus }[];
      /* The range's last survey may close after `to` (a window open at midnight): the presses after it still flag it. */
      const lastClose = raw.reduce((m, s) => (s.openedAt < to ? Math.max(m, s.closedAt) : m), to);
      const unsolicited = (q.unsolicited.all(terminalId, from, Math.min(FAR_FUTURE, lastClose + UNSOLICITED_AFTER_MS)) as { t: number }[]).map((r) => r.t);
      const r = rollup(surveys, periods, unsolicited, dayOfIn(zone.tz), fromDay);
      const counts = r.counts.filter((row) => row.day < endDay);
      const terminal = r.terminal.filter((row) => row.day < endDay);
      /* Only when someone listens: the first day whose rows the recount changes (a rebuild recounts from far back). */
      const changed = listeners.size ? firstChangedDay([...(q.oldCounts.all(terminalId, fromDay, endDay) as object[]), ...(q.oldTerminal.all(terminalId, fromDay, endDay) as object[])], [...counts, ...terminal]) : undefined;
      q.delCounts.run(terminalId, fromDay, endDay);
      q.delTerminal.run(terminalId, fromDay, endDay);
      for (const row of counts) q.addCounts.run({ ...row, terminalId });
      for (const row of terminal) q.addTerminal.run({ ...row, terminalId });
      if (changed !== undefined) for (const fn of listeners) fn(terminalId, changed);
    },
    /**
     * Calls `fn` after each refresh of this process that changed rows, with the first local day whose rows changed
     * (caches of past days' figures, e.g. the dashboard's, drop what they hold from that day on). Returns the
     * function that stops it.
     */
    onRefresh(fn: (terminalId: string, fromDay: string) => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** Rollup rows of every terminal for local days in [fromDay, toDay]. */
    counts(fromDay: string, toDay: string): DailyCountsRecord[] {
      return q.counts.all(fromDay, toDay) as DailyCountsRecord[];
    },
    terminalDays(fromDay: string, toDay: string): DailyTerminalRecord[] {
      return q.terminal.all(fromDay, toDay) as DailyTerminalRecord[];
    },
    /** Counts per store, local day in [fromDay, toDay] and question kind, of the rows `filter` keeps. */
    storeDays(fromDay: string, toDay: string, filter: RollupFilter = {}): StoreDayCounts[] {
      return q.storeDays.all({ from: fromDay, to: toDay, stores: list(filter.stores), terminals: list(filter.terminals), employees: list(filter.employees) }) as StoreDayCounts[];
    },
  };
}
