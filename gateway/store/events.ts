/** The append-only event log: one row per (serial, boot, seq), however often the device sends it. */
import type { EventKind } from "../../protocol/schemas.ts";
import type { TerminalEvent } from "../surveys/model.ts";
import type { UntimedReason } from "../time/event-time.ts";
import type { Db } from "./db.ts";

export interface NewEvent {
  serial: string;
  boot: string;
  seq: number;
  kind: EventKind;
  btn: string | null;
  ts: number;
  synced: boolean;
  /**
   * An unsynced event of a boot whose offset is not known (no hello or status of that boot arrived): kept out of
   * surveys and periods, and `atMs` is only the latest time it can have happened (docs/gateway.md#clocks).
   */
  untimed?: boolean;
  /** Why it is untimed (gateway/time/event-time.ts); `unheard_boot` when untimed and not given. */
  untimedReason?: UntimedReason;
  atMs: number;
  receivedMs: number;
  /** Null for an event recorded while its device was between two pairings. */
  terminalId: string | null;
  link: string;
}

export type StoredEvent = Omit<NewEvent, "boot" | "seq" | "terminalId" | "link" | "untimed" | "untimedReason"> & { id: number };

/** An untimed event, as the expert's list shows it (gateway/review/list.ts). */
export interface UntimedEvent {
  id: number;
  serial: string;
  boot: string;
  seq: number;
  kind: EventKind;
  /** ms since its boot started (`unheard_boot`), else the device's synced time that could not be believed. */
  ts: number;
  /** The latest it can have happened: the boot's offset is an upper bound, or its arrival. */
  latestMs: number;
  reason: UntimedReason;
  receivedMs: number;
  /** null: the device was paired to no terminal when it arrived. */
  terminalId: string | null;
}

/**
 * An event stored with no terminal: its device was paired to none when it arrived (recorded after an unpair, before
 * the device learnt of it). Timed or untimed; as the expert's list shows it (gateway/review/list.ts).
 */
export interface UnassignedEvent {
  id: number;
  serial: string;
  boot: string;
  seq: number;
  kind: EventKind;
  btn: string | null;
  /** When it happened (a timed event), or the latest it can have happened (an untimed one). */
  atMs: number;
  /** null: timed; else why its time cannot be known. */
  reason: UntimedReason | null;
  receivedMs: number;
}

