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
  /**
   * Store gateways that count indices with other settings than the hub's `indices` (k, minimum sample, references):
   * chain reports use the hub's, so their figures there differ from their own reports until the settings agree.
   */
  warnings: string[];
}

interface Row {
  store_id: string;
  committed_seq: string;
  reported_last: string;
  last_contact_ms: string;
  last_commit_ms: string | null;
  events: string;
}

export async function readHubStatus(pool: Pool, alarms: HubConfig["alarms"], nowMs: number, indices?: HubConfig["indices"]): Promise<HubStatus> {
  const r = await pool.query<Row>(
    `SELECT s.store_id, s.committed_seq, s.reported_last, s.last_contact_ms, s.last_commit_ms,
       (SELECT count(*) FROM events e WHERE e.store_id = s.store_id) AS events, x.indices
     FROM hub_stores s LEFT JOIN store_settings x ON x.store_id = s.store_id ORDER BY s.store_id`,
  );
  return hubStatus(r.rows, alarms, nowMs, indices);
}

/** JSON with sorted keys, so two equal settings objects read the same whatever order their keys came in. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

export function hubStatus(rows: readonly (Row & { indices?: string | null })[], a: HubConfig["alarms"], nowMs: number, indices?: HubConfig["indices"]): HubStatus {
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
  const warnings: string[] = [];
  if (indices) {
    for (const r of rows) {
      if (!r.indices) continue;
      let theirs: unknown;
      try {
        theirs = JSON.parse(r.indices);
      } catch {
        continue;
      }
      if (canonical(theirs) !== canonical(indices)) warnings.push(`store ${r.store_id} counts indices with other settings than this hub's \`indices\` (k, minimum sample, references): chain reports use the hub's; set them equal`);
    }
  }
  return { stores, alarms: stores.flatMap((s) => s.alarms), warnings };
}
