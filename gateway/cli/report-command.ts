/** `loyalty report`: indices and representativeness over a range of store-local days (docs/reports.md). */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { reportFromQuery } from "../reports/query.ts";
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
}

export function registerReport(program: Command, io: CliIo): void {
  withDbFlags(
    program
      .command("report")
      .description("ИНК@Персонал, ИНК@Офис, ИЭЛ with samples and 95 % intervals, representativeness and the review backlog")
      .option("--from <day>", "first store-local day: YYYY-MM-DD, today, yesterday or -N", "yesterday")
      .option("--to <day>", "last day, included (default: the --from day)")
      .option("--group-by <dims>", "comma-separated: store, terminal, employee, question, and one of day, week, month", "store")
      .option("--format <format>", `one of ${FORMATS.join(", ")}`, "table")
      .option("--store <ids>", "only these stores (comma-separated, repeatable)", list)
      .option("--terminal <ids>", "only these terminals", list)
      .option("--employee <names>", "only these employees", list)
      .option("--separator <char>", "CSV separator: ';' (decimal commas, Excel in a Russian locale) or ','", ";")
      .option("-o, --out <file>", "write to a file instead of standard output"),
  ).action((f: ReportFlags) =>
    withStore(f, (store, config) => {
      if (!FORMATS.includes(f.format as Format)) throw new GatewayError("invalid", `--format: expected ${FORMATS.join(", ")}, got "${f.format}"`);
      if (f.separator !== ";" && f.separator !== ",") throw new GatewayError("invalid", `--separator: expected ';' or ',', got "${f.separator}"`);
      const query = { from: f.from, to: f.to, groupBy: f.groupBy, stores: f.store, terminals: f.terminal, employees: f.employee };
      const text = reportFromQuery(store, config, query, f.format as Format, { now: Date.now(), separator: f.separator as ";" | ",", names: { from: "--from", to: "--to" } });
      if (f.out) {
        writeFileSync(f.out, text);
        io.err(`report written to ${f.out}\n`);
      } else io.out(text);
    }),
  );
}
