/**
 * Imports transactions or visitors from a CSV file. Every row is checked first (zod, plus: the store and terminal
 * exist, the terminal belongs to the store, no row repeats another); any error imports nothing and reports each
 * bad line by number. Rows are keyed by what they count, so importing the same file again changes nothing. The
 * bytes become text first (text-encoding.ts: a byte-order mark, UTF-8, else Windows-1251, or `encoding`); a file
 * that is not text, or that holds no row, is refused and imports nothing.
 */
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { describeIssues, inWords } from "../../protocol/zod-words.ts";
import { GatewayError } from "../errors.ts";
import type { Store } from "../store/store.ts";
import type { TrafficKind } from "../store/traffic.ts";
import { decodeCsv } from "./text-encoding.ts";
import { HEADER_ALIASES, trafficRowSchema, type TrafficCsvRow } from "./traffic-row.ts";

export interface ImportResult {
  /** The encoding the file was read in. */
  encoding: string;
  rows: number;
  changed: number;
  unchanged: number;
}

export interface ImportOptions {
  /** Shown on a terminal for large files; counts characters of the decoded text. */
  progress?: ImportProgress;
  /** The file's encoding (an iconv-lite name such as windows-1251); detected when not given. */
  encoding?: string;
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

export async function importTraffic(store: Store, kind: TrafficKind, file: string, now: number, o: ImportOptions = {}): Promise<ImportResult> {
  const { progress } = o;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new GatewayError("not_found", `${file}: no such file`);
    throw new GatewayError("invalid", `${file}: cannot be read (${code === "EISDIR" ? "it is a folder" : (code ?? (e as Error).message)})`);
  }
  const decoded = decodeCsv(bytes, o.encoding);
  if (!decoded.ok) throw new GatewayError("invalid", `${file}: ${decoded.reason}; nothing was imported`);
  const { text } = decoded;
  if (text.trim() === "") throw new GatewayError("invalid", `${file}: the file is empty; nothing was imported`);
  const firstLine = text.split(/\r?\n/)[0] ?? "";
  const terminals = new Map(store.terminals.terminals().map((t) => [t.id, t.storeId]));
  const stores = new Set(store.terminals.stores().map((s) => s.id));
  const errors: string[] = [];
  const rows: (TrafficCsvRow & { line: number })[] = [];
  const seen = new Map<string, number>();
  progress?.start(text.length);
  const parser = Readable.from([text]).pipe(
    parse({
      delimiter: delimiterOf(firstLine),
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
    for await (const rec of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number; bytes: number } }>) {
      const line = rec.info.lines;
      progress?.update(rec.info.bytes);
      const r = trafficRowSchema.safeParse(rec.record, { error: inWords });
      if (!r.success) {
        errors.push(`${file}:${line}: ${describeIssues(r.error, "row")}`);
        continue;
      }
      const row = r.data;
      if (!stores.has(row.store)) errors.push(`${file}:${line}: store "${row.store}" is not known (add it first: loyalty stores add ${row.store} --zone <IANA zone>)`);
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
  if (rows.length === 0) throw new GatewayError("invalid", `${file}: no rows under the header (read as ${decoded.encoding}); nothing was imported`);
  let changed = 0;
  store.tx(() => {
    for (const r of rows) if (store.traffic.put({ kind, storeId: r.store, terminalId: r.terminal, day: r.date, hour: r.hour, count: r.count }, file, now)) changed++;
  });
  return { encoding: decoded.encoding, rows: rows.length, changed, unchanged: rows.length - changed };
}
