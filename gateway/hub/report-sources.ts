/**
 * A chain report's sources (gateway/reports/sources.ts, ReportSources) read from the hub's PostgreSQL: the daily
 * rollups of every store gateway, their traffic, the trend summed per store and day, and the untimed events, in
 * the shape the store's reports are built from, so buildReport makes both. Stores and terminals are named by
 * their own ids (a terminal `msk.till-1` of store `msk`), as in the store's own report.
 */
import type { Pool } from "pg";
import type { DailyCountsRecord, DailyTerminalRecord, RollupFilter, StoreDayCounts } from "../store/rollups.ts";
import type { TrafficRow } from "../store/traffic.ts";
import type { ReportSources } from "../reports/sources.ts";
import type { IndexSettings } from "../reports/settings.ts";
import { addDays, dayStart } from "../time/zone.ts";

/* $3, $4, $5: only these stores, terminals, employees (null: all), as the store's storeDays. */
const FILTER = `($3::text[] IS NULL OR t.local_store_id = ANY($3)) AND ($4::text[] IS NULL OR c.terminal_id = ANY($4))`;
const JOIN = `JOIN terminals t ON t.store_id = c.store_id AND t.id = c.terminal_id`;

const Q = {
  counts: `SELECT c.terminal_id AS "terminalId", c.day, c.question_kind AS "questionKind", c.question_text AS "questionText", c.employee,
      c.p, c.n, c.u, c.s, c.p_fm AS "pFm", c.n_fm AS "nFm", c.u_fm AS "uFm", c.s_fm AS "sFm", c.invalid, c.extra, c.flagged
    FROM daily_counts c ${JOIN} WHERE c.day >= $1 AND c.day <= $2 AND ${FILTER}`,
  terminalDays: `SELECT c.terminal_id AS "terminalId", c.day, c.unsolicited, c.fm_unreviewed AS "fmUnreviewed", c.fm_confirmed AS "fmConfirmed",
      c.fm_rejected AS "fmRejected"
    FROM daily_terminal c ${JOIN} WHERE c.day >= $1 AND c.day <= $2 AND ${FILTER}`,
  traffic: `SELECT kind, local_store_id AS "storeId", terminal_id AS "terminalId", day, hour, count FROM traffic
    WHERE day >= $1 AND day <= $2 AND ($3::text[] IS NULL OR local_store_id = ANY($3))`,
  /* Summed in SQL, as the store's storeDays: a chain's 30 days are a few thousand rows. */
  trend: `SELECT t.local_store_id AS "storeId", c.day, c.question_kind AS "questionKind", sum(c.p)::int AS p, sum(c.n)::int AS n,
      sum(c.u)::int AS u, sum(c.s)::int AS s, sum(c.p_fm)::int AS "pFm", sum(c.n_fm)::int AS "nFm", sum(c.u_fm)::int AS "uFm",
      sum(c.s_fm)::int AS "sFm"
    FROM daily_counts c ${JOIN} WHERE c.day >= $1 AND c.day <= $2 AND ${FILTER} AND ($5::text[] IS NULL OR c.employee = ANY($5))
    GROUP BY t.local_store_id, c.day, c.question_kind`,
  terminals: `SELECT id, local_store_id AS "storeId" FROM terminals`,
  stores: `SELECT DISTINCT local_id AS id, region, time_zone AS "timeZone" FROM stores`,
  /* Untimed events by the days they arrived in, in their store's zone (a store's own report does the same). */
  untimedIn: `SELECT e.terminal_id AS "terminalId", count(*)::int AS count FROM events e
    JOIN terminals t ON t.store_id = e.store_id AND t.id = e.terminal_id
    JOIN stores s ON s.store_id = t.store_id AND s.local_id = t.local_store_id
    WHERE e.untimed AND s.time_zone = $1 AND e.received_ms >= $2 AND e.received_ms < $3 GROUP BY e.terminal_id`,
  untimedUnpaired: `SELECT count(*)::int AS count FROM events WHERE untimed AND terminal_id IS NULL AND received_ms >= $1 AND received_ms < $2`,
};

const list = (xs: readonly string[] | undefined) => (xs?.length ? [...xs] : null);

/**
 * Reads what a chain report over [from, to] and its trend window need; `timeZone` (the hub's) gives the days of
 * untimed events of no terminal, whose store gateway's own zone the hub does not know.
 */
export async function readHubSources(pool: Pool, req: { from: string; to: string } & RollupFilter, s: Pick<IndexSettings, "trendDays">, timeZone: string): Promise<ReportSources> {
  const filter = [list(req.stores), list(req.terminals)];
  const [counts, terminalDays, traffic, trend, terminals, stores] = await Promise.all([
    pool.query<DailyCountsRecord>(Q.counts, [req.from, req.to, ...filter]),
    pool.query<DailyTerminalRecord>(Q.terminalDays, [req.from, req.to, ...filter]),
    pool.query<TrafficRow>(Q.traffic, [req.from, req.to, list(req.stores)]),
    pool.query<StoreDayCounts>(Q.trend, [addDays(req.to, 1 - s.trendDays), req.to, ...filter, list(req.employees)]),
    pool.query<{ id: string; storeId: string }>(Q.terminals),
    pool.query<{ id: string; region: string | null; timeZone: string }>(Q.stores),
  ]);
  const untimed: ReportSources["untimed"] = [];
  for (const tz of new Set(stores.rows.map((r) => r.timeZone))) {
    const r = await pool.query<{ terminalId: string; count: number }>(Q.untimedIn, [tz, dayStart(req.from, tz), dayStart(addDays(req.to, 1), tz)]);
    untimed.push(...r.rows);
  }
  const unpaired = (await pool.query<{ count: number }>(Q.untimedUnpaired, [dayStart(req.from, timeZone), dayStart(addDays(req.to, 1), timeZone)])).rows[0]!.count;
  if (unpaired > 0) untimed.push({ terminalId: null, count: unpaired });
  return {
    counts: counts.rows,
    terminalDays: terminalDays.rows,
    traffic: traffic.rows,
    trend: trend.rows,
    storeOf: new Map(terminals.rows.map((t) => [t.id, t.storeId])),
    regionOf: new Map(stores.rows.flatMap((r) => (r.region === null ? [] : [[r.id, r.region] as const]))),
    untimed,
  };
}
