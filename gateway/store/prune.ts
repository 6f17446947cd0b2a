/**
 * What unpaired devices leave behind, capped and expired (docs/gateway.md#floods, issue 15): pending devices (never
 * paired, no stored event) with their boots and clock log; boots that carry no stored event and are not their
 * device's current boot; a device's oldest clock-log rows. Nothing here touches a paired (or once paired) device's
 * row, an event, or a boot an event belongs to. Counts of what was dropped are kept per kind for `loyalty status`.
 */
import type { Db } from "./db.ts";

export type PruneKind = "pending_capped" | "pending_expired" | "boots_capped" | "boots_expired" | "clock_log_trimmed";

export interface PruneCount {
  kind: PruneKind;
  count: number;
  lastMs: number;
}

/* A device is pending when no pairing ever named it and no event of it was stored. */
const PENDING = `NOT EXISTS (SELECT 1 FROM pairings p WHERE p.serial = d.serial) AND NOT EXISTS (SELECT 1 FROM events e WHERE e.serial = d.serial)`;
/* A boot may go when no event of it was stored and it is not its device's current boot. */
const SPARE_BOOT = `NOT EXISTS (SELECT 1 FROM events e WHERE e.serial = b.serial AND e.boot = b.boot)
  AND b.boot IS NOT (SELECT d.boot FROM devices d WHERE d.serial = b.serial)`;

export function pruneRepo(db: Db) {
  const pendingCount = db.prepare(`SELECT count(*) AS n FROM devices d WHERE ${PENDING}`).pluck();
  const oldestPending = db.prepare(`SELECT serial FROM devices d WHERE ${PENDING} ORDER BY last_seen_ms, serial LIMIT ?`).pluck();
  const stalePending = db.prepare(`SELECT serial FROM devices d WHERE last_seen_ms < ? AND ${PENDING}`).pluck();
  const dropDevice = [
    db.prepare(`DELETE FROM devices WHERE serial = ?`),
    db.prepare(`DELETE FROM boots WHERE serial = ?`),
    db.prepare(`DELETE FROM clock_log WHERE serial = ?`),
  ];
  const bootCount = db.prepare(`SELECT count(*) AS n FROM boots WHERE serial = ?`).pluck();
  const dropOldBoots = db.prepare(
    `DELETE FROM boots WHERE rowid IN (SELECT b.rowid FROM boots b WHERE b.serial = ? AND ${SPARE_BOOT} ORDER BY b.first_seen_ms, b.boot LIMIT ?)`,
  );
  const dropStaleBoots = db.prepare(`DELETE FROM boots WHERE rowid IN (SELECT b.rowid FROM boots b WHERE b.first_seen_ms < ? AND ${SPARE_BOOT})`);
  const trimLog = db.prepare(`DELETE FROM clock_log WHERE id IN (SELECT id FROM clock_log WHERE serial = ? ORDER BY at_ms DESC, id DESC LIMIT -1 OFFSET ?)`);
  const add = db.prepare(
    `INSERT INTO prune_counts (kind, count, last_ms) VALUES (?, ?, ?) ON CONFLICT (kind) DO UPDATE SET count = count + excluded.count, last_ms = excluded.last_ms`,
  );
  const counts = db.prepare(`SELECT kind, count, last_ms AS lastMs FROM prune_counts ORDER BY kind`);
  const drop = (serials: string[]) => {
    for (const s of serials) for (const st of dropDevice) st.run(s);
    return serials;
  };
  return {
    pendingCount(): number {
      return pendingCount.get() as number;
    },
    /** Drops the `n` pending devices heard least recently, with their boots and clock log; returns their serials. */
    dropOldestPending(n: number): string[] {
      return n > 0 ? drop(oldestPending.all(n) as string[]) : [];
    },
    /** Drops pending devices not heard since `beforeMs`, with their boots and clock log; returns their serials. */
    expirePending(beforeMs: number): string[] {
      return drop(stalePending.all(beforeMs) as string[]);
    },
    bootCount(serial: string): number {
      return bootCount.get(serial) as number;
    },
    /** Drops up to `n` of the device's oldest spare boots; returns how many. */
    dropOldestBoots(serial: string, n: number): number {
      return n > 0 ? dropOldBoots.run(serial, n).changes : 0;
    },
    /** Drops spare boots first seen before `beforeMs`; returns how many. */
    expireBoots(beforeMs: number): number {
      return dropStaleBoots.run(beforeMs).changes;
    },
    /** Keeps the device's newest `keep` clock-log rows; returns how many were dropped. */
    trimClockLog(serial: string, keep: number): number {
      return trimLog.run(serial, keep).changes;
    },
    /** Adds `n` to the count of `kind`. */
    count(kind: PruneKind, n: number, now: number): void {
      if (n > 0) add.run(kind, n, now);
    },
    counts(): PruneCount[] {
      return counts.all() as PruneCount[];
    },
  };
}
