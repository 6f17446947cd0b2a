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
  const b = new SingleBar({ format: `${basename(file)} [{bar}] {percentage}% | {value}/{total} bytes`, stream: process.stderr }, Presets.shades_classic);
  return { start: (total) => b.start(total, 0), update: (n) => b.update(n), stop: () => b.stop() };
}

export function registerImport(program: Command, io: CliIo): void {
  const imp = program.command("import").description("import transactions or visitors per store (or terminal) per day or hour from CSV");
  for (const kind of ["transactions", "visitors"] as const) {
    withDbFlags(imp.command(kind).argument("<file>", "CSV with columns store, terminal (optional), date, hour (optional), count").description(`import ${kind}`)).action(
      (file: string, f: DbFlags) =>
        withStore(f, async (store) => {
          const r = await importTraffic(store, kind, file, Date.now(), bar(file));
          io.out(`${kind}: ${r.rows} rows read, ${r.changed} new or changed, ${r.unchanged} unchanged\n`);
        }),
    );
  }
}
