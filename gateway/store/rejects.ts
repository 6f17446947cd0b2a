/** Rejected frames counted per link and code (flushed from memory in batches; see ingest/reject-counter.ts). */
import type { Db } from "./db.ts";

export interface RejectRow {
  link: string;
  code: string;
  count: number;
  lastReason: string | null;
  lastMs: number | null;
}

export function rejectsRepo(db: Db) {
  const add = db.prepare(
    `INSERT INTO rejects (link, code, count, last_reason, last_ms) VALUES (@link, @code, @count, @lastReason, @lastMs)
     ON CONFLICT (link, code) DO UPDATE SET count = count + excluded.count, last_reason = excluded.last_reason, last_ms = excluded.last_ms`,
  );
  const all = db.prepare(`SELECT link, code, count, last_reason AS lastReason, last_ms AS lastMs FROM rejects ORDER BY link, code`);
  return {
    add(rows: RejectRow[]): void {
      db.transaction(() => rows.forEach((r) => add.run(r)))();
    },
    all(): RejectRow[] {
      return all.all() as RejectRow[];
    },
  };
}
