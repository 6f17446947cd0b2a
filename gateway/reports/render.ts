/** A report in the format asked for: what the CLI prints and the HTTP server sends. */
import { toCsv } from "./csv.ts";
import { toHtml } from "./html.ts";
import type { Report } from "./schema.ts";
import { toText } from "./text.ts";

export const FORMATS = ["table", "csv", "json", "html"] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  /** CSV separator (default ';'). */
  separator?: ";" | ",";
  /** The zone the HTML shows times in. */
  timeZone: string;
}

export function render(report: Report, format: Format, o: RenderOptions): string {
  if (format === "json") return JSON.stringify(report, null, 2) + "\n";
  if (format === "csv") return toCsv(report, o.separator ?? ";");
  if (format === "html") return toHtml(report, { timeZone: o.timeZone });
  return toText(report);
}
