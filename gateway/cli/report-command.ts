/**
 * `loyalty report`: indices and representativeness over a range of store-local days (docs/reports.md); with
 * `--hub`, the chain's, from the hub's PostgreSQL (docs/hub.md#chain-reports).
 */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import pg from "pg";
import { loadHubConfig } from "../hub/config.ts";
import { hubReportFromQuery } from "../hub/report.ts";
import { reportFromQuery, type QueryOptions, type ReportQuery } from "../reports/query.ts";
import { FORMATS, type Format } from "../reports/render.ts";
import type { CliIo } from "./io.ts";
import { withDbFlags, withStore, type DbFlags } from "./open.ts";
import { GatewayError } from "../errors.ts";

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(",").map((x) => x.trim()).filter(Boolean)];

interface ReportFlags extends DbFlags {
  from: string;
  to?: string;
  groupBy: string;
  format: string;
  store?: string[];
  terminal?: string[];
  employee?: string[];
  out?: string;
  separator: string;
  hub?: string;
}

export function registerReport(program: Command, io: CliIo): void {
  withDbFlags(
    program
      .command("report")
      .description("ИНК@Персонал, ИНК@Офис, ИЭЛ with samples and 95 % intervals, representativeness and the review backlog")
      .option("--from <day>", "first store-local day: YYYY-MM-DD, today, yesterday or -N", "yesterday")
      .option("--to <day>", "last day, included (default: the --from day)")
      .option("--group-by <dims>", "comma-separated: region, store, terminal, employee, question, and one of day, week, month", "store")
      .option("--format <format>", `one of ${FORMATS.join(", ")}`, "table")
      .option("--store <ids>", "only these stores (comma-separated, repeatable)", list)
      .option("--terminal <ids>", "only these terminals", list)
      .option("--employee <names>", "only these employees", list)
      .option("--separator <char>", "CSV separator: ';' (decimal commas, Excel in a Russian locale) or ','", ";")
      .option("-o, --out <file>", "write to a file instead of standard output")
      .option("--hub <file>", "the chain hub's config file: the chain's report from its PostgreSQL (docs/hub.md#chain-reports)"),
  ).action(async (f: ReportFlags) => {
    if (!FORMATS.includes(f.format as Format)) throw new GatewayError("invalid", `--format: expected ${FORMATS.join(", ")}, got "${f.format}"`);
    if (f.separator !== ";" && f.separator !== ",") throw new GatewayError("invalid", `--separator: expected ';' or ',', got "${f.separator}"`);
    const query: ReportQuery = { from: f.from, to: f.to, groupBy: f.groupBy, stores: f.store, terminals: f.terminal, employees: f.employee };
    const o: QueryOptions = { now: Date.now(), separator: f.separator as ";" | ",", names: { from: "--from", to: "--to" } };
    const text = f.hub === undefined ? await withStore(f, (store, config) => reportFromQuery(store, config, query, f.format as Format, o)) : await hubReport(f, f.hub, query, o);
    if (f.out) {
      writeFileSync(f.out, text);
      io.err(`report written to ${f.out}\n`);
    } else io.out(text);
  });
}

async function hubReport(f: ReportFlags, file: string, query: ReportQuery, o: QueryOptions): Promise<string> {
  if (f.config !== undefined || f.db !== undefined) throw new GatewayError("invalid", "--hub reads the hub's database: leave out --config and --db (a store's)");
  const config = loadHubConfig({ file });
  const pool = new pg.Pool({ connectionString: config.postgres.url, max: 2 });
  pool.on("error", () => undefined);
  try {
    await pool.query("SELECT 1 FROM hub_derive_queue LIMIT 1").catch((e: Error & { code?: string }) => {
      /* 42P01: no such table, a hub database this version's `loyalty hub` has not migrated yet. */
      if (e.code === "42P01") throw new GatewayError("config", `the hub's database (postgres.url in ${file}) has no derived tables yet: run \`loyalty hub\` of this version on it once`);
      throw new GatewayError("config", `cannot read the hub's database (postgres.url in ${file}): ${e.message}`);
    });
    return await hubReportFromQuery(pool, config, query, f.format as Format, o);
  } finally {
    await pool.end();
  }
}
