/**
 * Clock bookkeeping per device: for each boot the offset epoch - uptime (the smallest received - uptime seen,
 * since a frame can only arrive after it was sent), whether it is known (a hello or status of that boot arrived,
 * docs/gateway.md#clocks), and a log of clock corrections sent and offsets observed.
 */
import type { Db } from "./db.ts";

export interface BootRow {
  offsetMs: number;
  /** When the first hello or status of this boot arrived; null: only replayed events of it were seen. */
  liveMs: number | null;
}

export function bootsRepo(db: Db) {
  const get = db.prepare(`SELECT offset_ms AS offsetMs, live_ms AS liveMs FROM boots WHERE serial = ? AND boot = ?`);
  const insert = db.prepare(`INSERT INTO boots (serial, boot, offset_ms, first_seen_ms) VALUES (?, ?, ?, ?)`);
  const lower = db.prepare(`UPDATE boots SET offset_ms = ? WHERE serial = ? AND boot = ? AND offset_ms > ?`);
  const live = db.prepare(`UPDATE boots SET live_ms = ? WHERE serial = ? AND boot = ? AND live_ms IS NULL`);
  const log = db.prepare(`INSERT INTO clock_log (serial, at_ms, kind, value_ms) VALUES (?, ?, ?, ?)`);
  const recent = db.prepare(`SELECT at_ms AS atMs, kind, value_ms AS valueMs FROM clock_log WHERE serial = ? ORDER BY at_ms DESC LIMIT ?`);
  return {
    get(serial: string, boot: string): BootRow | undefined {
      return get.get(serial, boot) as BootRow | undefined;
    },
    offset(serial: string, boot: string): number | undefined {
      return this.get(serial, boot)?.offsetMs;
    },
    /** Records one observation; returns the new offset when it improved (or is the first), else undefined. */
    observe(serial: string, boot: string, candidateMs: number, now: number): number | undefined {
      const known = this.offset(serial, boot);
      if (known === undefined) {
        insert.run(serial, boot, candidateMs, now);
        return candidateMs;
      }
      return lower.run(candidateMs, serial, boot, candidateMs).changes > 0 ? candidateMs : undefined;
    },
    /**
     * Records that a frame only ever sent live in this boot (hello, status) arrived; true when it is the first, so
     * the boot's offset has just become known. Call after `observe` for the same boot.
     */
    heardLive(serial: string, boot: string, now: number): boolean {
      return live.run(now, serial, boot).changes > 0;
    },
    /** kind: `time_sent` (value: the time sent) or `offset` (value: gateway clock - device clock). */
    log(serial: string, atMs: number, kind: "time_sent" | "offset", valueMs: number): void {
      log.run(serial, atMs, kind, valueMs);
    },
    recent(serial: string, limit: number): { atMs: number; kind: string; valueMs: number }[] {
      return recent.all(serial, limit) as { atMs: number; kind: string; valueMs: number }[];
    },
  };
}
