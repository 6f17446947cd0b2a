/**
 * Re-deriving one terminal at the hub (docs/hub.md#derivation): the store's rebuild (gateway/surveys/rebuild.ts)
 * over PostgreSQL. The same pure core (derive, settingsTimeline, rollup) on the same rows, from the same restart
 * points, so the hub's surveys, periods and rollups of a store are that store's own. One transaction per terminal,
 * holding its queue row, so a batch that changes the terminal meanwhile waits and queues it again after.
 */
import type { Pool, PoolClient } from "pg";
import { derive } from "../surveys/derive.ts";
import type { FmPeriod, RestartPoints, TerminalEvent, TerminalSettings } from "../surveys/model.ts";
import { firstPeriodChange } from "../surveys/rebuild.ts";
import { SETTING_KEYS, settingsTimeline, type SettingChange, type SettingKey } from "../surveys/settings.ts";
import { refreshHubRollups } from "./rollups.ts";

/** "From the beginning", as the store writes it (an SQL integer). */
const BEGINNING = Number.MIN_SAFE_INTEGER;

const EVENT = `local_id::float8 AS id, at_ms::float8 AS at, kind, serial AS device, boot, seq::float8 AS seq`;

const Q = {
  lock: `SELECT from_ms::float8 AS "fromMs" FROM hub_derive_queue WHERE store_id = $1 AND terminal_id = $2 FOR UPDATE`,
  dequeue: `DELETE FROM hub_derive_queue WHERE store_id = $1 AND terminal_id = $2`,
  lastShortBefore: `SELECT at_ms::float8 AS t FROM events WHERE store_id = $1 AND terminal_id = $2 AND at_ms < $3 AND kind = 'short' AND NOT untimed ORDER BY at_ms DESC LIMIT 1`,
  lastPeriodStart: `SELECT start_ms::float8 AS t FROM fm_periods WHERE store_id = $1 AND terminal_id = $2 AND start_ms <= $3 ORDER BY start_ms DESC LIMIT 1`,
  periodReaching: `SELECT start_ms::float8 AS t FROM fm_periods WHERE store_id = $1 AND terminal_id = $2 AND start_ms < $3 AND end_ms >= $3 ORDER BY start_ms LIMIT 1`,
  surveyEvents: `SELECT ${EVENT} FROM events WHERE store_id = $1 AND terminal_id = $2 AND at_ms >= $3 AND kind <> 'long' AND NOT untimed`,
  longEvents: `SELECT ${EVENT} FROM events WHERE store_id = $1 AND terminal_id = $2 AND at_ms >= $3 AND kind = 'long' AND NOT untimed`,
  settings: `SELECT key, value, from_ms::float8 AS "fromMs" FROM terminal_settings WHERE store_id = $1 AND terminal_id = $2 ORDER BY from_ms`,
  defaults: `SELECT terminal_defaults AS d FROM store_settings WHERE store_id = $1`,
  delSurveys: `DELETE FROM surveys WHERE store_id = $1 AND terminal_id = $2 AND opened_ms >= $3`,
  delUnsolicited: `DELETE FROM unsolicited WHERE store_id = $1 AND terminal_id = $2 AND at_ms >= $3`,
  oldPeriods: `SELECT start_event_id::float8 AS "startEventId", start_ms::float8 AS start, end_ms::float8 AS "end", end_reason AS "endReason",
      end_event_id::float8 AS "endEventId" FROM fm_periods WHERE store_id = $1 AND terminal_id = $2 AND start_ms >= $3 ORDER BY start_ms`,
  delPeriods: `DELETE FROM fm_periods WHERE store_id = $1 AND terminal_id = $2 AND start_ms >= $3`,
  addSurveys: `INSERT INTO surveys (store_id, terminal_id, opening_event_id, opened_ms, window_ms, closed_ms, answer, answer_event_id,
      question_kind, question_text, employee, extra_event_ids)
    SELECT $1, $2, r."openingEventId", r."openedAt", r."windowMs", r."closedAt", r.answer, r."answerEventId", r."questionKind",
      r."questionText", r.employee, r."extraEventIds"
    FROM jsonb_to_recordset($3::jsonb) AS r("openingEventId" bigint, "openedAt" bigint, "windowMs" bigint, "closedAt" bigint, answer text,
      "answerEventId" bigint, "questionKind" text, "questionText" text, employee text, "extraEventIds" jsonb)`,
  addPeriods: `INSERT INTO fm_periods (store_id, terminal_id, start_event_id, start_ms, end_ms, end_reason, end_event_id)
    SELECT $1, $2, r."startEventId", r.start, r."end", r."endReason", r."endEventId"
    FROM jsonb_to_recordset($3::jsonb) AS r("startEventId" bigint, start bigint, "end" bigint, "endReason" text, "endEventId" bigint)`,
  addUnsolicited: `INSERT INTO unsolicited (store_id, event_id, terminal_id, at_ms)
    SELECT store_id, local_id, terminal_id, at_ms FROM events WHERE store_id = $1 AND terminal_id = $2 AND local_id = ANY($3::bigint[])`,
};

/**
 * The settings history as the store reads it (gateway/store/settings.ts): values are JSON. A row the store could
 * not have written (an unknown key, a value that is not JSON) is left out, so it cannot stop a terminal's derivation.
 */
