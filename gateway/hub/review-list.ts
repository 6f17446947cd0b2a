/**
 * What an expert reviewing at the hub looks at (docs/hub.md#review-sync): one store gateway's surveys and
 * force-majeure periods on its own local days, with the review in force at the hub. Named by the store's ids,
 * the same ids the store's own review desk shows.
 */
import type { Pool } from "pg";
import { GatewayError } from "../errors.ts";
import { addDays, dayStart, formatLocal } from "../time/zone.ts";

export interface HubSurveyItem {
  id: number;
  terminal: string;
  opened: string;
  answer: string;
  employee: string | null;
  valid: boolean;
  reason: string | null;
}

export interface HubPeriodItem {
  id: number;
  terminal: string;
  start: string;
  end: string;
  corrected: boolean;
  status: string;
}

/** Refuses a store gateway the hub has never heard of, so a mistyped id is not taken for an empty store. */
export async function knownStore(pool: Pick<Pool, "query">, storeId: string): Promise<void> {
  if ((await pool.query(`SELECT 1 FROM hub_stores WHERE store_id = $1`, [storeId])).rowCount) return;
  const known = (await pool.query<{ id: string }>(`SELECT store_id AS id FROM hub_stores ORDER BY store_id LIMIT 20`)).rows.map((r) => r.id);
  throw new GatewayError("not_found", `no store gateway '${storeId}' at the hub (${known.length ? `there are: ${known.join(", ")}` : "none has forwarded yet"}; see loyalty hub status)`);
}

/** The zones of a store gateway's stores, with their terminals. */
async function zones(pool: Pool, storeId: string, terminal: string | undefined): Promise<Map<string, string[]>> {
  await knownStore(pool, storeId);
  const r = await pool.query<{ id: string; tz: string }>(
    `SELECT t.id, s.time_zone AS tz FROM terminals t JOIN stores s ON s.store_id = t.store_id AND s.local_id = t.local_store_id
     WHERE t.store_id = $1 AND ($2::text IS NULL OR t.id = $2) ORDER BY t.id`,
    [storeId, terminal ?? null],
  );
  const out = new Map<string, string[]>();
  for (const x of r.rows) out.set(x.tz, [...(out.get(x.tz) ?? []), x.id]);
  return out;
}

export async function hubSurveys(pool: Pool, storeId: string, f: { from: string; to: string; terminal?: string; invalid?: boolean; limit: number }): Promise<HubSurveyItem[]> {
  const out: HubSurveyItem[] = [];
  for (const [tz, terminals] of await zones(pool, storeId, f.terminal)) {
    const r = await pool.query<{ id: string; terminal: string; at: string; answer: string; employee: string | null; valid: boolean; reason: string | null }>(
      `SELECT s.opening_event_id AS id, s.terminal_id AS terminal, s.opened_ms AS at, s.answer, s.employee, coalesce(r.valid, true) AS valid, r.reason
       FROM surveys s LEFT JOIN survey_reviews r ON r.store_id = s.store_id AND r.opening_event_id = s.opening_event_id
       WHERE s.store_id = $1 AND s.terminal_id = ANY($2) AND s.opened_ms >= $3 AND s.opened_ms < $4 AND ($5::boolean IS NULL OR coalesce(r.valid, true) = NOT $5)
       ORDER BY s.opened_ms, s.opening_event_id LIMIT $6`,
      [storeId, terminals, dayStart(f.from, tz), dayStart(addDays(f.to, 1), tz), f.invalid ? true : null, f.limit],
    );
    out.push(...r.rows.map((x) => ({ id: Number(x.id), terminal: x.terminal, opened: formatLocal(Number(x.at), tz), answer: x.answer, employee: x.employee, valid: x.valid, reason: x.reason })));
  }
  return out.slice(0, f.limit);
}

export async function hubPeriods(pool: Pool, storeId: string, f: { from: string; to: string; terminal?: string; limit: number }): Promise<HubPeriodItem[]> {
  const out: HubPeriodItem[] = [];
  for (const [tz, terminals] of await zones(pool, storeId, f.terminal)) {
    const r = await pool.query<{ id: string; terminal: string; start: string; end: string; corrected: boolean; status: string }>(
      `SELECT p.start_event_id AS id, p.terminal_id AS terminal, p.start_ms AS start, coalesce(r.end_ms, p.end_ms) AS "end", r.end_ms IS NOT NULL AS corrected,
         coalesce(r.status, 'unreviewed') AS status
       FROM fm_periods p LEFT JOIN fm_reviews r ON r.store_id = p.store_id AND r.start_event_id = p.start_event_id
       WHERE p.store_id = $1 AND p.terminal_id = ANY($2) AND p.start_ms >= $3 AND p.start_ms < $4 ORDER BY p.start_ms LIMIT $5`,
      [storeId, terminals, dayStart(f.from, tz), dayStart(addDays(f.to, 1), tz), f.limit],
    );
    out.push(...r.rows.map((x) => ({ id: Number(x.id), terminal: x.terminal, start: formatLocal(Number(x.start), tz), end: formatLocal(Number(x.end), tz), corrected: x.corrected, status: x.status })));
  }
  return out.slice(0, f.limit);
}

/** The zone of a period's terminal at the hub (for a corrected end typed in store-local time). */
export async function periodZone(pool: Pool, storeId: string, periodId: number): Promise<string | undefined> {
  const r = await pool.query<{ tz: string }>(
    `SELECT s.time_zone AS tz FROM fm_periods p JOIN terminals t ON t.store_id = p.store_id AND t.id = p.terminal_id
     JOIN stores s ON s.store_id = t.store_id AND s.local_id = t.local_store_id WHERE p.store_id = $1 AND p.start_event_id = $2`,
    [storeId, periodId],
  );
  return r.rows[0]?.tz;
}
