/** The last night whose reports the nightly job wrote, per store, so that a gateway that was down catches up. */
import type { Db } from "./db.ts";

export function reportNightsRepo(db: Db) {
  const last = db.prepare(`SELECT day FROM report_nights WHERE store_id = ?`);
  const record = db.prepare(
    `INSERT INTO report_nights (store_id, day, written_ms) VALUES (?, ?, ?)
     ON CONFLICT (store_id) DO UPDATE SET day = max(day, excluded.day), written_ms = excluded.written_ms`,
  );
  return {
    /** The last night written for `storeId` (`YYYY-MM-DD`), undefined when none was recorded. */
    last(storeId: string): string | undefined {
      return (last.get(storeId) as { day: string } | undefined)?.day;
    },
    /** Records that `day`'s reports of `storeId` are written; an earlier day never moves the record back. */
    record(storeId: string, day: string, now: number): void {
      record.run(storeId, day, now);
    },
  };
}
