/**
 * The flash port the core receives. main.ts implements it over require("Storage") (plain files for config and
 * meta, StorageFiles opened with "a" for the append-only outbox); tests pass the simulator's Storage.
 */
export interface Flash {
  /** A plain file's contents, or undefined. */
  get(name: string): string | undefined;
  /** Replaces a plain file; false when it did not fit. */
  put(name: string, data: string): boolean;
  /** All of an append-only file, or "" when it does not exist. */
  all(name: string): string;
  /** Appends to an append-only file (never the byte 0xFF); false when it did not fit. */
  add(name: string, data: string): boolean;
  /** Erases a plain or append-only file. */
  del(name: string): void;
  /** Names of the append-only files whose name starts with `prefix`. */
  names(prefix: string): string[];
}
