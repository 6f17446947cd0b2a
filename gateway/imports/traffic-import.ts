/**
 * Imports transactions or visitors from a CSV file. Every row is checked first (zod, plus: the store and terminal
 * exist, the terminal belongs to the store, no row repeats another); any error imports nothing and reports each
 * bad line by number. Rows are keyed by what they count, so importing the same file again changes nothing.
 */
import { createReadStream, statSync } from "node:fs";
import { parse } from "csv-parse";
import { GatewayError } from "../errors.ts";
import type { Store } from "../store/store.ts";
import type { TrafficKind } from "../store/traffic.ts";
import { HEADER_ALIASES, trafficRowSchema, type TrafficCsvRow } from "./traffic-row.ts";

export interface ImportResult {
  rows: number;
  changed: number;
  unchanged: number;
}

export interface ImportProgress {
  start(totalBytes: number): void;
  update(bytes: number): void;
  stop(): void;
}

const MAX_ERRORS_SHOWN = 20;

/** Reads the first line to tell `;` from `,` (Excel in a Russian locale writes semicolons). */
function delimiterOf(firstLine: string): string {
  return (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ";" : ",";
}

export async function importTraffic(store: Store, kind: TrafficKind, file: string, now: number, progress?: ImportProgress): Promise<ImportResult> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new GatewayError("not_found", `${file}: no such file`);
  }
  const firstLine = await new Promise<string>((resolve, reject) => {
    let buf = "";
    const s = createReadStream(file, { encoding: "utf8", end: 4095 });
    s.on("data", (d) => (buf += d));
    s.on("end", () => resolve(buf.split(/\r?\n/)[0] ?? ""));
    s.on("error", reject);
  });
  const terminals = new Map(store.terminals.terminals().map((t) => [t.id, t.storeId]));
  const stores = new Set(store.terminals.stores().map((s) => s.id));
  const errors: string[] = [];
  const rows: (TrafficCsvRow & { line: number })[] = [];
  const seen = new Map<string, number>();
  progress?.start(size);
  const input = createReadStream(file);
  let read = 0;
  input.on("data", (d) => progress?.update((read += d.length)));
  const parser = input.pipe(
    parse({
      bom: true,
      delimiter: delimiterOf(firstLine.replace(/^\uFEFF/, "")),
      columns: (header: string[]) =>
        header.map((h) => {
          const name = HEADER_ALIASES[h.trim().toLowerCase()];
          if (!name) throw new GatewayError("invalid", `${file}:1: unknown column "${h}" (expected store, terminal, date, hour, count)`);
          return name;
        }),
      skip_empty_lines: true,
      relax_column_count: false,
      info: true,
    }),
  );
  try {
    for await (const rec of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const line = rec.info.lines;
      const r = trafficRowSchema.safeParse(rec.record);
      if (!r.success) {
        errors.push(`${file}:${line}: ${r.error.issues.map((i) => `${i.path.join(".") || "row"}: ${i.message}`).join("; ")}`);
        continue;
      }
      const row = r.data;
      if (!stores.has(row.store)) errors.push(`${file}:${line}: store "${row.store}" is not known (pair a terminal in it first)`);
      else if (row.terminal !== "" && terminals.get(row.terminal) !== row.store) {
        errors.push(`${file}:${line}: terminal "${row.terminal}" ${terminals.has(row.terminal) ? `belongs to store "${terminals.get(row.terminal)}"` : "is not known"}`);
      } else {
        const key = JSON.stringify([row.store, row.terminal, row.date, row.hour]);
        const dup = seen.get(key);
        if (dup !== undefined) errors.push(`${file}:${line}: repeats line ${dup}`);
        else {
          seen.set(key, line);
          rows.push({ ...row, line });
        }
      }
    }
  } catch (e) {
    if (e instanceof GatewayError) throw e;
    throw new GatewayError("invalid", `${file}: not a readable CSV: ${(e as Error).message}`);
  } finally {
    progress?.stop();
  }
  if (errors.length > 0) {
    const shown = errors.slice(0, MAX_ERRORS_SHOWN).join("\n");
    const more = errors.length > MAX_ERRORS_SHOWN ? `\n… and ${errors.length - MAX_ERRORS_SHOWN} more` : "";
    throw new GatewayError("invalid", `${errors.length} bad line(s); nothing was imported:\n${shown}${more}`);
  }
  let changed = 0;
  store.tx(() => {
    for (const r of rows) if (store.traffic.put({ kind, storeId: r.store, terminalId: r.terminal, day: r.date, hour: r.hour, count: r.count }, file, now)) changed++;
  });
  return { rows: rows.length, changed, unchanged: rows.length - changed };
}
