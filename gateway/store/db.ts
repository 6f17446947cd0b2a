/** Opens the gateway's SQLite file: WAL, full fsync at commit (acks promise durability), foreign keys, migrations. */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { GatewayError } from "../errors.ts";
import { migrate } from "./migrations.ts";

export type Db = Database.Database;

export function openDatabase(path: string): Db {
  let db: Db;
  try {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
  } catch (e) {
    throw new GatewayError("config", `cannot open the database ${path}: ${(e as Error).message}`);
  }
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  /* After a checkpoint the WAL is cut back to 4 MiB (about wal_autocheckpoint's 1000 pages): a burst does not keep its peak size on disk. */
  db.pragma("journal_size_limit = 4194304");
  migrate(db);
  return db;
}
