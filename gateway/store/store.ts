/** The gateway's store: one SQLite database, one repository per table family. Only wires. */
import { bootsRepo } from "./boots.ts";
import { commandsRepo } from "./commands.ts";
import { openDatabase, type Db } from "./db.ts";
import { derivedRepo } from "./derived.ts";
import { devicesRepo } from "./devices.ts";
import { eventsRepo } from "./events.ts";
import { rejectsRepo } from "./rejects.ts";
import { settingsRepo } from "./settings.ts";
import { terminalsRepo } from "./terminals.ts";

export function createStore(db: Db) {
  return {
    db,
    events: eventsRepo(db),
    devices: devicesRepo(db),
    terminals: terminalsRepo(db),
    settings: settingsRepo(db),
    boots: bootsRepo(db),
    derived: derivedRepo(db),
    rejects: rejectsRepo(db),
    commands: commandsRepo(db),
    /** Runs `fn` in one transaction (nested calls join it). */
    tx<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
    close(): void {
      if (db.open) db.close();
    },
  };
}

export type Store = ReturnType<typeof createStore>;

export function openStore(path: string): Store {
  return createStore(openDatabase(path));
}
