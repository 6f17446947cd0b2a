/**
 * CSV for Excel: UTF-8 with a byte-order mark (so Excel reads the Cyrillic headers), semicolons and decimal
 * commas by default, as Excel expects in a Russian locale; `separator: ","` gives decimal points.
 */
import { flatten } from "./rows.ts";
import type { Report } from "./schema.ts";

export const BOM = "\uFEFF";

function cell(v: string, sep: string): string {
  return /["\r\n]/.test(v) || v.includes(sep) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function toCsv(report: Report, separator: ";" | "," = ";"): string {
  const { header, rows } = flatten(report, separator === ";");
  return BOM + [header, ...rows].map((r) => r.map((c) => cell(c, separator)).join(separator)).join("\r\n") + "\r\n";
}
