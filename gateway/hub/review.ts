/**
 * Expert review at the hub (docs/hub.md#review-sync): the store's actions (gateway/review/actions.ts) over
 * PostgreSQL, with the same rules (gateway/review/decide.ts). Each action is one transaction holding the target's
 * lock: the log entry under a new uid, origin 'hub' and the store's next hub review number, the state in force and
 * the terminal's re-derivation (review-sql.ts, as a store's forwarded review), and a notification on which the
 * hub process sends it to the store at once (hub.ts); the store's next batch says it has applied it.
 */
import { randomUUID } from "node:crypto";
import type { Pool, PoolClient } from "pg";
import { GatewayError } from "../errors.ts";
import { inForce, orderAt, periodAfter, sameState, surveyAfter, undoRefusal } from "../review/decide.ts";
import type { ReviewEntry } from "../review/entry.ts";
import type { FmReviewState, SurveyReviewState } from "../store/reviews.ts";
import { knownStore } from "./review-list.ts";
import { REVIEW_AFTER, REVIEW_LOCK } from "./review-sql.ts";

/** The channel the hub process listens on; the payload is the store gateway's id. */
export const REVIEW_CHANNEL = "loyalty_hub_reviews";

export interface HubReviewer {
  by: string;
  now: number;
  /** Through what the review came at the hub: its command line or a program with the hub's token. */
  via: "cli" | "api";
}

/** A review log entry at the hub, as `loyalty hub review log` and the API show it. */
export interface HubReviewEntry extends ReviewEntry {
  via: string | null;
  /** Where it was made: at its store, or here. */
  origin: "store" | "hub";
  undoneByUid: string | null;
}

const ENTRY = `uid, at_ms::float8 AS "atMs", reviewer AS by, via, origin, target, target_id::float8 AS "targetId", terminal_id AS "terminalId",
  action, reason, before, after, undoes_uid AS "undoesUid", undone_by_uid AS "undoneByUid"`;

type Raw = Omit<HubReviewEntry, "before" | "after"> & { before: string; after: string };
const parse = (r: Raw): HubReviewEntry => ({ ...r, before: JSON.parse(r.before), after: JSON.parse(r.after) });

async function entriesOf(c: PoolClient, storeId: string, target: "survey" | "fm", id: number): Promise<HubReviewEntry[]> {
  const r = await c.query<Raw>(`SELECT ${ENTRY} FROM review_log WHERE store_id = $1 AND target = $2 AND target_id = $3`, [storeId, target, id]);
  return r.rows.map(parse);
}

const DEFAULT: Record<"survey" | "fm", SurveyReviewState | FmReviewState> = { survey: { valid: true, reason: null }, fm: { status: "unreviewed", endMs: null } };

interface Target {
  terminalId: string;
  start: number;
}

async function findTarget(c: PoolClient, storeId: string, target: "survey" | "fm", id: number): Promise<Target> {
  const q =
    target === "survey"
      ? `SELECT terminal_id AS "terminalId", opened_ms::float8 AS start FROM surveys WHERE store_id = $1 AND opening_event_id = $2`
      : `SELECT terminal_id AS "terminalId", start_ms::float8 AS start FROM fm_periods WHERE store_id = $1 AND start_event_id = $2`;
  const r = (await c.query<Target>(q, [storeId, id])).rows[0];
  if (r) return r;
  await knownStore(c, storeId);
  throw new GatewayError(
    "not_found",
    target === "survey"
      ? `no survey ${id} of store gateway '${storeId}' at the hub (surveys are named by the store's id of the seller press that opened them)`
      : `no force-majeure period ${id} of store gateway '${storeId}' at the hub (periods are named by the store's id of the long press that started them)`,
  );
}

/** Runs `fn` in a transaction holding the target's lock; commits what it returns unless it is null. */
async function withTarget<T>(pool: Pool, storeId: string, target: "survey" | "fm", id: number, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query("BEGIN");
    try {
      await c.query(REVIEW_LOCK, [storeId, JSON.stringify([{ target, target_id: id }])]);
      const out = await fn(c);
      await c.query(out === null ? "ROLLBACK" : "COMMIT");
      return out;
    } catch (e) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw e;
    }
  } finally {
    c.release();
  }
}

type NewEntry = Omit<ReviewEntry, "uid" | "atMs" | "by">;

