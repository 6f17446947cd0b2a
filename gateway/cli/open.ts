/** What every command that works on the database shares: --config and --db, loaded the same way as the gateway. */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { GatewayError } from "../errors.ts";
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

/**
 * The gateway's existing database, never a new one (a credential registered in, or read from, another database would
 * be of no use); `what` says what the installer does (e.g. "flash an MQTT terminal") for the error message.
 */
export function openGatewayStore(flags: DbFlags, what: string): Store & { path: string } {
  const config = configFrom(flags);
  if (!existsSync(config.database)) {
    throw new GatewayError("not_found", `no gateway database at ${config.database}: ${what} where the gateway runs, with its --config or --db (the terminals' credentials are registered there)`);
  }
  return Object.assign(openStore(config.database), { path: config.database });
}
