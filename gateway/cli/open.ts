/** What every command that works on the database shares: --config and --db, loaded the same way as the gateway. */
import type { Command } from "commander";
import { loadConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { openStore, type Store } from "../store/store.ts";

export interface DbFlags {
  config?: string;
  db?: string;
}

export function withDbFlags(cmd: Command): Command {
  return cmd.option("-c, --config <file>", "JSON config file (docs/configuration.md)").option("--db <path>", "SQLite database (default ./data/loyalty.sqlite)");
}

export function configFrom(flags: DbFlags, overrides: Record<string, unknown> = {}): Config {
  return loadConfig({ file: flags.config, overrides: { ...(flags.db ? { database: flags.db } : {}), ...overrides } });
}

/** Opens the store for one command and closes it afterwards (after the promise settles, if `fn` returns one). */
export async function withStore<T>(flags: DbFlags, fn: (store: Store, config: Config) => T | Promise<T>): Promise<T> {
  const config = configFrom(flags);
  const store = openStore(config.database);
  try {
    return await fn(store, config);
  } finally {
    store.close();
  }
}