async function append(c: PoolClient, storeId: string, e: NewEntry, entries: readonly HubReviewEntry[], who: HubReviewer): Promise<string> {
  const uid = randomUUID();
  const seq = (await c.query<{ n: string }>(`UPDATE hub_stores SET review_seq = review_seq + 1 WHERE store_id = $1 RETURNING review_seq AS n`, [storeId])).rows[0]!.n;
  await c.query(
    `INSERT INTO review_log (store_id, uid, at_ms, reviewer, via, origin, target, target_id, terminal_id, action, reason, before, after, undoes_uid, hub_seq)
     VALUES ($1, $2, $3, $4, $5, 'hub', $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [storeId, uid, orderAt(who.now, entries), who.by, who.via, e.target, e.targetId, e.terminalId, e.action, e.reason, JSON.stringify(e.before), JSON.stringify(e.after), e.undoesUid, seq],
  );
  const run = JSON.stringify([{ uid, target: e.target, target_id: e.targetId, terminal_id: e.terminalId, undoes_uid: e.undoesUid }]);
  for (const q of REVIEW_AFTER) await c.query(q, [storeId, run]);
  await c.query(`SELECT pg_notify($1, $2)`, [REVIEW_CHANNEL, storeId]);
  return uid;
}

/** Marks a store's survey invalid (with a reason) or valid again; returns the review's uid, or null when nothing changed. */
export function hubReviewSurvey(pool: Pool, storeId: string, id: number, valid: boolean, reason: string | null, who: HubReviewer): Promise<string | null> {
  const after = surveyAfter(valid, reason);
  return withTarget(pool, storeId, "survey", id, async (c) => {
    const t = await findTarget(c, storeId, "survey", id);
    const entries = await entriesOf(c, storeId, "survey", id);
    const before = inForce(entries)?.after ?? DEFAULT.survey;
    if (sameState(before, after)) return null;
    return append(c, storeId, { target: "survey", targetId: id, terminalId: t.terminalId, action: valid ? "valid" : "invalid", reason: after.reason ?? reason, before, after, undoesUid: null }, entries, who);
  });
}

/** Confirms or rejects a store's period, optionally correcting its end (epoch ms); the uid, or null when nothing changed. */
export function hubReviewPeriod(pool: Pool, storeId: string, id: number, status: "confirmed" | "rejected", endMs: number | null, reason: string | null, who: HubReviewer): Promise<string | null> {
  return withTarget(pool, storeId, "fm", id, async (c) => {
    const t = await findTarget(c, storeId, "fm", id);
    const entries = await entriesOf(c, storeId, "fm", id);
    const before = (inForce(entries)?.after ?? DEFAULT.fm) as FmReviewState;
    const after = periodAfter(t.start, before, status, endMs);
    if (sameState(before, after)) return null;
    return append(c, storeId, { target: "fm", targetId: id, terminalId: t.terminalId, action: status === "confirmed" ? "confirm" : "reject", reason, before, after, undoesUid: null }, entries, who);
  });
}

/** Undoes review `uid` of a store (made at the store or here), with the store's rules; returns the undo's uid. */
export async function hubUndoReview(pool: Pool, storeId: string, uid: string, who: HubReviewer): Promise<string> {
  const found = (await pool.query<{ target: "survey" | "fm"; id: string }>(`SELECT target, target_id AS id FROM review_log WHERE store_id = $1 AND uid = $2`, [storeId, uid])).rows[0];
  if (!found) {
    await knownStore(pool, storeId);
    throw new GatewayError("not_found", `no review ${uid} of store gateway '${storeId}' at the hub (reviews are named by their uid here: loyalty hub review log ${storeId})`);
  }
  const id = Number(found.id);
  const out = await withTarget(pool, storeId, found.target, id, async (c) => {
    const entries = await entriesOf(c, storeId, found.target, id);
    const named = entries.map((e) => ({ ...e, undoes: e.undoesUid, undoneBy: e.undoneByUid, name: e.uid }));
    const e = named.find((x) => x.uid === uid)!;
    const why = undoRefusal(e, found.target, named);
    if (why) throw new GatewayError("conflict", e.undoneBy !== null ? `${why} by review ${e.undoneBy}` : why);
    await findTarget(c, storeId, found.target, id);
    const now = inForce(entries)?.after ?? DEFAULT[found.target];
    return append(c, storeId, { target: found.target, targetId: id, terminalId: e.terminalId, action: "undo", reason: null, before: now, after: e.before, undoesUid: uid }, entries, who);
  });
  return out!;
}

/** A store's review log at the hub, newest first: one target's, or a terminal's, or all of the store's. */
export async function hubReviewHistory(pool: Pool, storeId: string, o: { target?: "survey" | "fm"; targetId?: number; terminalId?: string; limit?: number } = {}): Promise<HubReviewEntry[]> {
  await knownStore(pool, storeId);
  const r = await pool.query<Raw>(
    `SELECT ${ENTRY} FROM review_log WHERE store_id = $1 AND ($2::text IS NULL OR target = $2) AND ($3::bigint IS NULL OR target_id = $3)
       AND ($4::text IS NULL OR terminal_id = $4) ORDER BY at_ms DESC, uid COLLATE "C" DESC LIMIT $5`,
    [storeId, o.target ?? null, o.targetId ?? null, o.terminalId ?? null, o.limit ?? 500],
  );
  return r.rows.map(parse);
}
