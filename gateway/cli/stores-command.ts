/** `loyalty stores`: add a store with its time zone, list them, move one to another zone, rename, set its region. */
import type { Command } from "commander";
import { table } from "../reports/table.ts";
import { addStore, checkZone, existingStore, renameStore, setStoreRegion, setStoreZone } from "../terminals/stores.ts";
import type { CliIo } from "./io.ts";
import { withDbFlags, withStore, type DbFlags } from "./open.ts";

/** The warning of `set-zone`: before (`done` false) or after the move. */
function daysMove(id: string, from: string, to: string, terminals: number, done: boolean): string {
  return (
    `Warning: store ${id}'s days ${done ? "now run" : "will run"} from midnight in ${to} instead of ${from}. Every day of its ` +
    `${terminals} terminal(s) ${done ? "was" : "is"} recounted, so surveys near midnight can move to the neighbouring day and past ` +
    `days' figures change; reports already written keep the old days (write them again with loyalty report). Settings ` +
    `keep their instants.\n`
  );
}

export function registerStores(program: Command, io: CliIo): void {
  const stores = program.command("stores").description("stores: their time zones, names and regions");

  withDbFlags(stores.command("list", { isDefault: true }).description("every store with its time zone, region and terminals")).action((f: DbFlags) =>
    withStore(f, (store) => {
      const rows = store.terminals.stores().map((s) => [s.id, s.name, s.region ?? "-", s.timeZone, String(store.terminals.terminalsOf(s.id).length)]);
      io.out(rows.length ? table(["store", "name", "region", "time zone", "terminals"], rows) : "No stores yet. Add one: loyalty stores add <id> --zone <IANA zone, e.g. Europe/Moscow>\n");
    }),
  );

  withDbFlags(
    stores
      .command("add")
      .argument("<id>", "store id, e.g. msk-01 (terminals are <store>.<point>)")
      .requiredOption("--zone <tz>", "the store's IANA time zone, e.g. Europe/Moscow: its days run midnight to midnight there")
      .option("--name <name>", "a readable name (default: the id)")
      .option("--region <region>", "the region the chain hub groups it in")
      .description("add a store with its time zone, before pairing its terminals"),
  ).action((id: string, f: DbFlags & { zone: string; name?: string; region?: string }) =>
    withStore(f, (store) => {
      const s = addStore(store, { id, timeZone: f.zone, name: f.name, region: f.region }, Date.now());
      io.out(`Store ${s.id} added (time zone ${s.timeZone}${s.region ? `, region ${s.region}` : ""}). Pair its terminals: loyalty pair <serial> --store ${s.id} --point <id> --question staff|office|recommend\n`);
    }),
  );

  withDbFlags(
    stores
      .command("set-zone")
      .argument("<id>")
      .argument("<zone>", "IANA time zone, e.g. Europe/Samara")
      .option("--yes", "move a store that has terminals: its days (and daily figures) move with the zone")
      .description("move a store to another time zone; its days are recounted"),
  ).action((id: string, zone: string, f: DbFlags & { yes?: boolean }) =>
    withStore(f, (store) => {
      const before = existingStore(store, id);
      checkZone(zone, "zone");
      if (before.timeZone === zone) {
        io.out(`Store ${id} is already in ${zone}; nothing changed.\n`);
        return;
      }
      const terminals = store.terminals.terminalsOf(id).length;
      if (terminals > 0 && !f.yes) {
        io.err(daysMove(id, before.timeZone, zone, terminals, false) + "Nothing changed: run it again with --yes to move the store.\n");
        io.exitCode(1);
        return;
      }
      const r = setStoreZone(store, id, zone);
      io.out(`Store ${id} is now in ${r.to} (was ${r.from}).\n` + (terminals > 0 ? daysMove(id, r.from, r.to, terminals, true) : ""));
    }),
  );

  withDbFlags(stores.command("rename").argument("<id>").argument("<name>").description("give a store a readable name")).action((id: string, name: string, f: DbFlags) =>
    withStore(f, (store) => {
      const s = renameStore(store, id, name);
      io.out(`Store ${s.id} is now called ${s.name}.\n`);
    }),
  );

  withDbFlags(stores.command("set-region").argument("<id>").argument("<region>", "e.g. Северо-Запад; '-' removes it").description("the region the chain hub groups the store in")).action(
    (id: string, region: string, f: DbFlags) =>
      withStore(f, (store) => {
        const s = setStoreRegion(store, id, region === "-" ? null : region);
        io.out(s.region ? `Store ${s.id} is in region ${s.region}.\n` : `Store ${s.id} has no region.\n`);
      }),
  );
}
