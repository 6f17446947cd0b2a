/**
 * The dashboard's figures of past days, kept between pushes (docs/decisions.md, 2026-12-07): the 30-day trend's
 * days before today, the heatmap's surveys before today and the ranking's previous period change only when those
 * days' rollups are recounted, so they are computed once and reused until then. They are computed again when
 * - the store's day changes (today becomes a past day);
 * - this process recounts a day before today (`rollups.onRefresh`: a late event's rebuild, a review, a store's
 *   zone; every write to the derived rows or reviews refreshes the rollups in its transaction);
 * - another process commits (`PRAGMA data_version` differs: `loyalty review` from the command line);
 * - the terminals' zones or the config differ.
 * Only today's part is read on each push (snapshot.ts).
 */
import type { Config } from "../../config/schema.ts";
import type { GroupJson } from "../../reports/schema.ts";
import type { Store } from "../../store/store.ts";
import type { HeatSurvey } from "./figures.ts";

export interface PastFigures {
  /** report(trendFrom, yesterday, by day).groups */
  trendGroups: GroupJson[];
  /** The valid surveys of the heatmap's days before today. */
  heat: HeatSurvey[];
  /** The ranking's previous period, by terminal and by employee. */
  previousTerminals: GroupJson[];
  previousEmployees: GroupJson[];
}

interface Entry {
  key: string;
  config: Config;
  value: PastFigures;
}

interface Cache {
  entry: Entry | undefined;
  /** The first day recounted since the entry was made ("~": none). */
  dirtyFrom: string;
  dataVersion: () => unknown;
}

const caches = new WeakMap<Store, Cache>();

function cacheOf(store: Store): Cache {
  let c = caches.get(store);
  if (!c) {
    const version = store.db.prepare("PRAGMA data_version").pluck();
    const made: Cache = { entry: undefined, dirtyFrom: "~", dataVersion: () => version.get() };
    store.rollups.onRefresh((_terminal, fromDay) => {
      if (fromDay < made.dirtyFrom) made.dirtyFrom = fromDay;
    });
    caches.set(store, (c = made));
  }
  return c;
}

/**
 * The past figures for `today`: the cached ones while nothing before `today` has changed, else `compute()`'s.
 * `zonesKey` names the terminals' zones (a terminal added, moved or removed changes it). Call after the queued
 * rebuilds have run (reports' catchUp), so that their refreshes are seen.
 */
export function pastFigures(store: Store, config: Config, today: string, zonesKey: string, compute: () => PastFigures): PastFigures {
  const c = cacheOf(store);
  const key = `${today}\n${String(c.dataVersion())}\n${zonesKey}`;
  if (c.entry && c.entry.key === key && c.entry.config === config && c.dirtyFrom >= today) return c.entry.value;
  c.dirtyFrom = "~";
  const value = compute();
  c.entry = { key, config, value };
  return value;
}
