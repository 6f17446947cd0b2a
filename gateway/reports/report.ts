/**
 * One entry point for every report (CLI, HTTP, nightly job): bring the derived rows and rollups up to date,
 * read the rollups, build the report. Also parses the day arguments users type.
 */
import { terminalDefaults } from "../terminals/config.ts";
import type { Config } from "../config/schema.ts";
import { GatewayError } from "../errors.ts";
import type { Store } from "../store/store.ts";
import { rebuildQueued } from "../surveys/rebuild.ts";
import { isDay } from "../time/calendar.ts";
import { addDays, localDay } from "../time/zone.ts";
import { buildReport, readSources, type ReportRequest } from "./build.ts";
import { dimensionSchema, type Dimension, type Report } from "./schema.ts";
import { indexSettings } from "./settings.ts";

/** Runs the rebuilds still queued (the gateway runs them every second; a CLI report must not miss them). */
export function catchUp(store: Store, config: Config): number {
  return rebuildQueued(store, terminalDefaults(config));
}

export function makeReport(store: Store, config: Config, req: ReportRequest, now: number): Report {
  catchUp(store, config);
  const s = indexSettings(config);
  return buildReport(readSources(store, req, s), req, s, now);
}

/** `today`, `yesterday`, `-N` (N days ago) or `YYYY-MM-DD`, in time zone `tz`. */
export function parseDay(text: string, tz: string, now: number, what: string): string {
  const t = text.trim();
  const today = localDay(now, tz);
  if (t === "today") return today;
  if (t === "yesterday") return addDays(today, -1);
  if (/^-\d{1,4}$/.test(t)) return addDays(today, Number(t));
  if (isDay(t)) return t;
  throw new GatewayError("invalid", `${what}: expected YYYY-MM-DD, today, yesterday or -N days, got "${text}"`);
}

/** `store,day` → dimensions, with a message naming the bad one. */
export function parseGroupBy(text: string): Dimension[] {
  const dims = text.split(",").map((d) => d.trim()).filter(Boolean);
  for (const d of dims) {
    if (!dimensionSchema.safeParse(d).success) throw new GatewayError("invalid", `--group-by: unknown dimension "${d}" (use ${dimensionSchema.options.join(", ")})`);
  }
  const times = dims.filter((d) => d === "day" || d === "week" || d === "month");
  if (times.length > 1) throw new GatewayError("invalid", `--group-by: choose one of day, week, month (got ${times.join(", ")})`);
  return [...new Set(dims)] as Dimension[];
}

export function checkRange(from: string, to: string): void {
  if (from > to) throw new GatewayError("invalid", `--from ${from} is after --to ${to}`);
}
