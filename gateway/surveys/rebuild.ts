/**
 * Rebuilding a terminal's derived rows after its events or settings changed (docs/gateway.md, "Surveys and
 * force-majeure"): from the two restart points before the change, read the events, derive them (derive.ts), write
 * the surveys, periods and unsolicited presses back, and recount the days they cover. Derived rows are rebuilt,
 * never patched. The store comes in as the few repositories a rebuild touches.
 */
import { derive } from "./derive.ts";
import type { Derivation, FmPeriod, RestartPoints, TerminalEvent, TerminalSettings } from "./model.ts";
import { settingsTimeline, type SettingChange } from "./settings.ts";

/** What a rebuild reads and writes of the store (gateway/store: derived, rollups, settings). */
export interface RebuildStore {
  derived: {
    queued(): { terminalId: string; fromMs: number }[];
    restartPoints(terminalId: string, fromMs: number): RestartPoints;
    surveyEvents(terminalId: string, fromMs: number): TerminalEvent[];
    longPresses(terminalId: string, fromMs: number): TerminalEvent[];
    /** Periods overlapping [fromMs, toMs). */
    periods(terminalId: string, fromMs: number, toMs: number): FmPeriod[];
    replace(terminalId: string, from: RestartPoints, rows: Derivation): void;
    dequeue(terminalId: string, fromMs: number): void;
  };
  rollups: { refresh(terminalId: string, fromMs: number): void };
  settings: { history(terminalId: string): SettingChange[] };
  tx<T>(fn: () => T): T;
  txWithoutFsync<T>(fn: () => T): T;
}

/**
 * The earliest start at which two lists of periods (each in start order) differ: where the day counts must be
 * recounted from because of the periods; Infinity when they are the same.
 */
export function firstPeriodChange(before: readonly FmPeriod[], after: readonly FmPeriod[]): number {
  const n = Math.max(before.length, after.length);
  for (let i = 0; i < n; i++) {
    const a = before[i];
    const b = after[i];
    if (!a || !b) return (a ?? b)!.start;
    if (a.start !== b.start || a.end !== b.end || a.endReason !== b.endReason || a.startEventId !== b.startEventId) return Math.min(a.start, b.start);
  }
  return Infinity;
}

/**
 * Re-derives one terminal's surveys and periods after a change at `fromMs`, in one transaction; returns where each
 * restarted and `recountFrom`, where the days must be recounted from: the surveys' restart, or the first period
 * that changed if earlier. (The periods' restart itself can be the beginning of time for a terminal that never had
 * one before the change; recounting from there would recount its whole history on every rebuild.)
 */
export function rebuildDerived(store: Pick<RebuildStore, "derived" | "tx">, terminalId: string, fromMs: number, settingsAt: (t: number) => TerminalSettings): RestartPoints & { recountFrom: number } {
  return store.tx(() => {
    const from = store.derived.restartPoints(terminalId, fromMs);
    const s = derive(store.derived.surveyEvents(terminalId, from.surveysFrom), settingsAt);
    const p = derive(store.derived.longPresses(terminalId, from.periodsFrom), settingsAt);
    const old = store.derived.periods(terminalId, from.periodsFrom, Number.MAX_SAFE_INTEGER).filter((x) => x.start >= from.periodsFrom);
    store.derived.replace(terminalId, from, { surveys: s.surveys, unsolicitedEventIds: s.unsolicitedEventIds, periods: p.periods });
    store.derived.dequeue(terminalId, fromMs);
    return { ...from, recountFrom: Math.min(from.surveysFrom, firstPeriodChange(old, p.periods)) };
  });
}

/**
 * Rebuilds one queued terminal's surveys, force-majeure periods and rollups. Settings are read in the same
 * transaction, so a change the CLI commits meanwhile cannot be skipped. Derived rows are committed without waiting
 * for fsync: after a power cut they and their queue entry are lost together, and the queue entry brings the
 * rebuild back.
 */
export function rebuildTerminal(store: RebuildStore, defaults: TerminalSettings, terminalId: string, fromMs: number): RestartPoints {
  return store.txWithoutFsync(() => {
    const from = rebuildDerived(store, terminalId, fromMs, settingsTimeline(store.settings.history(terminalId), defaults));
    store.rollups.refresh(terminalId, from.recountFrom);
    return from;
  });
}

/** Rebuilds every queued terminal now; returns how many. */
export function rebuildQueued(store: RebuildStore, defaults: TerminalSettings): number {
  const queued = store.derived.queued();
  for (const q of queued) rebuildTerminal(store, defaults, q.terminalId, q.fromMs);
  return queued.length;
}
