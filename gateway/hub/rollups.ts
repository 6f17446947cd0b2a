/**
 * The hub's daily rollups (daily_counts, daily_terminal), per store gateway and terminal: the store's
 * (gateway/store/rollups.ts) in PostgreSQL, with the same range rule and the same pure count
 * (gateway/indices/rollup.ts), so a store's rollups at the hub are the store's own, row for row, with the reviews
 * in force at the hub (survey_reviews, fm_reviews: review sync, docs/hub.md#review-sync) as the store's with its own.
 */
import type { PoolClient } from "pg";
import { SILENT_RUN } from "../indices/flags.ts";
import { rollup, type PeriodStatus, type RollupSurvey } from "../indices/rollup.ts";
import { dayOfIn, dayStart, localDay } from "../time/zone.ts";

const FAR_FUTURE = Number.MAX_SAFE_INTEGER;

const SURVEY = `opening_event_id::float8 AS "openingEventId", opened_ms::float8 AS "openedAt", closed_ms::float8 AS "closedAt", answer,
  question_kind AS "questionKind", question_text AS "questionText", employee, jsonb_array_length(extra_event_ids) AS "extraCount", true AS valid`;
/* As the store's: a survey in the range with its review; the context either side counts as valid there too. */
const REVIEWED = `s.opening_event_id::float8 AS "openingEventId", s.opened_ms::float8 AS "openedAt", s.closed_ms::float8 AS "closedAt", s.answer,
  s.question_kind AS "questionKind", s.question_text AS "questionText", s.employee, jsonb_array_length(s.extra_event_ids) AS "extraCount",
  coalesce(r.valid, true) AS valid`;

const Q = {
  zone: `SELECT s.time_zone AS tz FROM terminals t JOIN stores s ON s.store_id = t.store_id AND s.local_id = t.local_store_id
    WHERE t.store_id = $1 AND t.id = $2`,
  surveys: `SELECT ${REVIEWED} FROM surveys s LEFT JOIN survey_reviews r ON r.store_id = s.store_id AND r.opening_event_id = s.opening_event_id
    WHERE s.store_id = $1 AND s.terminal_id = $2 AND s.opened_ms >= $3 AND s.opened_ms < $4 ORDER BY s.opened_ms, s.opening_event_id`,
  /* SILENT_RUN - 1 surveys either side of the range: enough to tell whether a survey in it is in a silent run. */
  before: `SELECT * FROM (SELECT ${SURVEY} FROM surveys WHERE store_id = $1 AND terminal_id = $2 AND opened_ms < $3
    ORDER BY opened_ms DESC, opening_event_id DESC LIMIT ${SILENT_RUN - 1}) b ORDER BY "openedAt", "openingEventId"`,
  periods: `SELECT p.start_ms::float8 AS start, coalesce(r.end_ms, p.end_ms)::float8 AS "end", coalesce(r.status, 'unreviewed') AS status
    FROM fm_periods p LEFT JOIN fm_reviews r ON r.store_id = p.store_id AND r.start_event_id = p.start_event_id
    WHERE p.store_id = $1 AND p.terminal_id = $2 AND p.start_ms < $3 AND (p.start_ms >= $4 OR coalesce(r.end_ms, p.end_ms) > $4) ORDER BY p.start_ms`,
  unsolicited: `SELECT at_ms::float8 AS t FROM unsolicited WHERE store_id = $1 AND terminal_id = $2 AND at_ms >= $3 AND at_ms < $4 ORDER BY at_ms`,
  delCounts: `DELETE FROM daily_counts WHERE store_id = $1 AND terminal_id = $2 AND day >= $3 AND day < $4`,
  delTerminal: `DELETE FROM daily_terminal WHERE store_id = $1 AND terminal_id = $2 AND day >= $3 AND day < $4`,
  addCounts: `INSERT INTO daily_counts (store_id, terminal_id, day, question_kind, question_text, employee, p, n, u, s, p_fm, n_fm, u_fm, s_fm, invalid, extra, flagged)
    SELECT $1, $2, r.day, r."questionKind", r."questionText", r.employee, r.p, r.n, r.u, r.s, r."pFm", r."nFm", r."uFm", r."sFm", r.invalid, r.extra, r.flagged
    FROM jsonb_to_recordset($3::jsonb) AS r(day text, "questionKind" text, "questionText" text, employee text, p int, n int, u int, s int,
      "pFm" int, "nFm" int, "uFm" int, "sFm" int, invalid int, extra int, flagged int)`,
  addTerminal: `INSERT INTO daily_terminal (store_id, terminal_id, day, unsolicited, fm_unreviewed, fm_confirmed, fm_rejected)
    SELECT $1, $2, r.day, r.unsolicited, r."fmUnreviewed", r."fmConfirmed", r."fmRejected"
    FROM jsonb_to_recordset($3::jsonb) AS r(day text, unsolicited int, "fmUnreviewed" int, "fmConfirmed" int, "fmRejected" int)`,
};

/**
 * Recounts the local days of one terminal of `storeId` from the day of `fromMs` on, in the caller's transaction:
 * the store's rollupsRepo.refresh as a rebuild calls it (to the last day), read for read.
 */
export async function refreshHubRollups(c: PoolClient, storeId: string, terminalId: string, fromMs: number): Promise<void> {
  const zone = (await c.query<{ tz: string }>(Q.zone, [storeId, terminalId])).rows[0];
  if (!zone) return;
  let fromDay = localDay(Math.max(0, fromMs), zone.tz);
  /* As at the store: the SILENT_RUN - 1 surveys before a change can change their flags, so their days are recounted too. */
  const context = (await c.query<RollupSurvey>(Q.before, [storeId, terminalId, Math.max(0, fromMs)])).rows;
  const contextDay = context[0] && localDay(context[0].openedAt, zone.tz);
  if (contextDay && contextDay < fromDay) fromDay = contextDay;
  const from = dayStart(fromDay, zone.tz);
  const endDay = "9999-12-31";
  const surveys = [...(await c.query<RollupSurvey>(Q.before, [storeId, terminalId, from])).rows, ...(await c.query<RollupSurvey>(Q.surveys, [storeId, terminalId, from, FAR_FUTURE])).rows];
  const periods = (await c.query<{ start: number; end: number; status: PeriodStatus }>(Q.periods, [storeId, terminalId, FAR_FUTURE, from])).rows;
  const unsolicited = (await c.query<{ t: number }>(Q.unsolicited, [storeId, terminalId, from, FAR_FUTURE])).rows.map((r) => r.t);
  const r = rollup(surveys, periods, unsolicited, dayOfIn(zone.tz), fromDay);
  await c.query(Q.delCounts, [storeId, terminalId, fromDay, endDay]);
  await c.query(Q.delTerminal, [storeId, terminalId, fromDay, endDay]);
  if (r.counts.length) await c.query(Q.addCounts, [storeId, terminalId, JSON.stringify(r.counts)]);
  if (r.terminal.length) await c.query(Q.addTerminal, [storeId, terminalId, JSON.stringify(r.terminal)]);
}
