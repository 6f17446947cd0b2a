/**
 * A report asked for in words, as `loyalty report` and `GET /api/report` take it: days as people type them, the
 * dimensions as a comma list. One path from such a query to the rendered text, shared by the CLI and HTTP; each
 * checks its own format argument first.
 */
import type { Config } from "../config/schema.ts";
import { GatewayError } from "../errors.ts";
import type { Store } from "../store/store.ts";
import { isDay } from "../time/calendar.ts";
import { addDays, localDay } from "../time/zone.ts";
import type { ReportRequest } from "./build.ts";
import { render, type Format } from "./render.ts";
import { makeReport } from "./report.ts";
import { dimensionSchema, type Dimension } from "./schema.ts";

export interface ReportQuery {
  /** `YYYY-MM-DD`, `today`, `yesterday` or `-N`, in the configured time zone. */
  from: string;
  /** Default: the `from` day. */
  to?: string | undefined;
  /** `store,day`: see parseGroupBy. */
  groupBy: string;
  stores?: string[] | undefined;
  terminals?: string[] | undefined;
  employees?: string[] | undefined;
}

export interface QueryOptions {
  now: number;
  /** CSV separator (default ';'). */
  separator?: ";" | ",";
  /** How the caller names its arguments in messages: `--from` on the command line, `from` in a URL (`--group-by` by default). */
  names: { from: string; to: string; groupBy?: string };
}

/** Parses, checks, builds and renders the report `q` asks for. */
export function reportFromQuery(store: Store, config: Config, q: ReportQuery, format: Format, o: QueryOptions): string {
  const report = makeReport(store, config, requestOf(q, config.timeZone, o), o.now);
  return render(report, format, { separator: o.separator ?? ";", timeZone: config.timeZone });
}

/** The request `q` asks for, its days read in time zone `tz` (also the chain hub's, gateway/hub/report.ts). */
export function requestOf(q: ReportQuery, tz: string, o: Pick<QueryOptions, "now" | "names">): ReportRequest {
  const from = parseDay(q.from, tz, o.now, o.names.from);
  const to = q.to === undefined ? from : parseDay(q.to, tz, o.now, o.names.to);
  checkRange(from, to, o.names);
  return { from, to, groupBy: parseGroupBy(q.groupBy, o.names.groupBy), stores: q.stores, terminals: q.terminals, employees: q.employees };
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
export function parseGroupBy(text: string, what = "--group-by"): Dimension[] {
  const dims = text.split(",").map((d) => d.trim()).filter(Boolean);
  for (const d of dims) {
    if (!dimensionSchema.safeParse(d).success) throw new GatewayError("invalid", `${what}: unknown dimension "${d}" (use ${dimensionSchema.options.join(", ")})`);
  }
  const times = dims.filter((d) => d === "day" || d === "week" || d === "month");
  if (times.length > 1) throw new GatewayError("invalid", `${what}: choose one of day, week, month (got ${times.join(", ")})`);
  return [...new Set(dims)] as Dimension[];
}

export function checkRange(from: string, to: string, names: { from: string; to: string } = { from: "--from", to: "--to" }): void {
  if (from > to) throw new GatewayError("invalid", `${names.from} ${from} is after ${names.to} ${to}`);
}
