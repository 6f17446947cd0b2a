/**
 * One entry point for every report (CLI, HTTP, nightly job): bring the derived rows and rollups up to date,
 * read the rollups, build the report.
 */
import { terminalDefaults } from "../terminals/config.ts";
import type { Config } from "../config/schema.ts";
import type { Store } from "../store/store.ts";
import { rebuildQueued } from "../surveys/rebuild.ts";
import { buildReport, type ReportRequest } from "./build.ts";
import { readSources } from "./sources.ts";
import type { Report } from "./schema.ts";
import { indexSettings } from "./settings.ts";

/** Runs the rebuilds still queued (the gateway runs them every second; a CLI report must not miss them). */
export function catchUp(store: Store, config: Config): number {
  return rebuildQueued(store, terminalDefaults(config));
}

export function makeReport(store: Store, config: Config, req: ReportRequest, now: number): Report {
  catchUp(store, config);
  const s = indexSettings(config);
  return buildReport(readSources(store, req, s, config.timeZone), req, s, now);
}
