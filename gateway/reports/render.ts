/** A report in the format asked for: what the CLI prints and the HTTP server sends. */
import { toCsv } from "./csv.ts";
import { toHtml } from "./html.ts";
import type { Report } from "./schema.ts";
import { toText } from "./text.ts";

export const FORMATS = ["table", "csv", "json", "html"] as const;
export type Format = (typeof FORMATS)[number];

export function render(report: Report, format: Format, separator: ";" | "," = ";"): string {
  if (format === "json") return JSON.stringify(report, null, 2) + "\n";
  if (format === "csv") return toCsv(report, separator);
  if (format === "html") return toHtml(report);
  return toText(report);
}
