/**
 * One report written as the nightly files `<day>.json`, `.csv`, `.html` (the formats asked for), each whole or not at
 * all (atomic-file.ts). The store gateway's nightly job (nightly.ts) and the hub's (gateway/hub/nightly.ts) write
 * their files with it; the caller syncs the folder once when it has written all of a night's files.
 */
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-file.ts";
import { toCsv } from "./csv.ts";
import { toHtml } from "./html.ts";
import type { Report } from "./schema.ts";

export type NightlyFormat = "json" | "csv" | "html";

/** Writes `report` into `dir` as `day.<format>` for each of `formats`; returns the paths written. */
export function writeReportFiles(dir: string, day: string, report: Report, formats: readonly NightlyFormat[], html: { title: string; timeZone: string }): string[] {
  const files: string[] = [];
  for (const f of formats) {
    const path = join(dir, `${day}.${f}`);
    const text = f === "json" ? JSON.stringify(report, null, 2) + "\n" : f === "csv" ? toCsv(report) : toHtml(report, html);
    writeFileAtomic(path, text, false);
    files.push(path);
  }
  return files;
}
