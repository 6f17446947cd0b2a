/**
 * Imported transactions and visitors (table traffic). Rows are keyed by what they count, so importing the same
 * file again replaces each row with itself and changes nothing.
 */
import type { Db } from "./db.ts";

export type TrafficKind = "transactions" | "visitors";

export interface TrafficRow {
  kind: TrafficKind;
  storeId: string;
  /** '' for the whole store. */
  terminalId: string;
  day: string;
  /** 0..23, or -1 for the whole day. */
  hour: number;
  count: number;
}

export function trafficRepo(db: Db) {
  const q = {
    get: db.prepare(`SELECT count FROM traffic WHERE kind = ? AND store_id = ? AND terminal_id = ? AND day = ? AND hour = ?`),
    put: db.prepare(
      `INSERT INTO traffic (kind, store_id, terminal_id, day, hour, count, source, imported_ms)
       VALUES (@kind, @storeId, @terminalId, @day, @hour, @count, @source, @importedMs)
       ON CONFLICT (kind, store_id, terminal_id, day, hour) DO UPDATE SET count = excluded.count, source = excluded.source,
         imported_ms = excluded.imported_ms`,
    ),
    range: db.prepare(
      `SELECT kind, store_id AS storeId, terminal_id AS terminalId, day, hour, count FROM traffic WHERE day >= ? AND day <= ?`,
    ),
  };
  return {
    /** Stores `row`; returns whether it changed anything. */
    put(row: TrafficRow, source: string, importedMs: number): boolean {
      const old = q.get.get(row.kind, row.storeId, row.terminalId, row.day, row.hour) as { count: number } | undefined;
      if (old?.count === row.count) return false;
      q.put.run({ ...row, source, importedMs });
      return true;
    },
    between(fromDay: string, toDay: string): TrafficRow[] {
      return q.range.all(fromDay, toDay) as TrafficRow[];
    },
  };
}
