/**
 * What survey derivation reads and writes (../shared/methodology.md#surveys-the-window, #force-majeure).
 * Plain data: events come from the store already resolved to one terminal and to corrected times.
 */
import type { EventKind, QuestionKind } from "../../protocol/schemas.ts";

export interface TerminalEvent {
  /** The event's row id in the store: stable, so reviews can point at it. */
  id: number;
  /** Press time, epoch ms, clock-corrected. */
  at: number;
  kind: EventKind;
  device: string;
  boot: string;
  seq: number;
}

/** The terminal configuration in force at one time (from the settings history). */
export interface TerminalSettings {
  questionKind: QuestionKind;
  questionText: string;
  employee: string | null;
  windowMs: number;
  longMs: number;
  fmMaxMs: number;
  heartbeatMs: number;
}

export type Answer = "yes" | "no" | "unsure" | "silent";

export interface Survey {
  /** The seller short press that opened it. */
  openingEventId: number;
  openedAt: number;
  windowMs: number;
  /** The answer time, the next short press, or openedAt + windowMs, whichever is first. */
  closedAt: number;
  answer: Answer;
  answerEventId: number | null;
  questionKind: QuestionKind;
  questionText: string;
  employee: string | null;
  /** Key presses after the answer, until the next short press or the window's end. */
  extraEventIds: number[];
}

export interface FmPeriod {
  startEventId: number;
  start: number;
  /** The next long press, or start + Fmax, whichever is first. */
  end: number;
  endReason: "long" | "max";
  endEventId: number | null;
}

/** Where a rebuild after a change restarts each fold (derive.ts, restartPoints); -Infinity or the store's lowest integer: the beginning. */
export interface RestartPoints {
  surveysFrom: number;
  periodsFrom: number;
}

export interface Derivation {
  surveys: Survey[];
  periods: FmPeriod[];
  /** Key presses outside any window. */
  unsolicitedEventIds: number[];
}
