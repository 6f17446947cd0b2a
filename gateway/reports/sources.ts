/**
 * What a report is built from: the daily rollups and imported traffic of its days and its trend window, read
 * from the store in one go, and how many untimed events arrived in its days. Reads only rollups (and the untimed
 * events' own index), so a report's cost follows the range asked for, not the history kept.
 */
import type { DailyCountsRecord, DailyTerminalRecord, RollupFilter, StoreDayCounts } from "../store/rollups.ts";
import type { Store } from "../store/store.ts";
import type { TrafficRow } from "../store/traffic.ts";
import { addDays, dayStart } from "../time/zone.ts";
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
  /** Store id → its region (stores without one are absent): the `region` dimension. */
  regionOf?: Map<string, string>;
  /** Untimed events that arrived in the report's days, per terminal (null: of no terminal); only those with some. */
  untimed: { terminalId: string | null; count: number }[];
}

export const noSources = (): ReportSources => ({ counts: [], terminalDays: [], traffic: [], trend: [], storeOf: new Map(), untimed: [] });

/** Untimed events by the store-local days they arrived in (those of no terminal by `timeZone`'s days). */
function untimedCounts(store: Pick<Store, "terminals" | "events">, from: string, to: string, timeZone: string): ReportSources["untimed"] {
  const zones = new Map(store.terminals.stores().map((s) => [s.id, s.timeZone]));
  const scopes: { terminalId: string | null; tz: string }[] = [...store.terminals.terminals().map((t) => ({ terminalId: t.id, tz: zones.get(t.storeId) ?? timeZone })), { terminalId: null, tz: timeZone }];
  return scopes
    .map(({ terminalId, tz }) => ({ terminalId, count: store.events.countUntimed(terminalId, dayStart(from, tz), dayStart(addDays(to, 1), tz)) }))
    .filter((u) => u.count > 0);
}

/**
 * Reads what a report over [from, to] and its trend window (the `trendDays` days up to `to`) need; `timeZone` (the
 * gateway's) gives the days of untimed events of no terminal.
 */
export function readSources(
  store: Pick<Store, "rollups" | "traffic" | "terminals" | "events">,
  req: { from: string; to: string } & RollupFilter,
  s: Pick<IndexSettings, "trendDays">,
  timeZone: string,
): ReportSources {
  return {
    counts: store.rollups.counts(req.from, req.to),
    terminalDays: store.rollups.terminalDays(req.from, req.to),
    traffic: store.traffic.between(req.from, req.to),
    trend: store.rollups.storeDays(addDays(req.to, 1 - s.trendDays), req.to, req),
    storeOf: new Map(store.terminals.terminals().map((t) => [t.id, t.storeId])),
    regionOf: new Map(store.terminals.stores().flatMap((s) => (s.region === null ? [] : [[s.id, s.region] as const]))),
    untimed: untimedCounts(store, req.from, req.to, timeZone),
  };
}

/** Splits sources by store, so many per-store reports (the nightly job) read the rollups once. */
export function sourcesByStore(src: ReportSources): Map<string, ReportSources> {
  const out = new Map<string, ReportSources>();
  const of = (storeId: string) => out.get(storeId) ?? out.set(storeId, { ...noSources(), storeOf: src.storeOf, ...(src.regionOf ? { regionOf: src.regionOf } : {}) }).get(storeId)!;
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
  for (const u of src.untimed) {
    const s = u.terminalId === null ? undefined : src.storeOf.get(u.terminalId);
    if (s !== undefined) of(s).untimed.push(u);
  }
  return out;
}