export function settingChanges(rows: readonly { key: string; value: string; fromMs: number }[]): SettingChange[] {
  const out: SettingChange[] = [];
  for (const r of rows) {
    if (!SETTING_KEYS.includes(r.key as SettingKey)) continue;
    try {
      out.push({ key: r.key as SettingKey, value: JSON.parse(r.value) as SettingChange["value"], fromMs: r.fromMs });
    } catch {
      /* not JSON: left out */
    }
  }
  return out;
}

/**
 * The terminal defaults a store gateway forwarded (docs/hub.md#derivation) over the hub's: each known key whose
 * value has the hub's type (employee and question text may be null or text), so a malformed row cannot stop a
 * derivation; none forwarded: the hub's.
 */
export function storeDefaults(json: string | undefined, hub: TerminalSettings): TerminalSettings {
  if (json === undefined) return hub;
  let sent: Record<string, unknown>;
  try {
    sent = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return hub;
  }
  if (typeof sent !== "object" || sent === null) return hub;
  const out: Record<string, unknown> = { ...hub };
  for (const [k, v] of Object.entries(hub)) {
    const x = sent[k];
    if (x === undefined) continue;
    if (typeof x === typeof v || (k === "employee" && (x === null || typeof x === "string"))) out[k] = x;
  }
  return out as unknown as TerminalSettings;
}

async function restartPoints(c: PoolClient, storeId: string, terminalId: string, fromMs: number): Promise<RestartPoints> {
  const one = async (sql: string, at: number) => (await c.query<{ t: number }>(sql, [storeId, terminalId, at])).rows[0]?.t;
  const surveysFrom = (await one(Q.lastShortBefore, fromMs)) ?? BEGINNING;
  let periodsFrom = (await one(Q.lastPeriodStart, fromMs)) ?? BEGINNING;
  for (let back = await one(Q.periodReaching, periodsFrom); back !== undefined; back = await one(Q.periodReaching, periodsFrom)) periodsFrom = back;
  return { surveysFrom, periodsFrom };
}

/**
 * Re-derives one queued terminal of `storeId` and recounts its rollups, in one transaction; returns where each
 * fold restarted, or undefined when it is no longer queued (another process derived it meanwhile).
 */
export async function rebuildHubTerminal(pool: Pool, defaults: TerminalSettings, storeId: string, terminalId: string): Promise<RestartPoints | undefined> {
  const c = await pool.connect();
  try {
    await c.query("BEGIN");
    try {
      const queued = (await c.query<{ fromMs: number }>(Q.lock, [storeId, terminalId])).rows[0];
      if (!queued) {
        await c.query("COMMIT");
        return undefined;
      }
      const args = [storeId, terminalId];
      const from = await restartPoints(c, storeId, terminalId, queued.fromMs);
      const own = storeDefaults((await c.query<{ d: string }>(Q.defaults, [storeId])).rows[0]?.d, defaults);
      const settingsAt = settingsTimeline(settingChanges((await c.query<{ key: string; value: string; fromMs: number }>(Q.settings, args)).rows), own);
      const s = derive((await c.query<TerminalEvent>(Q.surveyEvents, [...args, from.surveysFrom])).rows, settingsAt);
      const p = derive((await c.query<TerminalEvent>(Q.longEvents, [...args, from.periodsFrom])).rows, settingsAt);
      const old = (await c.query<FmPeriod>(Q.oldPeriods, [...args, from.periodsFrom])).rows;
      await c.query(Q.delSurveys, [...args, from.surveysFrom]);
      await c.query(Q.delUnsolicited, [...args, from.surveysFrom]);
      await c.query(Q.delPeriods, [...args, from.periodsFrom]);
      if (s.surveys.length) await c.query(Q.addSurveys, [...args, JSON.stringify(s.surveys)]);
      if (s.unsolicitedEventIds.length) await c.query(Q.addUnsolicited, [...args, s.unsolicitedEventIds]);
      if (p.periods.length) await c.query(Q.addPeriods, [...args, JSON.stringify(p.periods)]);
      /* As the store's rebuild: from the surveys' restart, or the first period that changed if earlier. */
      await refreshHubRollups(c, storeId, terminalId, Math.min(from.surveysFrom, firstPeriodChange(old, p.periods)));
      await c.query(Q.dequeue, args);
      await c.query("COMMIT");
      return from;
    } catch (e) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw e;
    }
  } finally {
    c.release();
  }
}

/** The terminals queued now, oldest change first (at most `limit`). */
export async function queuedTerminals(pool: Pool, limit = 1000): Promise<{ storeId: string; terminalId: string }[]> {
  const r = await pool.query<{ storeId: string; terminalId: string }>(
    `SELECT store_id AS "storeId", terminal_id AS "terminalId" FROM hub_derive_queue ORDER BY from_ms, store_id, terminal_id LIMIT $1`,
    [limit],
  );
  return r.rows;
}

/** Re-derives every terminal queued now (a report must not miss what the hub has not derived yet); returns how many. */
export async function rebuildHubQueued(pool: Pool, defaults: TerminalSettings, onError?: (storeId: string, terminalId: string, err: Error) => void): Promise<number> {
  let n = 0;
  for (const q of await queuedTerminals(pool, Number.MAX_SAFE_INTEGER)) {
    try {
      if (await rebuildHubTerminal(pool, defaults, q.storeId, q.terminalId)) n++;
    } catch (e) {
      if (!onError) throw e;
      onError(q.storeId, q.terminalId, e as Error);
    }
  }
  return n;
}
