/**
 * Reviews in words, for people (the review desk's audit log, docs/web.md#review-desk): what was reviewed, what was
 * done, the state before and after («учитывается → не учитывается: камера: покупателя не было»), instead of the JSON
 * the API keeps. Pure: the time zone comes in.
 */
import type { Via } from "../store/audit.ts";
import type { FmReviewState, ReviewLogEntry, SurveyReviewState } from "../store/reviews.ts";
import { formatLocal } from "../time/zone.ts";

export const ACTION_WORDS: Record<string, string> = {
  invalid: "не учитывать",
  valid: "учитывать",
  confirm: "подтвердить",
  reject: "отклонить",
  undo: "отменить",
};

export const VIA_WORDS: Record<Via, string> = { cli: "командная строка", api: "программа", web: "веб", hub: "хаб сети" };

export const STATUS_WORDS: Record<FmReviewState["status"], string> = { unreviewed: "не проверен", confirmed: "подтверждён", rejected: "отклонён" };

/** A store-local time to the second, as Russian writes it: «20.11.2026 10:10:05». */
export function localSeconds(epochMs: number, tz: string): string {
  const [d, t] = formatLocal(epochMs, tz).split(" ");
  const [y, m, day] = d!.split("-");
  return `${day}.${m}.${y} ${t}`;
}

function isFm(s: SurveyReviewState | FmReviewState): s is FmReviewState {
  return "status" in s;
}

/** One review state in words: a survey's «учитывается» / «не учитывается: <reason>», a period's status and end. */
export function stateInWords(s: SurveyReviewState | FmReviewState, tz: string): string {
  if (!isFm(s)) return s.valid ? "учитывается" : `не учитывается${s.reason ? `: ${s.reason}` : ""}`;
  return s.endMs === null ? STATUS_WORDS[s.status] : `${STATUS_WORDS[s.status]}, конец ${localSeconds(s.endMs, tz)}`;
}

export interface EntryInWords {
  id: number;
  /** When, store-local to the second. */
  at: string;
  by: string;
  via: string;
  /** «Опрос 12» / «Период 40», with the terminal. */
  what: string;
  action: string;
  before: string;
  after: string;
  reason: string | null;
  /** «отменено записью 15» / «отмена записи 14», or null. */
  undo: string | null;
}

/** A review log entry in words, times in `tz` (the terminal's store's zone). */
export function entryInWords(e: ReviewLogEntry, tz: string): EntryInWords {
  const undo = e.undoes !== null ? `отмена записи ${e.undoes}` : e.undoneBy !== null ? `отменено записью ${e.undoneBy}` : null;
  return {
    id: e.id,
    at: localSeconds(e.atMs, tz),
    by: e.by,
    via: e.via ? VIA_WORDS[e.via] : "—",
    what: `${e.target === "fm" ? "Период" : "Опрос"} ${e.targetId}, ${e.terminalId}`,
    action: ACTION_WORDS[e.action] ?? e.action,
    before: stateInWords(e.before, tz),
    after: stateInWords(e.after, tz),
    /* An invalid survey's reason is in its after-state already. */
    reason: e.target === "survey" ? null : e.reason,
    undo,
  };
}
