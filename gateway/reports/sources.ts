/**
 * What a report is built from: the daily rollups and imported traffic of its days and its trend window, read
 * from the store in one go. Reads only rollups, so a report's cost follows the range asked for, not the history
 * kept.
 */
import type { DailyCountsRecord, DailyTerminalRecord, RollupFilter, StoreDayCounts } from "../store/rollups.ts";
import type { Store } from "../store/store.ts";
import type { TrafficRow } from "../store/traffic.ts";
import { addDays } from "../time/zone.ts";
import type { IndexSettings } from "./settings.ts";

export interface ReportSources {
  /** Rollup rows of the report's days. */
  counts: DailyCountsRecord[];
  terminalDays: DailyTerminalRecord[];
  traffic: TrafficRow[];
  /** The trend window's counts per store, day and question kind, already filtered by the request. */
  trend: StoreDayCounts[];
  /** Terminal id → store id. */
  storeOf: Map<string, string>;
}

export const noSources = (): ReportSources => ({ counts: [], terminalDays: [], traffic: [], trend: [], storeOf: new Map() });

/** Reads what a report over [from, to] and its trend window (the `trendDays` days up to `to`) need. */
export function readSources(store: Pick<Store, "rollups" | "traffic" | "terminals">, req: { from: string; to: string } & RollupFilter, s: Pick<IndexSettings, "trendDays">): ReportSources {
  return {
    counts: store.rollups.counts(req.from, req.to),
    terminalDays: store.rollups.terminalDays(req.from, req.to),
    traffic: store.traffic.between(req.from, req.to),
    trend: store.rollups.storeDays(addDays(req.to, 1 - s.trendDays), req.to, req),
    storeOf: new Map(store.terminals.terminals().map((t) => [t.id, t.storeId])),
  };
}

/** Splits sources by store, so many per-store reports (the nightly job) read the rollups once. */
export function sourcesByStore(src: ReportSources): Map<string, ReportSources> {
  const out = new Map<string, ReportSources>();
  const of = (storeId: string) => out.get(storeId) ?? out.set(storeId, { ...noSources(), storeOf: src.storeOf }).get(storeId)!;
  for (const r of src.counts) {
    const s = src.storeOf.get(r.terminalId);
    if (s !== undefined) of(s).counts.push(r);
  }
  for (const r of src.terminalDays) {
    const s = src.storeOf.get(r.terminalId);
    if (s !== undefined) of(s).terminalDays.push(r);
  }
  for (const r of src.traffic) of(r.storeId).traffic.push(r);
  for (const r of src.trend) of(r.storeId).trend.push(r);
  return out;
}
