/**
 * Surveys and force-majeure periods as a pure function of one terminal's events and its settings history
 * (../shared/methodology.md). Deterministic: the result depends only on the set of events, never on the order
 * they arrived in, because events are sorted here by (time, seller before keys, device, boot, seq).
 */
import type { Derivation, FmPeriod, RestartPoints, Survey, TerminalEvent, TerminalSettings } from "./model.ts";

/* At equal times a seller press sorts before a key press (methodology, "Order of events"). */
const RANK: Record<TerminalEvent["kind"], number> = { short: 0, long: 0, yes: 1, no: 1, unsure: 1, stuck: 2 };

export function compareEvents(a: TerminalEvent, b: TerminalEvent): number {
  return (
    a.at - b.at ||
    RANK[a.kind] - RANK[b.kind] ||
    (a.device < b.device ? -1 : a.device > b.device ? 1 : 0) ||
    (a.boot < b.boot ? -1 : a.boot > b.boot ? 1 : 0) ||
    a.seq - b.seq
  );
}

/**
 * Derives everything from `events` (any order, duplicates by id ignored), starting idle: no window open and no
 * force-majeure active before the first event. `settingsAt(t)` gives the configuration in force at time t.
 */
export function derive(events: readonly TerminalEvent[], settingsAt: (t: number) => TerminalSettings): Derivation {
  const seen = new Set<number>();
  const sorted = events.filter((e) => !seen.has(e.id) && seen.add(e.id)).sort(compareEvents);
  const surveys: Survey[] = [];
  const periods: FmPeriod[] = [];
  const unsolicitedEventIds: number[] = [];
  let open: Survey | undefined;
  let fm: FmPeriod | undefined;

  for (const e of sorted) {
    if (open && e.at >= open.openedAt + open.windowMs) open = undefined;
    if (fm && e.at >= fm.end) fm = undefined;
    switch (e.kind) {
      case "short": {
        /* A new short press closes the open survey at this moment (silent if unanswered). */
        if (open && open.answerEventId === null) open.closedAt = e.at;
        const s = settingsAt(e.at);
        open = {
          openingEventId: e.id,
          openedAt: e.at,
          windowMs: s.windowMs,
          closedAt: e.at + s.windowMs,
          answer: "silent",
          answerEventId: null,
          questionKind: s.questionKind,
          questionText: s.questionText,
          employee: s.employee,
          extraEventIds: [],
        };
        surveys.push(open);
        break;
      }
      case "long": {
        /* A long press ends an active period, else starts one; it never touches survey windows. */
        if (fm) {
          fm.end = e.at;
          fm.endReason = "long";
          fm.endEventId = e.id;
          fm = undefined;
        } else {
          fm = { startEventId: e.id, start: e.at, end: e.at + settingsAt(e.at).fmMaxMs, endReason: "max", endEventId: null };
          periods.push(fm);
        }
        break;
      }
      case "yes":
      case "no":
      case "unsure":
        if (!open) unsolicitedEventIds.push(e.id);
        else if (open.answerEventId === null) {
          open.answer = e.kind;
          open.answerEventId = e.id;
          open.closedAt = e.at;
        } else open.extraEventIds.push(e.id);
        break;
      case "stuck":
        break;
    }
  }
  return { surveys, periods, unsolicitedEventIds };
}

/**
 * Where to re-derive from after a change at time `t` (a late event, a settings change), so that the result equals
 * deriving everything. Surveys and force-majeure periods are independent folds:
 * - surveys restart at the latest short press strictly before t: the survey it opened is the one a change at t can
 *   answer or close; every survey opened before it was closed by it (or had expired), so none of them can change;
 * - periods restart at the start of the latest period at or before t, moved back over any period that ends at
 *   or after that moment (a long press at the same instant may have ended it): no period was active before it.
 * Either is -Infinity when there is none (derive from the beginning).
 */
export function restartPoints(
  t: number,
  shortPressTimes: readonly number[],
  periods: readonly { start: number; end: number }[],
): RestartPoints {
  let surveysFrom = -Infinity;
  for (const at of shortPressTimes) if (at < t && at > surveysFrom) surveysFrom = at;
  let periodsFrom = -Infinity;
  for (const p of periods) if (p.start <= t && p.start > periodsFrom) periodsFrom = p.start;
  for (let moved = true; moved; ) {
    moved = false;
    for (const p of periods) {
      if (p.start < periodsFrom && p.end >= periodsFrom) {
        periodsFrom = p.start;
        moved = true;
      }
    }
  }
  return { surveysFrom, periodsFrom };
}
