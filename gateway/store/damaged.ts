/**
 * A damaged database file in words (issue 15): a truncated file, one that is not SQLite at all, or one whose pages
 * fail `PRAGMA quick_check`. One line that says what to do, never SQLite's stack.
 */
import { GatewayError } from "../errors.ts";

/** SQLite's result codes for a file that is not (or no longer) a sound database. */
const DAMAGE = new Set(["SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_CORRUPT_VTAB", "SQLITE_CORRUPT_SEQUENCE", "SQLITE_CORRUPT_INDEX"]);

/** True for a SqliteError that says the file is not a sound database. */
export function isDamage(e: unknown): boolean {
  return DAMAGE.has((e as { code?: string } | undefined)?.code ?? "");
}

/** The error for `path` (the configured database when unknown), with SQLite's own finding cut to one short line. */
export function damaged(path: string | undefined, finding: string): GatewayError {
  const what = finding.replace(/\s+/g, " ").trim().slice(0, 200);
  const file = path ?? "the database file (--db or the config's database)";
  return new GatewayError(
    "corrupt",
    `the database ${path ?? ""}${path ? " " : ""}is damaged (${what}); stop the gateway, move ${file} and its -wal and -shm files aside, copy your latest backup (made by \`loyalty backup <file>\`) in its place and start again`,
  );
}
