/** `loyalty import transactions|visitors <file.csv>`: traffic for «Точная конверсия» and «Коэффициент охвата». */
import { basename } from "node:path";
import { SingleBar, Presets } from "cli-progress";
import type { Command } from "commander";
import { importTraffic, type ImportProgress } from "../imports/traffic-import.ts";
import type { CliIo } from "./io.ts";
import { withDbFlags, withStore, type DbFlags } from "./open.ts";

/** A progress bar on a terminal, for files large enough to wait for; nothing otherwise. */
function bar(file: string): ImportProgress | undefined {
  if (!process.stderr.isTTY) return undefined;
  const b = new SingleBar({ format: `${basename(file)} [{bar}] {percentage}% | {value}/{total} characters`, stream: process.stderr }, Presets.shades_classic);
  return { start: (total) => b.start(total, 0), update: (n) => b.update(n), stop: () => b.stop() };
}

export function registerImport(program: Command, io: CliIo): void {
  const imp = program.command("import").description("import transactions or visitors per store (or terminal) per day or hour from CSV");
  for (const kind of ["transactions", "visitors"] as const) {
    withDbFlags(
      imp
        .command(kind)
        .argument("<file>", "CSV with columns store, terminal (optional), date, hour (optional), count")
        .option("--encoding <name>", "the file's encoding, e.g. windows-1251 or utf-16le (default: a byte-order mark, else UTF-8, else Windows-1251)")
        .description(`import ${kind}`),
    ).action((file: string, f: DbFlags & { encoding?: string }) =>
      withStore(f, async (store) => {
        const r = await importTraffic(store, kind, file, Date.now(), { progress: bar(file), encoding: f.encoding });
        /* UTF-8 is the usual case and goes unsaid; any other encoding is named, so a wrong guess shows. */
        io.out(`${kind}: ${r.rows} rows read${r.encoding === "utf-8" ? "" : ` (read as ${r.encoding})`}, ${r.changed} new or changed, ${r.unchanged} unchanged\n`);
      }),
    );
  }
}
