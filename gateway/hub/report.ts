/**
 * Chain reports (`loyalty report --hub`, docs/hub.md#chain-reports): the store's report (gateway/reports) built
 * from the hub's rollups. First the terminals still queued are derived, as a store's CLI report catches up.
 */
import type { Pool } from "pg";
import { buildReport, type ReportRequest } from "../reports/build.ts";
import { requestOf, type QueryOptions, type ReportQuery } from "../reports/query.ts";
import { render, type Format } from "../reports/render.ts";
import type { Report } from "../reports/schema.ts";
import { indexSettings } from "../reports/settings.ts";
import { terminalDefaults } from "../terminals/config.ts";
import type { HubConfig } from "./config.ts";
import { rebuildHubQueued } from "./rebuild.ts";
import { readHubSources } from "./report-sources.ts";

export async function makeHubReport(pool: Pool, config: HubConfig, req: ReportRequest, now: number): Promise<Report> {
  await rebuildHubQueued(pool, terminalDefaults(config));
  const s = indexSettings(config);
  return buildReport(await readHubSources(pool, req, s, config.timeZone), req, s, now);
}

/** Parses, checks, builds and renders the chain report `q` asks for (gateway/reports/query.ts for a store's). */
export async function hubReportFromQuery(pool: Pool, config: HubConfig, q: ReportQuery, format: Format, o: QueryOptions): Promise<string> {
  const report = await makeHubReport(pool, config, requestOf(q, config.timeZone, o), o.now);
  return render(report, format, { separator: o.separator ?? ";", timeZone: config.timeZone });
}
