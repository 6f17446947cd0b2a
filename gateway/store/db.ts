/** Opens the gateway's SQLite file: WAL, full fsync at commit (acks promise durability), foreign keys, migrations. */
import { mkdirSync, statfsSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { GatewayError } from "../errors.ts";
import { damaged, isDamage } from "./damaged.ts";
import { migrate } from "./migrations.ts";

export type Db = Database.Database;

export interface OpenOptions {
  /**
   * Run `PRAGMA quick_check` before anything else (default false): it reads every page, so the gateway does it at
   * start and the short commands do not (they still fail in words on a damaged file, cli/main.ts).
   */
  check?: boolean;
}

export function openDatabase(path: string, o: OpenOptions = {}): Db {
  let db: Db;
  try {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
  } catch (e) {
    throw new GatewayError("config", `cannot open the database ${path}: ${(e as Error).message}`);
  }
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    /* After a checkpoint the WAL is cut back to 4 MiB (about wal_autocheckpoint's 1000 pages): a burst does not keep its peak size on disk. */
    db.pragma("journal_size_limit = 4194304");
    if (o.check) {
      const rows = db.pragma("quick_check(5)") as { quick_check: string }[];
      const problems = rows.map((r) => r.quick_check).filter((m) => m !== "ok");
      if (problems.length > 0) throw damaged(path, problems.join("; "));
    }
    migrate(db);
  } catch (e) {
    db.close();
    if (e instanceof GatewayError) throw e;
    if (isDamage(e)) throw damaged(path, (e as Error).message);
    throw unwritable(path, e);
  }
  return db;
}

/** Free bytes on the disk of `path`, or undefined when the system cannot say. */
function freeBytes(path: string): number | undefined {
  try {
    const s = statfsSync(dirname(path));
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

/**
 * A database that opened but cannot be set up (its -shm or -wal not created, a migration not written): a full disk
 * (SQLite says SQLITE_FULL, or SQLITE_IOERR when the -shm file cannot grow) in words; anything else as it is.
 */
function unwritable(path: string, e: unknown): unknown {
  const code = (e as { code?: string }).code ?? "";
  if (code !== "SQLITE_FULL" && !code.startsWith("SQLITE_IOERR")) return e;
  const free = freeBytes(path);
  if (code === "SQLITE_FULL" || (free !== undefined && free < 1024 * 1024)) {
    return new GatewayError("disk_full", `the disk of the database ${path} is full (${free ?? "?"} bytes free); nothing was changed; free some space and run it again`);
  }
  return new GatewayError("config", `cannot open the database ${path}: ${(e as Error).message} (${code}); check the disk`);
}
