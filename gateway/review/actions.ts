/**
 * What an expert does (docs/reports.md#expert-review; ../shared/methodology.md, "Validity" and "Force-majeure"):
 * mark a survey invalid and back, confirm or reject a force-majeure period and correct its end, undo any of it.
 * Every action is one transaction: the new state, its audit entry (who, when, before/after) and the recount of
 * the days it touches, so indices follow at once. The rules are the chain's (decide.ts): the hub applies the same.
 */
import { GatewayError } from "../errors.ts";
import type { Via } from "../store/audit.ts";
import type { FmReviewState, ReviewLogEntry, SurveyReviewState } from "../store/reviews.ts";
import type { Store } from "../store/store.ts";
import type { ReviewEntry } from "./entry.ts";
import { inForce, orderAt, periodAfter, sameState, surveyAfter, undoRefusal } from "./decide.ts";

export { MAX_FM_MS } from "./decide.ts";

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

/** The time a new review of this target is ordered by (decide.ts, orderAt). */
function at(store: Store, target: "survey" | "fm", id: number, now: number): number {
  return orderAt(now, store.reviews.history(target, id));
}

/** Marks survey `id` invalid (with a reason) or valid again; returns the review log id, or null when nothing changed. */
export function reviewSurvey(store: Store, id: number, valid: boolean, reason: string | null, who: Reviewer): number | null {
  const after = surveyAfter(valid, reason);
  return store.tx(() => {
    const s = survey(store, id);
    const before = store.reviews.survey(id);
    if (sameState(before, after)) return null;
    store.reviews.setSurvey(id, after);
    const logId = store.reviews.log({ atMs: at(store, "survey", id, who.now), by: who.by, via: who.via ?? null, userId: who.userId ?? null, target: "survey", targetId: id, terminalId: s.terminalId, action: valid ? "valid" : "invalid", reason: after.reason ?? reason, before, after, undoes: null });
    store.rollups.refresh(s.terminalId, s.openedAt, s.openedAt);
    return logId;
  });
}

/** Confirms or rejects period `id`, optionally correcting its end (epoch ms). */
export function reviewPeriod(store: Store, id: number, status: "confirmed" | "rejected", endMs: number | null, reason: string | null, who: Reviewer): number | null {
  return store.tx(() => {
    const p = period(store, id);
    const before = store.reviews.fm(id);
    const after = periodAfter(p.start, before, status, endMs);
    if (sameState(before, after)) return null;
    return applyPeriod(store, p, before, after, who, status === "confirmed" ? "confirm" : "reject", reason, null);
  });
}

function applyPeriod(store: Store, p: { startEventId: number; terminalId: string; start: number; end: number }, before: FmReviewState, after: FmReviewState, who: Reviewer, action: string, reason: string | null, undoes: number | null): number {
  store.reviews.setFm(p.startEventId, after);
  const logId = store.reviews.log({ atMs: at(store, "fm", p.startEventId, who.now), by: who.by, via: who.via ?? null, userId: who.userId ?? null, target: "fm", targetId: p.startEventId, terminalId: p.terminalId, action, reason, before, after, undoes });
  const reach = Math.max(p.end, before.endMs ?? p.end, after.endMs ?? p.end);
  store.rollups.refresh(p.terminalId, p.start, reach);
  return logId;
}

const named = (e: ReviewLogEntry) => ({ ...e, name: String(e.id) });

/**
 * Undoes review `logId`: puts back its before-state and logs that as a new entry. Refused when a later review of
 * the same target is still in force (undo that first), when it was undone already, and for an undo entry itself.
 */
export function undoReview(store: Store, logId: number, who: Reviewer): number {
  return store.tx(() => {
    const e = store.reviews.entry(logId);
    if (!e) throw new GatewayError("not_found", `no review ${logId}`);
    const why = undoRefusal(named(e), e.target, store.reviews.history(e.target, e.targetId).map(named));
    if (why) throw new GatewayError("conflict", e.undoneBy !== null ? `${why} by review ${e.undoneBy}` : why);
    if (e.target === "survey") {
      const s = survey(store, e.targetId);
      const now = store.reviews.survey(e.targetId);
      const back = e.before as SurveyReviewState;
      store.reviews.setSurvey(e.targetId, back);
      const id = store.reviews.log({ atMs: at(store, "survey", e.targetId, who.now), by: who.by, via: who.via ?? null, userId: who.userId ?? null, target: "survey", targetId: e.targetId, terminalId: e.terminalId, action: "undo", reason: null, before: now, after: back, undoes: logId });
      store.rollups.refresh(s.terminalId, s.openedAt, s.openedAt);
      return id;
    }
    const p = period(store, e.targetId);
    return applyPeriod(store, p, store.reviews.fm(e.targetId), e.before as FmReviewState, who, "undo", null, logId);
  });
}

/**
 * Applies a review made at the hub (docs/hub.md#review-sync), in the caller's transaction: appends it to the log
 * under its own uid, time and reviewer (via "hub"), marks the entry it undoes, and puts in force the target's
 * latest entry (decide.ts), recounting the days it touches. Returns false when it is here already.
 */
export function applyRemoteReview(store: Store, r: ReviewEntry): boolean {
  if (store.reviews.byUid(r.uid)) return false;
  const undone = r.undoesUid === null ? undefined : store.reviews.byUid(r.undoesUid);
  const was = r.target === "survey" ? store.reviews.survey(r.targetId) : store.reviews.fm(r.targetId);
  store.reviews.log({ uid: r.uid, atMs: r.atMs, by: r.by, via: "hub", userId: null, target: r.target, targetId: r.targetId, terminalId: r.terminalId, action: r.action, reason: r.reason, before: r.before, after: r.after, undoes: undone?.id ?? null, undoesUid: r.undoesUid });
  const top = inForce(store.reviews.history(r.target, r.targetId))!;
  if (sameState(was, top.after)) return true;
  if (r.target === "survey") {
    store.reviews.setSurvey(r.targetId, top.after as SurveyReviewState);
    const s = store.derived.survey(r.targetId);
    if (s) store.rollups.refresh(s.terminalId, s.openedAt, s.openedAt);
    return true;
  }
  const after = top.after as FmReviewState;
  store.reviews.setFm(r.targetId, after);
  const p = store.derived.period(r.targetId);
  if (p) store.rollups.refresh(p.terminalId, p.start, Math.max(p.end, (was as FmReviewState).endMs ?? p.end, after.endMs ?? p.end));
  return true;
}
