/** `loyalty backup <file>`: a consistent copy of the database while the gateway keeps running (SQLite online backup). */
import type { Command } from "commander";
import type { CliIo } from "./io.ts";
import { withDbFlags, withStore, type DbFlags } from "./open.ts";

export function registerBackup(program: Command, io: CliIo): void {
  withDbFlags(program.command("backup").argument("<file>", "where to write the copy").description("copy the database safely while the gateway runs")).action((file: string, f: DbFlags) =>
    withStore(f, async (store) => {
      const started = Date.now();
      await store.backup(file);
      io.out(`Backed up ${store.events.count()} events to ${file} in ${Date.now() - started} ms.\n`);
    }),
  );
}
