/**
 * Raw SQLite rate: better-sqlite3 inserting rows into the gateway's own events table, opened by the gateway's own
 * openDatabase (same schema, WAL, synchronous=FULL) in a temporary file, `batch` rows per transaction.
 * No devices, no decoding, no acks: the ceiling the ingest path could reach on this disk.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../gateway/store/db.ts";
import { eventsRepo } from "../gateway/store/events.ts";

export interface SqliteRate {
  batch: number;
  rows: number;
  elapsedMs: number;
  eps: number;
}

/** Inserts batches of `batch` rows until `maxRows` are in or `maxMs` has passed. */
export function rawSqliteRate(batch: number, maxRows: number, maxMs: number): SqliteRate {
  const dir = mkdtempSync(join(tmpdir(), "lb-bench-sqlite-"));
  const db = openDatabase(join(dir, "raw.sqlite"));
  try {
    const events = eventsRepo(db);
    const now = Date.now();
    let seq = 0;
    const insertBatch = db.transaction(() => {
      for (let i = 0; i < batch; i++) {
        seq++;
        const serial = "bench-" + (seq % 100);
        events.insert({ serial, boot: "0badc0de", seq, kind: "yes", btn: null, ts: now + seq, synced: true, atMs: now + seq, receivedMs: now + seq, terminalId: "bench." + serial, link: "mqtt:" + serial });
      }
    });
    const t0 = performance.now();
    while (seq < maxRows && performance.now() - t0 < maxMs) insertBatch();
    const elapsedMs = performance.now() - t0;
    return { batch, rows: seq, elapsedMs, eps: seq / (elapsedMs / 1000) };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
