/**
 * `loyalty hub status` (docs/hub.md#status): each store's lag (rows it has numbered that the hub has not committed)
 * and when it was last heard, with an alarm for each store past the thresholds. The query is at the edge; what
 * the rows mean is pure.
 */
import type { Pool } from "pg";
import type { HubConfig } from "./config.ts";

export interface StoreLag {
  store: string;
  /** The highest sequence number committed at the hub. */
  committed: number;
  /** The highest the store has said it numbered (with its last batch or heartbeat). */
  last: number;
  lag: number;
  lastContactMs: number;
  lastCommitMs: number | null;
  events: number;
  alarms: string[];
}

export interface HubStatus {
  stores: StoreLag[];
  alarms: string[];
}

interface Row {
  store_id: string;
  committed_seq: string;
  reported_last: string;
  last_contact_ms: string;
  last_commit_ms: string | null;
  events: string;
}

export async function readHubStatus(pool: Pool, alarms: HubConfig["alarms"], nowMs: number): Promise<HubStatus> {
  const r = await pool.query<Row>(
    `SELECT s.store_id, s.committed_seq, s.reported_last, s.last_contact_ms, s.last_commit_ms,
       (SELECT count(*) FROM events e WHERE e.store_id = s.store_id) AS events
     FROM hub_stores s ORDER BY s.store_id`,
  );
  return hubStatus(r.rows, alarms, nowMs);
}

export function hubStatus(rows: readonly Row[], a: HubConfig["alarms"], nowMs: number): HubStatus {
  const stores = rows.map((r): StoreLag => {
    const committed = Number(r.committed_seq);
    const last = Number(r.reported_last);
    const lastContactMs = Number(r.last_contact_ms);
    const lag = Math.max(0, last - committed);
    const alarms: string[] = [];
    if (lag > a.lagRows) alarms.push(`store ${r.store_id} is ${lag} rows behind (alarm above ${a.lagRows})`);
    const silent = nowMs - lastContactMs;
    if (silent > a.silentMs) alarms.push(`store ${r.store_id} not heard for ${Math.round(silent / 1000)} s (alarm after ${Math.round(a.silentMs / 1000)} s)`);
    return { store: r.store_id, committed, last, lag, lastContactMs, lastCommitMs: r.last_commit_ms === null ? null : Number(r.last_commit_ms), events: Number(r.events), alarms };
  });
  return { stores, alarms: stores.flatMap((s) => s.alarms) };
}
