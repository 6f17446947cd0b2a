/**
 * One batch into PostgreSQL (docs/hub.md#the-hub): in one transaction, lock the store's row, decide with what it
 * has committed (plan.ts), store the rows idempotently, queue the terminals whose surveys they change
 * (derive-queue.ts), and move its committed number to the batch's end. The ack is sent only after this returns,
 * so an ack always names rows that are durable at the hub.
 */
import type { Pool } from "pg";
import { ENQUEUE } from "./derive-queue.ts";
import { decide } from "./plan.ts";
import { PENDING_REVIEWS, pendingAsWire, REVIEW_AFTER, REVIEW_LOCK } from "./review-sql.ts";
import { ROW_KINDS, runSql } from "./row-kinds.ts";
import type { AckPayload, BatchPayload } from "./wire.ts";
import { HUB_WIRE_VERSION } from "./wire.ts";

export interface CommitResult {
  ack: AckPayload;
  decision: "duplicate" | "gap" | "apply";
  stored: number;
  rejected: number;
}

/** At most this many of the hub's reviews ride on one ack (the rest on the next). */
export const REVIEWS_PER_ACK = 100;

const SQL = Object.fromEntries(Object.entries(ROW_KINDS).map(([k, v]) => [k, runSql(v)]));

export async function commitBatch(pool: Pool, b: BatchPayload, nowMs: number): Promise<CommitResult> {
  const c = await pool.connect();
  try {
    await c.query("BEGIN");
    try {
      await c.query(
        `INSERT INTO hub_stores (store_id, first_contact_ms, last_contact_ms) VALUES ($1, $2, $2) ON CONFLICT (store_id) DO NOTHING`,
        [b.store, nowMs],
      );
      const r = await c.query<{ committed: string }>(`SELECT committed_seq AS committed FROM hub_stores WHERE store_id = $1 FOR UPDATE`, [b.store]);
      const committed = Number(r.rows[0]!.committed);
      const d = decide(committed, b);
      let stored = 0;
      let rejected = 0;
      let now = committed;
      if (d.kind === "apply") {
        for (const run of d.runs) {
          const bodies = JSON.stringify(run.bodies);
          const queue = ENQUEUE[run.kind];
          if (queue?.before) await c.query(queue.before, [b.store, bodies]);
          if (run.kind === "review") await c.query(REVIEW_LOCK, [b.store, bodies]);
          await c.query(SQL[run.kind]!, [b.store, bodies]);
          if (queue?.after) await c.query(queue.after, [b.store, bodies]);
          if (run.kind === "review") for (const q of REVIEW_AFTER) await c.query(q, [b.store, bodies]);
          stored += run.bodies.length;
        }
        for (const x of d.rejected) {
          await c.query(
            `INSERT INTO hub_rejected_rows (store_id, seq, kind, reason, body, at_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
            [b.store, x.seq, x.kind, x.reason, x.body, nowMs],
          );
        }
        rejected = d.rejected.length;
        now = d.to;
      }
      /* The store says which of the hub's reviews it has applied: the hub sends the ones after (a store restored from a backup gets them again). */
      await c.query(
        `UPDATE hub_stores SET committed_seq = $2, reported_last = greatest(reported_last, $3), last_contact_ms = $4,
           last_commit_ms = CASE WHEN $2 > committed_seq THEN $4 ELSE last_commit_ms END, review_acked = coalesce($5, review_acked) WHERE store_id = $1`,
        [b.store, now, b.last, nowMs, b.reviewSeq ?? null],
      );
      const reviews = b.reviewSeq === undefined ? [] : (await c.query(PENDING_REVIEWS, [b.store, b.reviewSeq, REVIEWS_PER_ACK])).rows;
      await c.query("COMMIT");
      const ack: AckPayload = d.kind === "gap" ? { v: HUB_WIRE_VERSION, acked: now, replayFrom: now + 1 } : { v: HUB_WIRE_VERSION, acked: now };
      if (reviews.length) ack.reviews = pendingAsWire(reviews);
      return { ack, decision: d.kind, stored, rejected };
    } catch (e) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw e;
    }
  } finally {
    c.release();
  }
}
