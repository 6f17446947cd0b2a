/**
 * Surveys, force-majeure periods and unsolicited presses, derived from the event log and rebuilt from the last
 * idle point before any change (gateway/surveys/derive.ts). The queue of terminals to rebuild is a table, written
 * in the same transaction as the events, so a crash never loses a pending rebuild.
 */
import { derive } from "../surveys/derive.ts";
import type { FmPeriod, Survey, TerminalSettings } from "../surveys/model.ts";
import type { Db } from "./db.ts";

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
    surveyBack: db.prepare(
      `SELECT min(opened_ms) AS t FROM surveys WHERE terminal_id = ? AND opened_ms < ? AND opened_ms + window_ms >= ?`,
    ),
    periodBack: db.prepare(`SELECT min(start_ms) AS t FROM fm_periods WHERE terminal_id = ? AND start_ms < ? AND end_ms >= ?`),
    delSurveys: db.prepare(`DELETE FROM surveys WHERE terminal_id = ? AND opened_ms >= ?`),
    delPeriods: db.prepare(`DELETE FROM fm_periods WHERE terminal_id = ? AND start_ms >= ?`),
    delUnsolicited: db.prepare(`DELETE FROM unsolicited WHERE terminal_id = ? AND at_ms >= ?`),
    events: db.prepare(
      `SELECT id, at_ms AS at, kind, serial AS device, boot, seq FROM events WHERE terminal_id = ? AND at_ms >= ?`,
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
    unsolicitedCount: db.prepare(`SELECT count(*) AS n FROM unsolicited WHERE terminal_id = ? AND at_ms >= ? AND at_ms < ?`),
  };

  /* The latest idle moment at or before t (see idlePointBefore), found with indexed queries. */
  function idlePoint(terminalId: string, t: number): number {
    let point = t;
    for (;;) {
      const s = (q.surveyBack.get(terminalId, point, point) as { t: number | null }).t;
      const p = (q.periodBack.get(terminalId, point, point) as { t: number | null }).t;
      const earliest = Math.min(s ?? point, p ?? point);
      if (earliest >= point) return point;
      point = earliest;
    }
  }

  return {
    /** Marks `terminalId` for a rebuild from `fromMs`. Call in the transaction that changed its events. */
    enqueue(terminalId: string, fromMs: number): void {
      q.enqueue.run(terminalId, fromMs);
    },
    queued(): { terminalId: string; fromMs: number }[] {
      return q.queue.all() as { terminalId: string; fromMs: number }[];
    },
    /** Rebuilds one terminal from the idle point before `fromMs`, in one transaction. Returns that point. */
    rebuild(terminalId: string, fromMs: number, settingsAt: (t: number) => TerminalSettings): number {
      return db.transaction(() => {
        const from = idlePoint(terminalId, fromMs);
        q.delSurveys.run(terminalId, from);
        q.delPeriods.run(terminalId, from);
        q.delUnsolicited.run(terminalId, from);
        const d = derive(q.events.all(terminalId, from) as Parameters<typeof derive>[0], settingsAt);
        for (const s of d.surveys) q.addSurvey.run({ ...s, terminalId, extra: JSON.stringify(s.extraEventIds) });
        for (const p of d.periods) q.addPeriod.run({ ...p, terminalId });
        for (const id of d.unsolicitedEventIds) q.addUnsolicited.run(id);
        q.dequeue.run(terminalId, fromMs);
        return from;
      })();
    },
    surveys(terminalId: string, fromMs: number, toMs: number): SurveyRow[] {
      return (q.surveys.all(terminalId, fromMs, toMs) as (SurveyRow & { extra: string })[]).map(({ extra, ...s }) => ({
        ...s,
        extraEventIds: JSON.parse(extra) as number[],
      }));
    },
    /** Periods overlapping [fromMs, toMs). */
    periods(terminalId: string, fromMs: number, toMs: number): FmPeriodRow[] {
      return q.periods.all(terminalId, toMs, fromMs) as FmPeriodRow[];
    },
    unsolicitedCount(terminalId: string, fromMs: number, toMs: number): number {
      return (q.unsolicitedCount.get(terminalId, fromMs, toMs) as { n: number }).n;
    },
  };
}
