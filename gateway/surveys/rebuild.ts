/**
 * Rebuilding a terminal's derived rows after its events or settings changed (docs/gateway.md, "Surveys and
 * force-majeure"): from the two restart points before the change, read the events, derive them (derive.ts), write
 * the surveys, periods and unsolicited presses back, and recount the days they cover. Derived rows are rebuilt,
 * never patched. The store comes in as the few repositories a rebuild touches.
 */
import { derive } from "./derive.ts";
import type { Derivation, RestartPoints, TerminalEvent, TerminalSettings } from "./model.ts";
import { settingsTimeline, type SettingChange } from "./settings.ts";

/** What a rebuild reads and writes of the store (gateway/store: derived, rollups, settings). */
export interface RebuildStore {
  derived: {
    queued(): { terminalId: string; fromMs: number }[];
    restartPoints(terminalId: string, fromMs: number): RestartPoints;
    surveyEvents(terminalId: string, fromMs: number): TerminalEvent[];
    longPresses(terminalId: string, fromMs: number): TerminalEvent[];
    replace(terminalId: string, from: RestartPoints, rows: Derivation): void;
    dequeue(terminalId: string, fromMs: number): void;
  };
  rollups: { refresh(terminalId: string, fromMs: number): void };
  settings: { history(terminalId: string): SettingChange[] };
  tx<T>(fn: () => T): T;
  txWithoutFsync<T>(fn: () => T): T;
}

/** Re-derives one terminal's surveys and periods after a change at `fromMs`, in one transaction; returns where each restarted. */
export function rebuildDerived(store: Pick<RebuildStore, "derived" | "tx">, terminalId: string, fromMs: number, settingsAt: (t: number) => TerminalSettings): RestartPoints {
  return store.tx(() => {
    const from = store.derived.restartPoints(terminalId, fromMs);
    const s = derive(store.derived.surveyEvents(terminalId, from.surveysFrom), settingsAt);
    const p = derive(store.derived.longPresses(terminalId, from.periodsFrom), settingsAt);
    store.derived.replace(terminalId, from, { surveys: s.surveys, unsolicitedEventIds: s.unsolicitedEventIds, periods: p.periods });
    store.derived.dequeue(terminalId, fromMs);
    return from;
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
    store.rollups.refresh(terminalId, Math.min(from.surveysFrom, from.periodsFrom));
    return from;
  });
}

/** Rebuilds every queued terminal now; returns how many. */
export function rebuildQueued(store: RebuildStore, defaults: TerminalSettings): number {
  const queued = store.derived.queued();
  for (const q of queued) rebuildTerminal(store, defaults, q.terminalId, q.fromMs);
  return queued.length;
}
