/**
 * The review rules both sides of a chain apply (docs/decisions.md, "Review sync: the later review wins"): a store
 * gateway (actions.ts, SQLite) and the hub (gateway/hub/review.ts, PostgreSQL). Pure: no clock, no database.
 *
 * Every review is one entry of an append-only log with a chain-wide identity (`uid`). The state in force of a
 * survey or period is the after-state of its latest entry by (atMs, uid): an undo is an entry too, whose
 * after-state is the before-state of the entry it undoes. Both sides therefore reach the same state from the same
 * entries whatever order they arrive in, and a review made after its side saw another is ordered after it
 * (`orderAt`), so what an expert sees win is what wins everywhere.
 */
import { GatewayError } from "../errors.ts";
import type { FmReviewState, SurveyReviewState } from "../store/reviews.ts";

/** Longest a corrected force-majeure period may last: a guard against a mistyped date. */
export const MAX_FM_MS = 24 * 3_600_000;

/** What the rules read of a log entry. */
export interface OrderedEntry {
  uid: string;
  atMs: number;
  /** The entry it undoes, and the entry that undid it (ids or uids: only whether there is one counts here). */
  undoes: string | number | null;
  undoneBy: string | number | null;
  after: SurveyReviewState | FmReviewState;
}

/** Later in the order the state in force follows: by time, then by identity (a tie is rare and decided the same everywhere). */
export function laterThan(a: Pick<OrderedEntry, "atMs" | "uid">, b: Pick<OrderedEntry, "atMs" | "uid">): boolean {
  return a.atMs > b.atMs || (a.atMs === b.atMs && a.uid > b.uid);
}

/** The entry in force among one target's entries (undefined: never reviewed). */
export function inForce<E extends Pick<OrderedEntry, "atMs" | "uid">>(entries: readonly E[]): E | undefined {
  let top: E | undefined;
  for (const e of entries) if (!top || laterThan(e, top)) top = e;
  return top;
}

/** The time a new review of a target is ordered by: now, or just after the latest entry this side knows (another side's clock may be ahead). */
export function orderAt(now: number, entries: readonly Pick<OrderedEntry, "atMs">[]): number {
  let at = now;
  for (const e of entries) if (e.atMs >= at) at = e.atMs + 1;
  return at;
}

/** The after-state of marking a survey valid or invalid; an invalid mark needs a reason. */
export function surveyAfter(valid: boolean, reason: string | null): SurveyReviewState {
  if (!valid && !reason?.trim()) throw new GatewayError("invalid", "a survey is marked invalid with a reason (--reason)");
  return { valid, reason: valid ? null : reason!.trim() };
}

/** The after-state of confirming or rejecting a period that starts at `startMs`, optionally with a corrected end. */
export function periodAfter(startMs: number, before: FmReviewState, status: "confirmed" | "rejected", endMs: number | null): FmReviewState {
  if (endMs !== null && (endMs <= startMs || endMs - startMs > MAX_FM_MS)) {
    throw new GatewayError("invalid", `the corrected end must be after the period's start and within ${MAX_FM_MS / 3_600_000} h of it`);
  }
  return { status, endMs: endMs ?? before.endMs };
}

export function sameState(a: object, b: object): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Why entry `e` cannot be undone now, given every entry of its target: it was undone already, it is an undo
 * itself, or a later review of the same target is in force (undo that first). Undefined: it can.
 */
export function undoRefusal<E extends OrderedEntry & { name: string }>(e: E, target: "survey" | "fm", entries: readonly E[]): string | undefined {
  const what = target === "fm" ? "period" : "survey";
  if (e.undoneBy !== null) return `review ${e.name} was undone already`;
  if (e.undoes !== null) return `review ${e.name} is an undo itself: review the ${what} again instead`;
  const later = entries.filter((x) => laterThan(x, e) && x.undoes === null && x.undoneBy === null);
  if (later.length > 0) return `review ${e.name} was followed by review ${inForce(later)!.name} of the same ${what}: undo that first`;
  return undefined;
}
