/** What a report needs from the configuration, resolved once (docs/indices.md, docs/configuration.md). */
import type { Config } from "../config/schema.ts";
import type { Reference } from "../indices/diagnosis.ts";

export interface IndexSettings {
  /** The correction coefficient in force on a store-local day. */
  kOn(day: string): number;
  /** The coefficient's history, oldest first, as configured. */
  kHistory: { from: string; k: number }[];
  minSample: number;
  fmThreshold: number;
  businessType: string;
  reference: Reference;
  trendDays: number;
}

export function indexSettings(config: { indices: Config["indices"]; reports: Pick<Config["reports"], "trendDays"> }): IndexSettings {
  const i = config.indices;
  const history = typeof i.k === "number" ? [{ from: "0000-01-01", k: i.k }] : [...i.k].sort((a, b) => (a.from < b.from ? -1 : 1));
  const first = history[0]!.k;
  return {
    kOn(day) {
      let k = first;
      for (const h of history) if (h.from <= day) k = h.k;
      return k;
    },
    kHistory: history,
    minSample: i.minSample,
    fmThreshold: i.fmThreshold,
    businessType: i.businessType,
    reference: i.references[i.businessType]!,
    trendDays: config.reports.trendDays,
  };
}
