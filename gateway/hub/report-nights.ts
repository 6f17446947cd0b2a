/** The last night the hub's nightly job wrote (hub_report_nights, per report), so that a hub that was down catches up. */
import type { Pool } from "pg";

/** The nightly chain report's name in hub_report_nights. */
export const CHAIN_REPORT = "chain";

/** The last night written (`YYYY-MM-DD`), undefined when none was recorded. */
export async function lastNight(pool: Pool, report: string): Promise<string | undefined> {
  const r = await pool.query<{ day: string }>("SELECT day FROM hub_report_nights WHERE report = $1", [report]);
  return r.rows[0]?.day;
}

/** Records that `day` is written; an earlier day never moves the record back. */
export async function recordNight(pool: Pool, report: string, day: string, now: number): Promise<void> {
  await pool.query(
    `INSERT INTO hub_report_nights (report, day, written_ms) VALUES ($1, $2, $3)
     ON CONFLICT (report) DO UPDATE SET day = greatest(hub_report_nights.day, excluded.day), written_ms = excluded.written_ms`,
    [report, day, now],
  );
}
