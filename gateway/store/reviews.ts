/**
 * Expert reviews in SQLite: the state in force (survey_reviews, fm_reviews) and the append-only audit log
 * (review_log). gateway/review/actions.ts decides; this only reads and writes.
 */
import { randomUUID } from "node:crypto";
import type { Via } from "./audit.ts";
import type { Db } from "./db.ts";

export interface SurveyReviewState {
  valid: boolean;
  reason: string | null;
}
export interface FmReviewState {
  status: "unreviewed" | "confirmed" | "rejected";
  /** The expert's corrected end, epoch ms; null keeps the derived end. */
  endMs: number | null;
}

export interface ReviewLogEntry {
  id: number;
  /** The review's identity across the chain (migration 13): the same at the store and at the hub. */
  uid: string;
  atMs: number;
  by: string;
  target: "survey" | "fm";
  targetId: number;
  terminalId: string;
  action: string;
  reason: string | null;
  before: SurveyReviewState | FmReviewState;
  after: SurveyReviewState | FmReviewState;
  undoes: number | null;
  undoneBy: number | null;
  /** The uid of the entry it undoes (as `undoes`, across the chain). */
  undoesUid: string | null;
  /** Through what it came (null: before the web app, issue 16); `hub`: made at the chain hub. */
  via: Via | null;
  /** The signed-in user's id, when it came from the web. */
  userId: number | null;
}

export function reviewsRepo(db: Db) {
  const q = {
    survey: db.prepare(`SELECT valid, reason FROM survey_reviews WHERE opening_event_id = ?`),
    putSurvey: db.prepare(
      `INSERT INTO survey_reviews (opening_event_id, valid, reason) VALUES (?, ?, ?)
       ON CONFLICT (opening_event_id) DO UPDATE SET valid = excluded.valid, reason = excluded.reason`,
    ),
    delSurvey: db.prepare(`DELETE FROM survey_reviews WHERE opening_event_id = ?`),
    fm: db.prepare(`SELECT status, end_ms AS endMs FROM fm_reviews WHERE start_event_id = ?`),
    putFm: db.prepare(
      `INSERT INTO fm_reviews (start_event_id, status, end_ms) VALUES (?, ?, ?)
       ON CONFLICT (start_event_id) DO UPDATE SET status = excluded.status, end_ms = excluded.end_ms`,
    ),
    delFm: db.prepare(`DELETE FROM fm_reviews WHERE start_event_id = ?`),
    log: db.prepare(
      `INSERT INTO review_log (uid, at_ms, by, target, target_id, terminal_id, action, reason, before, after, undoes, undoes_uid, via, user_id)
       VALUES (@uid, @atMs, @by, @target, @targetId, @terminalId, @action, @reason, @before, @after, @undoes, @undoesUid, @via, @userId)`,
    ),
    markUndone: db.prepare(`UPDATE review_log SET undone_by = ? WHERE id = ?`),
    entry: db.prepare(`SELECT * FROM review_log WHERE id = ?`),
    byUid: db.prepare(`SELECT * FROM review_log WHERE uid = ?`),
    entries: db.prepare(`SELECT * FROM review_log WHERE (? IS NULL OR terminal_id = ?) ORDER BY id DESC LIMIT ?`),
    ofTarget: db.prepare(`SELECT * FROM review_log WHERE target = ? AND target_id = ? ORDER BY id`),
  };
  type Raw = { id: number; uid: string; undoes_uid: string | null; at_ms: number; by: string; target: "survey" | "fm"; target_id: number; terminal_id: string; action: string; reason: string | null; before: string; after: string; undoes: number | null; undone_by: number | null; via: Via | null; user_id: number | null };
  const entry = (r: Raw): ReviewLogEntry => ({
    id: r.id,
    uid: r.uid,
    undoesUid: r.undoes_uid,
    atMs: r.at_ms,
    by: r.by,
    target: r.target,
    targetId: r.target_id,
    terminalId: r.terminal_id,
    action: r.action,
    reason: r.reason,
    before: JSON.parse(r.before),
    after: JSON.parse(r.after),
    undoes: r.undoes,
    undoneBy: r.undone_by,
    via: r.via,
    userId: r.user_id,
  });

  return {
    survey(openingEventId: number): SurveyReviewState {
      const r = q.survey.get(openingEventId) as { valid: number; reason: string | null } | undefined;
      return r ? { valid: r.valid === 1, reason: r.reason } : { valid: true, reason: null };
    },
    setSurvey(openingEventId: number, s: SurveyReviewState): void {
      if (s.valid && s.reason === null) q.delSurvey.run(openingEventId);
      else q.putSurvey.run(openingEventId, s.valid ? 1 : 0, s.reason);
    },
    fm(startEventId: number): FmReviewState {
      const r = q.fm.get(startEventId) as FmReviewState | undefined;
      return r ?? { status: "unreviewed", endMs: null };
    },
    setFm(startEventId: number, s: FmReviewState): void {
      if (s.status === "unreviewed" && s.endMs === null) q.delFm.run(startEventId);
      else if (s.status === "unreviewed") throw new Error("an unreviewed period keeps its derived end");
      else q.putFm.run(startEventId, s.status, s.endMs);
    },
    /** Appends an entry (a new uid unless one is given: a review made elsewhere keeps its own); returns its id. */
    log(e: Omit<ReviewLogEntry, "id" | "undoneBy" | "uid" | "undoesUid"> & { uid?: string; undoesUid?: string | null }): number {
      const undoesUid = e.undoesUid ?? (e.undoes === null ? null : ((q.entry.get(e.undoes) as Raw | undefined)?.uid ?? null));
      const row = { ...e, uid: e.uid ?? randomUUID(), undoesUid, before: JSON.stringify(e.before), after: JSON.stringify(e.after) };
      const id = Number(q.log.run(row).lastInsertRowid);
      if (e.undoes !== null) q.markUndone.run(id, e.undoes);
      return id;
    },
    entry(id: number): ReviewLogEntry | undefined {
      const r = q.entry.get(id) as Raw | undefined;
      return r && entry(r);
    },
    byUid(uid: string): ReviewLogEntry | undefined {
      const r = q.byUid.get(uid) as Raw | undefined;
      return r && entry(r);
    },
    /** Newest first; all terminals when `terminalId` is null. */
    entries(terminalId: string | null, limit: number): ReviewLogEntry[] {
      return (q.entries.all(terminalId, terminalId, limit) as Raw[]).map(entry);
    },
    history(target: "survey" | "fm", targetId: number): ReviewLogEntry[] {
      return (q.ofTarget.all(target, targetId) as Raw[]).map(entry);
    },
  };
}
