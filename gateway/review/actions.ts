/**
 * What an expert does (docs/reports.md#expert-review; ../shared/methodology.md, "Validity" and "Force-majeure"):
 * mark a survey invalid and back, confirm or reject a force-majeure period and correct its end, undo any of it.
 * Every action is one transaction: the new state, its audit entry (who, when, before/after) and the recount of
 * the days it touches, so indices follow at once.
 */
import { GatewayError } from "../errors.ts";
import type { Via } from "../store/audit.ts";
import type { FmReviewState, SurveyReviewState } from "../store/reviews.ts";
import type { Store } from "../store/store.ts";

/** Longest a corrected force-majeure period may last: a guard against a mistyped date. */
export const MAX_FM_MS = 24 * 3_600_000;

export interface Reviewer {
  by: string;
  now: number;
  /** Through what the review came; the audit log keeps it with `by` (null: not said). */
  via?: Via;
  /** The signed-in user's id, from the web. */
  userId?: number | null;
}

function survey(store: Store, id: number) {
  const s = store.derived.survey(id);
  if (!s) throw new GatewayError("not_found", `no survey ${id} (surveys are named by the id of the seller press that opened them)`);
  return s;
}

function period(store: Store, id: number) {
  const p = store.derived.period(id);
  if (!p) throw new GatewayError("not_found", `no force-majeure period ${id} (periods are named by the id of the long press that started them)`);
  return p;
}

function same(a: object, b: object): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Marks survey `id` invalid (with a reason) or valid again; returns the review log id, or null when nothing changed. */
export function reviewSurvey(store: Store, id: number, valid: boolean, reason: string | null, who: Reviewer): number | null {
  if (!valid && !reason?.trim()) throw new GatewayError("invalid", "a survey is marked invalid with a reason (--reason)");
  return store.tx(() => {
    const s = survey(store, id);
    const before = store.reviews.survey(id);
    const after: SurveyReviewState = { valid, reason: valid ? null : reason!.trim() };
    if (same(before, after)) return null;
    store.reviews.setSurvey(id, after);
    const logId = store.reviews.log({ atMs: who.now, by: who.by, via: who.via ?? null, userId: who.userId ?? null, target: "survey", targetId: id, terminalId: s.terminalId, action: valid ? "valid" : "invalid", reason: after.reason ?? reason, before, after, undoes: null });
    store.rollups.refresh(s.terminalId, s.openedAt, s.openedAt);
    return logId;
  });
}

/** Confirms or rejects period `id`, optionally correcting its end (epoch ms). */
export function reviewPeriod(store: Store, id: number, status: "confirmed" | "rejected", endMs: number | null, reason: string | null, who: Reviewer): number | null {
  return store.tx(() => {
    const p = period(store, id);
    if (endMs !== null && (endMs <= p.start || endMs - p.start > MAX_FM_MS)) {
      throw new GatewayError("invalid", `the corrected end must be after the period's start and within ${MAX_FM_MS / 3_600_000} h of it`);
    }
    const before = store.reviews.fm(id);
    const after: FmReviewState = { status, endMs: endMs ?? before.endMs };
    if (same(before, after)) return null;
    return applyPeriod(store, p, before, after, who, status === "confirmed" ? "confirm" : "reject", reason, null);
  });
}

function applyPeriod(store: Store, p: { startEventId: number; terminalId: string; start: number; end: number }, before: FmReviewState, after: FmReviewState, who: Reviewer, action: string, reason: string | null, undoes: number | null): number {
  store.reviews.setFm(p.startEventId, after);
  const logId = store.reviews.log({ atMs: who.now, by: who.by, via: who.via ?? null, userId: who.userId ?? null, target: "fm", targetId: p.startEventId, terminalId: p.terminalId, action, reason, before, after, undoes });
  const reach = Math.max(p.end, before.endMs ?? p.end, after.endMs ?? p.end);
  store.rollups.refresh(p.terminalId, p.start, reach);
  return logId;
}

/**
 * Undoes review `logId`: puts back its before-state and logs that as a new entry. Refused when a later review of
 * the same target is still in force (undo that first), when it was undone already, and for an undo entry itself.
 */
export function undoReview(store: Store, logId: number, who: Reviewer): number {
  return store.tx(() => {
    const e = store.reviews.entry(logId);
    if (!e) throw new GatewayError("not_found", `no review ${logId}`);
    if (e.undoneBy !== null) throw new GatewayError("conflict", `review ${logId} was undone already by review ${e.undoneBy}`);
    if (e.undoes !== null) throw new GatewayError("conflict", `review ${logId} is an undo itself: review the ${e.target === "fm" ? "period" : "survey"} again instead`);
    const later = store.reviews.history(e.target, e.targetId).filter((x) => x.id > logId && x.undoes === null && x.undoneBy === null);
    if (later.length > 0) throw new GatewayError("conflict", `review ${logId} was followed by review ${later[later.length - 1]!.id} of the same ${e.target === "fm" ? "period" : "survey"}: undo that first`);
    if (e.target === "survey") {
      const s = survey(store, e.targetId);
      const now = store.reviews.survey(e.targetId);
      const back = e.before as SurveyReviewState;
      store.reviews.setSurvey(e.targetId, back);
      const id = store.reviews.log({ atMs: who.now, by: who.by, via: who.via ?? null, userId: who.userId ?? null, target: "survey", targetId: e.targetId, terminalId: e.terminalId, action: "undo", reason: null, before: now, after: back, undoes: logId });
      store.rollups.refresh(s.terminalId, s.openedAt, s.openedAt);
      return id;
    }
    const p = period(store, e.targetId);
    return applyPeriod(store, p, store.reviews.fm(e.targetId), e.before as FmReviewState, who, "undo", null, logId);
  });
}
