/**
 * Surveys, force-majeure periods and unsolicited presses derived from the event log: the rows, the events a
 * rebuild reads from its restart points, and the queue of terminals to rebuild (gateway/surveys/rebuild.ts does
 * the rebuild). The queue is a table, written in the same transaction as the events, so a crash never loses a
 * pending rebuild.
 */
import type { Derivation, FmPeriod, RestartPoints, Survey, TerminalEvent } from "../surveys/model.ts";
import type { Db } from "./db.ts";

/** "From the beginning", as an SQL integer. */
const BEGINNING = Number.MIN_SAFE_INTEGER;

export interface SurveyRow extends Survey {
  terminalId: string;
}
export interface FmPeriodRow extends FmPeriod {
  terminalId: string;
}

export function derivedRepo(db: Db) {
  const q = {
    enqueue: db.prepare(
      `INSERT INTO derive_queue (terminal_id, from_ms) VALUES (?, ?)
       ON CONFLICT (terminal_id) DO UPDATE SET from_ms = min(from_ms, excluded.from_ms)`,
    ),
    queue: db.prepare(`SELECT terminal_id AS terminalId, from_ms AS fromMs FROM derive_queue ORDER BY terminal_id`),
    dequeue: db.prepare(`DELETE FROM derive_queue WHERE terminal_id = ? AND from_ms = ?`),
    lastShortBefore: db.prepare(
      `SELECT at_ms AS t FROM events WHERE terminal_id = ? AND at_ms < ? AND kind = 'short' AND untimed = 0 ORDER BY at_ms DESC LIMIT 1`,
    ),
    lastPeriodStart: db.prepare(
      `SELECT start_ms AS t FROM fm_periods WHERE terminal_id = ? AND start_ms <= ? ORDER BY start_ms DESC LIMIT 1`,
    ),
    periodReaching: db.prepare(
      `SELECT start_ms AS t FROM fm_periods WHERE terminal_id = ? AND start_ms < ? AND end_ms >= ? ORDER BY start_ms LIMIT 1`,
    ),
    delSurveys: db.prepare(`DELETE FROM surveys WHERE terminal_id = ? AND opened_ms >= ?`),
    delPeriods: db.prepare(`DELETE FROM fm_periods WHERE terminal_id = ? AND start_ms >= ?`),
    delUnsolicited: db.prepare(`DELETE FROM unsolicited WHERE terminal_id = ? AND at_ms >= ?`),
    surveyEvents: db.prepare(
      `SELECT id, at_ms AS at, kind, serial AS device, boot, seq FROM events WHERE terminal_id = ? AND at_ms >= ? AND kind != 'long' AND untimed = 0`,
    ),
    longEvents: db.prepare(
      `SELECT id, at_ms AS at, kind, serial AS device, boot, seq FROM events WHERE terminal_id = ? AND at_ms >= ? AND kind = 'long' AND untimed = 0`,
    ),
    addSurvey: db.prepare(
      `INSERT INTO surveys (opening_event_id, terminal_id, opened_ms, window_ms, closed_ms, answer, answer_event_id,
         question_kind, question_text, employee, extra_event_ids)
       VALUES (@openingEventId, @terminalId, @openedAt, @windowMs, @closedAt, @answer, @answerEventId,
         @questionKind, @questionText, @employee, @extra)`,
    ),
    addPeriod: db.prepare(
      `INSERT INTO fm_periods (start_event_id, terminal_id, start_ms, end_ms, end_reason, end_event_id)
       VALUES (@startEventId, @terminalId, @start, @end, @endReason, @endEventId)`,
    ),
    addUnsolicited: db.prepare(`INSERT INTO unsolicited (event_id, terminal_id, at_ms) SELECT id, terminal_id, at_ms FROM events WHERE id = ?`),
    surveys: db.prepare(
      `SELECT opening_event_id AS openingEventId, terminal_id AS terminalId, opened_ms AS openedAt, window_ms AS windowMs,
         closed_ms AS closedAt, answer, answer_event_id AS answerEventId, question_kind AS questionKind,
         question_text AS questionText, employee, extra_event_ids AS extra
       FROM surveys WHERE terminal_id = ? AND opened_ms >= ? AND opened_ms < ? ORDER BY opened_ms, opening_event_id`,
    ),
    periods: db.prepare(
      `SELECT start_event_id AS startEventId, terminal_id AS terminalId, start_ms AS start, end_ms AS end,
         end_reason AS endReason, end_event_id AS endEventId
       FROM fm_periods WHERE terminal_id = ? AND start_ms < ? AND end_ms > ? ORDER BY start_ms`,
    ),
    before: db.prepare(
      `SELECT * FROM (SELECT opening_event_id AS openingEventId, terminal_id AS terminalId, opened_ms AS openedAt, window_ms AS windowMs,
         closed_ms AS closedAt, answer, answer_event_id AS answerEventId, question_kind AS questionKind,
         question_text AS questionText, employee, extra_event_ids AS extra
       FROM surveys WHERE terminal_id = ? AND opened_ms < ? ORDER BY opened_ms DESC, opening_event_id DESC LIMIT ?)
       ORDER BY openedAt, openingEventId`,
    ),
    after: db.prepare(
      `SELECT opening_event_id AS openingEventId, terminal_id AS terminalId, opened_ms AS openedAt, window_ms AS windowMs,
         closed_ms AS closedAt, answer, answer_event_id AS answerEventId, question_kind AS questionKind,
         question_text AS questionText, employee, extra_event_ids AS extra
       FROM surveys WHERE terminal_id = ? AND opened_ms >= ? ORDER BY opened_ms, opening_event_id LIMIT ?`,
    ),
    survey: db.prepare(
      `SELECT opening_event_id AS openingEventId, terminal_id AS terminalId, opened_ms AS openedAt, window_ms AS windowMs,
         closed_ms AS closedAt, answer, answer_event_id AS answerEventId, question_kind AS questionKind,
         question_text AS questionText, employee, extra_event_ids AS extra
       FROM surveys WHERE opening_event_id = ?`,
    ),
    period: db.prepare(
      `SELECT start_event_id AS startEventId, terminal_id AS terminalId, start_ms AS start, end_ms AS end,
         end_reason AS endReason, end_event_id AS endEventId
       FROM fm_periods WHERE start_event_id = ?`,
    ),
    unsolicitedTimes: db.prepare(`SELECT at_ms AS t FROM unsolicited WHERE terminal_id = ? AND at_ms >= ? AND at_ms < ? ORDER BY at_ms`),
    unsolicitedCount: db.prepare(`SELECT count(*) AS n FROM unsolicited WHERE terminal_id = ? AND at_ms >= ? AND at_ms < ?`),
  };

  return {
    /** Marks `terminalId` for a rebuild from `fromMs`. Call in the transaction that changed its events. */
    enqueue(terminalId: string, fromMs: number): void {
      q.enqueue.run(terminalId, fromMs);
    },
    queued(): { terminalId: string; fromMs: number }[] {
      return q.queue.all() as { terminalId: string; fromMs: number }[];
    },
    /**
     * Where a rebuild after a change at `fromMs` restarts (restartPoints in gateway/surveys/derive.ts): surveys at
     * the latest short press before it, periods at the latest period start at or before it, moved back over any
     * period that reaches that start.
     */
    restartPoints(terminalId: string, fromMs: number): RestartPoints {
      const surveysFrom = (q.lastShortBefore.get(terminalId, fromMs) as { t: number } | undefined)?.t ?? BEGINNING;
      let periodsFrom = (q.lastPeriodStart.get(terminalId, fromMs) as { t: number } | undefined)?.t ?? BEGINNING;
      for (let back = q.periodReaching.get(terminalId, periodsFrom, periodsFrom) as { t: number } | undefined; back; back = q.periodReaching.get(terminalId, periodsFrom, periodsFrom) as { t: number } | undefined) {
        periodsFrom = back.t;
      }
      return { surveysFrom, periodsFrom };
    },
    /** The events the surveys are derived from (every kind but long presses; no untimed event), from `fromMs` on. */
    surveyEvents(terminalId: string, fromMs: number): TerminalEvent[] {
      return q.surveyEvents.all(terminalId, fromMs) as TerminalEvent[];
    },
    /** The long presses the force-majeure periods are derived from (no untimed one), from `fromMs` on. */
    longPresses(terminalId: string, fromMs: number): TerminalEvent[] {
      return q.longEvents.all(terminalId, fromMs) as TerminalEvent[];
    },
    /**
     * Replaces the derived rows from the restart points on: surveys and unsolicited presses from surveysFrom,
     * periods from periodsFrom. Call inside the rebuild's transaction.
     */
    replace(terminalId: string, from: RestartPoints, rows: Derivation): void {
      q.delSurveys.run(terminalId, from.surveysFrom);
      q.delUnsolicited.run(terminalId, from.surveysFrom);
      q.delPeriods.run(terminalId, from.periodsFrom);
      for (const survey of rows.surveys) q.addSurvey.run({ ...survey, terminalId, extra: JSON.stringify(survey.extraEventIds) });
      for (const id of rows.unsolicitedEventIds) q.addUnsolicited.run(id);
      for (const period of rows.periods) q.addPeriod.run({ ...period, terminalId });
    },
    /** Takes `terminalId` off the queue, unless a change before `fromMs` queued it again meanwhile. */
    dequeue(terminalId: string, fromMs: number): void {
      q.dequeue.run(terminalId, fromMs);
    },
    surveys(terminalId: string, fromMs: number, toMs: number): SurveyRow[] {
      return (q.surveys.all(terminalId, fromMs, toMs) as (SurveyRow & { extra: string })[]).map(({ extra, ...s }) => ({
        ...s,
        extraEventIds: JSON.parse(extra) as number[],
      }));
    },
    /** The `n` surveys opened just before `t`, and from `t` on: context for review flags at a range's edges. */
    surveysAround(terminalId: string, fromMs: number, toMs: number, n: number): { before: SurveyRow[]; after: SurveyRow[] } {
      const rows = (list: unknown[]) => (list as (SurveyRow & { extra: string })[]).map(({ extra, ...s }) => ({ ...s, extraEventIds: JSON.parse(extra) as number[] }));
      return { before: rows(q.before.all(terminalId, fromMs, n)), after: rows(q.after.all(terminalId, toMs, n)) };
    },
    survey(openingEventId: number): SurveyRow | undefined {
      const r = q.survey.get(openingEventId) as (SurveyRow & { extra: string }) | undefined;
      if (!r) return undefined;
      const { extra, ...s } = r;
      return { ...s, extraEventIds: JSON.parse(extra) as number[] };
    },
    period(startEventId: number): FmPeriodRow | undefined {
      return q.period.get(startEventId) as FmPeriodRow | undefined;
    },
    /** Periods overlapping [fromMs, toMs). */
    periods(terminalId: string, fromMs: number, toMs: number): FmPeriodRow[] {
      return q.periods.all(terminalId, toMs, fromMs) as FmPeriodRow[];
    },
    unsolicitedTimes(terminalId: string, fromMs: number, toMs: number): number[] {
      return (q.unsolicitedTimes.all(terminalId, fromMs, toMs) as { t: number }[]).map((r) => r.t);
    },
    unsolicitedCount(terminalId: string, fromMs: number, toMs: number): number {
      return (q.unsolicitedCount.get(terminalId, fromMs, toMs) as { n: number }).n;
    },
  };
}