export function eventsRepo(db: Db) {
  const insert = db.prepare(
    `INSERT INTO events (serial, boot, seq, kind, btn, ts, synced, untimed, untimed_reason, at_ms, received_ms, terminal_id, link)
     VALUES (@serial, @boot, @seq, @kind, @btn, @ts, @synced, @untimed, @untimedReason, @atMs, @receivedMs, @terminalId, @link)
     ON CONFLICT (serial, boot, seq) DO NOTHING`,
  );
  const forTerminal = db.prepare(
    `SELECT id, at_ms AS at, kind, serial AS device, boot, seq FROM events WHERE terminal_id = ? AND at_ms >= ? AND untimed = 0 ORDER BY at_ms, id`,
  );
  const unsynced = db.prepare(
    `SELECT id, ts, at_ms AS atMs, untimed, terminal_id AS terminalId FROM events WHERE serial = ? AND boot = ? AND synced = 0`,
  );
  const setAt = db.prepare(`UPDATE events SET at_ms = ? WHERE id = ?`);
  const untimedOfBoot = db.prepare(`SELECT id, ts, at_ms AS atMs, terminal_id AS terminalId FROM events WHERE serial = ? AND boot = ? AND untimed = 1 AND synced = 0`);
  const setTimed = db.prepare(`UPDATE events SET at_ms = ?, untimed = 0, untimed_reason = NULL WHERE id = ?`);
  const untimedList = db.prepare(
    `SELECT id, serial, boot, seq, kind, ts, at_ms AS latestMs, received_ms AS receivedMs, terminal_id AS terminalId,
       coalesce(untimed_reason, 'unheard_boot') AS reason
     FROM events WHERE untimed = 1 AND terminal_id IS ? AND received_ms >= ? AND received_ms < ? ORDER BY received_ms, id LIMIT ?`,
  );
  const untimedCount = db.prepare(`SELECT count(*) AS n FROM events WHERE untimed = 1 AND terminal_id IS ? AND received_ms >= ? AND received_ms < ?`);
  /* terminal_id IS NULL finds them through events_terminal_at; they are few. */
  const unassignedList = db.prepare(
    `SELECT id, serial, boot, seq, kind, btn, at_ms AS atMs, received_ms AS receivedMs,
       CASE WHEN untimed = 1 THEN coalesce(untimed_reason, 'unheard_boot') END AS reason
     FROM events WHERE terminal_id IS NULL AND received_ms >= ? AND received_ms < ? ORDER BY received_ms, id LIMIT ?`,
  );
  const unassignedCount = db.prepare(`SELECT count(*) AS n FROM events WHERE terminal_id IS NULL AND received_ms >= ? AND received_ms < ?`);
  const untimedTotals = db.prepare(`SELECT count(*) AS events, count(*) - count(terminal_id) AS unpaired FROM events WHERE untimed = 1`);
  const count = db.prepare(`SELECT count(*) AS n FROM events`);
  const countBetween = db.prepare(`SELECT count(*) AS n FROM events WHERE terminal_id = ? AND at_ms >= ? AND at_ms < ?`);
  const since = db.prepare(
    `SELECT id, serial, kind, btn, ts, synced, at_ms AS atMs, received_ms AS receivedMs FROM events WHERE terminal_id = ? AND id > ? ORDER BY id`,
  );
  const lastId = db.prepare(`SELECT coalesce(max(id), 0) AS id FROM events`);
  return {
    /** Inserts one event; false when (serial, boot, seq) was already stored. Call inside a transaction. */
    insert(e: NewEvent): boolean {
      const untimedReason = e.untimed ? (e.untimedReason ?? "unheard_boot") : null;
      return insert.run({ ...e, synced: e.synced ? 1 : 0, untimed: e.untimed ? 1 : 0, untimedReason }).changes > 0;
    },
    forTerminal(terminalId: string, fromMs: number): TerminalEvent[] {
      return forTerminal.all(terminalId, fromMs) as TerminalEvent[];
    },
    /**
     * Re-times a boot's unsynced events with a better offset; returns the earliest affected time per terminal.
     * Untimed events get the tighter bound too, but are in no survey, so they touch no terminal.
     */
    retime(serial: string, boot: string, offsetMs: number): Map<string, number> {
      const touched = new Map<string, number>();
      for (const r of unsynced.all(serial, boot) as { id: number; ts: number; atMs: number; untimed: number; terminalId: string | null }[]) {
        const at = r.ts + offsetMs;
        if (at === r.atMs) continue;
        setAt.run(at, r.id);
        if (r.terminalId && r.untimed === 0) touched.set(r.terminalId, Math.min(touched.get(r.terminalId) ?? Infinity, at, r.atMs));
      }
      return touched;
    },
    /**
     * Places a boot's unsynced untimed events once its offset became known (its first hello or status arrived after
     * them); returns the earliest placed time per terminal, to rebuild from. A synced event untimed for its clock
     * stays untimed: a known offset says nothing of a wrong clock.
     */
    place(serial: string, boot: string, offsetMs: number): Map<string, number> {
      const touched = new Map<string, number>();
      for (const r of untimedOfBoot.all(serial, boot) as { id: number; ts: number; terminalId: string | null }[]) {
        const at = r.ts + offsetMs;
        setTimed.run(at, r.id);
        if (r.terminalId) touched.set(r.terminalId, Math.min(touched.get(r.terminalId) ?? Infinity, at));
      }
      return touched;
    },
    /** A terminal's (null: no terminal's) untimed events that arrived in [fromMs, toMs), oldest arrival first, at most `limit`. */
    untimed(terminalId: string | null, fromMs: number, toMs: number, limit: number): UntimedEvent[] {
      return untimedList.all(terminalId, fromMs, toMs, limit) as UntimedEvent[];
    },
    /** How many of a terminal's (null: no terminal's) untimed events arrived in [fromMs, toMs). */
    countUntimed(terminalId: string | null, fromMs: number, toMs: number): number {
      return (untimedCount.get(terminalId, fromMs, toMs) as { n: number }).n;
    },
    /** The events of no terminal that arrived in [fromMs, toMs), oldest arrival first, at most `limit`. */
    unassigned(fromMs: number, toMs: number, limit: number): UnassignedEvent[] {
      return unassignedList.all(fromMs, toMs, limit) as UnassignedEvent[];
    },
    /** How many events of no terminal arrived in [fromMs, toMs). */
    countUnassigned(fromMs: number, toMs: number): number {
      return (unassignedCount.get(fromMs, toMs) as { n: number }).n;
    },
    /** Every untimed event stored, and how many of them arrived when their device was paired to no terminal. */
    untimedTotals(): { events: number; unpaired: number } {
      return untimedTotals.get() as { events: number; unpaired: number };
    },
    /** A terminal's events stored after the row `afterId`, in storage order (for `loyalty test`). */
    since(terminalId: string, afterId: number): StoredEvent[] {
      return (since.all(terminalId, afterId) as (Omit<StoredEvent, "synced"> & { synced: number })[]).map((r) => ({ ...r, synced: r.synced === 1 }));
    },
    /** The newest event row id (0 when none). */
    lastId(): number {
      return (lastId.get() as { id: number }).id;
    },
    count(): number {
      return (count.get() as { n: number }).n;
    },
    /** How many of a terminal's events have times in [fromMs, toMs). */
    countBetween(terminalId: string, fromMs: number, toMs: number): number {
      return (countBetween.get(terminalId, fromMs, toMs) as { n: number }).n;
    },
  };
}
