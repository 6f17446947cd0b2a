/**
 * The forward outbox to the chain hub (migration 12, docs/hub.md): whether forwarding is on and for which store
 * id, the rows not yet committed at the hub, and what the hub acked.
 */
import { GatewayError } from "../errors.ts";
import type { Db } from "./db.ts";
import { bodySql, OUTBOX_SOURCES } from "./outbox-rows.ts";

export interface OutboxRow {
  seq: number;
  kind: string;
  /** The row's columns as JSON text (outbox-rows.ts). */
  body: string;
}

export interface ForwardState {
  storeId: string;
  /** The highest sequence number the hub has said it committed. */
  ackedSeq: number;
}

/** Whether some numbers in (`acked`, `last`] are no longer in an outbox whose oldest kept number is `oldest` (numbers have no gaps). */
export function rowsLost(acked: number, oldest: number | undefined, last: number): boolean {
  return oldest === undefined ? last > acked : oldest > acked + 1;
}

export function hubOutboxRepo(db: Db) {
  const q = {
    state: db.prepare(`SELECT store_id AS storeId, acked_seq AS ackedSeq FROM hub_forward WHERE id = 1`),
    begin: db.prepare(`INSERT INTO hub_forward (id, store_id, acked_seq, started_ms) VALUES (1, ?, 0, ?)`),
    after: db.prepare(`SELECT seq, kind, body FROM hub_outbox WHERE seq > ? ORDER BY seq LIMIT ?`),
    last: db.prepare(`SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'hub_outbox'), 0) AS seq`),
    pending: db.prepare(`SELECT count(*) AS n FROM hub_outbox WHERE seq > ?`),
    ack: db.prepare(`UPDATE hub_forward SET acked_seq = ?, acked_ms = ? WHERE id = 1 AND acked_seq < ?`),
    rewind: db.prepare(`UPDATE hub_forward SET acked_seq = ? WHERE id = 1`),
    drop: db.prepare(`DELETE FROM hub_outbox WHERE seq <= ?`),
    oldest: db.prepare(`SELECT min(seq) AS seq FROM hub_outbox`),
    skipTo: db.prepare(`UPDATE sqlite_sequence SET seq = ? WHERE name = 'hub_outbox' AND seq < ?`),
    settingsSent: db.prepare(`SELECT settings_sent AS s FROM hub_forward WHERE id = 1`),
    sendSettings: db.prepare(`INSERT INTO hub_outbox (kind, body) VALUES ('settings', ?)`),
    markSettings: db.prepare(`UPDATE hub_forward SET settings_sent = ? WHERE id = 1`),
    reviewSeq: db.prepare(`SELECT review_seq AS n FROM hub_forward WHERE id = 1`),
    setReviewSeq: db.prepare(`UPDATE hub_forward SET review_seq = ? WHERE id = 1 AND review_seq < ?`),
    firstNumber: db.prepare(`INSERT INTO sqlite_sequence (name, seq) SELECT 'hub_outbox', ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'hub_outbox')`),
  };
  /** The outbox row of the figure settings (`settings`: what hub_forward.settings_sent keeps). */
  const sendSettings = (settings: string, now: number) => {
    const parsed = JSON.parse(settings) as Record<string, unknown>;
    q.sendSettings.run(JSON.stringify({ terminal_defaults: JSON.stringify(parsed.terminalDefaults), indices: JSON.stringify(parsed.indices), at_ms: now }));
  };
  return {
    /** The forwarding state, or undefined while this gateway has never forwarded to a hub. */
    state(): ForwardState | undefined {
      return q.state.get() as ForwardState | undefined;
    },
    /**
     * Turns forwarding on for `storeId`, and puts every row stored so far in the outbox (stores, terminals,
     * pairings, settings, events, traffic, in that order). Once on, it stays on for that id: a gateway started
     * with another `hub.storeId` is refused, since the hub keeps its sequence numbers under the first one.
     * Call inside a transaction.
     */
    begin(storeId: string, now: number): ForwardState {
      const s = this.state();
      if (s) {
        if (s.storeId !== storeId) {
          throw new GatewayError("config", `hub.storeId is '${storeId}' but this database forwards to the hub as '${s.storeId}': set hub.storeId back to '${s.storeId}' (the hub keeps this database's rows under that id)`);
        }
        return s;
      }
      q.begin.run(storeId, now);
      this.seed({ changes: false });
      return { storeId, ackedSeq: 0 };
    },
    /**
     * Puts the rows of the tables in the outbox again, numbered after the last number (stores, terminals,
     * pairings, settings, events, traffic, in that order), and returns how many: the hub stores what it lacks and
     * skips what it has (its ON CONFLICT), so each row stays there once. `sinceMs` keeps only the events stored
     * from then on (the other tables are small and sent whole). `changes` also sends again the changes the hub
     * would not take from a row it already has (an unsynced event's new time, outbox-rows.ts `resend`); the first
     * start needs none, since its rows are the first the hub sees. Call inside a transaction, with forwarding on.
     */
    seed(o: { sinceMs?: number; changes: boolean }): number {
      /*
       * Writes before it reads: another process's command (`loyalty hub resend`) gets the write lock at its first
       * statement, instead of reading a snapshot the gateway then changes (SQLITE_BUSY, which no wait cures).
       */
      let rows = 0;
      for (const src of OUTBOX_SOURCES) {
        const pick = src.on === "insert" ? { where: src.since && o.sinceMs !== undefined ? `${src.since} >= ${Math.floor(o.sinceMs)}` : "1", orderBy: src.orderBy } : o.changes ? src.resend : undefined;
        if (!pick) continue;
        rows += db.prepare(`INSERT INTO hub_outbox (kind, body) SELECT '${src.kind}', ${bodySql(src, "")} FROM ${src.table} WHERE ${pick.where} ORDER BY ${pick.orderBy}`).run().changes;
      }
      /* The figure settings last sent, which a hub that lost rows may have lost too. */
      const sent = (q.settingsSent.get() as { s: string | null } | undefined)?.s;
      if (sent) {
        sendSettings(sent, Date.now());
        rows++;
      }
      return rows;
    },
    /**
     * Whether rows numbered after `seq` are gone from the outbox: the hub says it has committed only up to `seq`,
     * but rows after it were acked before and deleted (the hub's database was restored from an older backup).
     */
    lostAfter(seq: number): boolean {
      return rowsLost(seq, this.oldestKept(), this.lastSeq());
    },
    /** Up to `max` rows after `seq`, in order. */
    after(seq: number, max: number): OutboxRow[] {
      return q.after.all(seq, max) as OutboxRow[];
    },
    /** The highest sequence number ever given (0 when none), acked or not. */
    lastSeq(): number {
      return (q.last.get() as { seq: number }).seq;
    },
    /** Rows after `seq` still in the outbox. */
    pendingAfter(seq: number): number {
      return (q.pending.get(seq) as { n: number }).n;
    },
    /** The oldest sequence number still kept (undefined when the outbox is empty). */
    oldestKept(): number | undefined {
      return (q.oldest.get() as { seq: number | null }).seq ?? undefined;
    },
    /** Records the hub's ack and deletes the rows it covers. Call inside a transaction. */
    acked(seq: number, now: number): void {
      q.ack.run(seq, now, seq);
      q.drop.run(seq);
    },
    /** Sets the acked number back (the hub says it has less than we thought: its database was restored). */
    rewind(seq: number): void {
      q.rewind.run(seq);
    },
    /**
     * Puts the settings the figures depend on (`settings`: JSON text) in the outbox when they are not what was sent
     * last; returns whether it did. Call inside a transaction, with forwarding on.
     */
    settings(settings: string, now: number): boolean {
      if ((q.settingsSent.get() as { s: string | null } | undefined)?.s === settings) return false;
      sendSettings(settings, now);
      q.markSettings.run(settings);
      return true;
    },
    /** The number of the last review made at the hub that this store applied (0: none). */
    reviewSeq(): number {
      return (q.reviewSeq.get() as { n: number } | undefined)?.n ?? 0;
    },
    /** Records that the hub's reviews up to `n` are applied. Call inside the transaction that applied them. */
    reviewsApplied(n: number): void {
      q.setReviewSeq.run(n, n);
    },
    /**
     * Makes new rows numbered after `seq`: the hub has committed numbers this database never gave (it was restored
     * from an older backup), and rows numbered again would be taken by the hub for ones it already has.
     */
    skipTo(seq: number): void {
      q.skipTo.run(seq, seq);
      q.firstNumber.run(seq);
    },
  };
}
