/**
 * Report files are written whole or not at all (docs/reports.md#the-nightly-job): the text goes to a temporary file
 * in the same folder, is flushed to disk, and is renamed over the final name. A rename within one file system is
 * atomic, so a kill (even -9) or a power cut leaves the old file or the new one under the final name, never half of
 * one; at worst a temporary file stays behind, which `removeLeftovers` deletes at the next start.
 */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Temporary files: hidden (a dot first, so `GET /reports/` and file managers skip them), ending in `.tmp`. */
const LEFTOVER = /^\..+\.\d+\.tmp$/;

/**
 * Writes `text` to `path` atomically: a temporary file in the same folder, fsync, rename, then fsync of the folder
 * unless `syncDir` is false (a caller writing several files in one folder syncs it once, with `syncFolder`).
 */
export function writeFileAtomic(path: string, text: string, syncDir = true): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, "w");
  try {
    writeFileSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  if (syncDir) syncFolder(dir);
}

/** Deletes the temporary files a killed writer left in `dir`; returns their names. A missing folder has none. */
export function removeLeftovers(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => LEFTOVER.test(n));
  } catch {
    return [];
  }
  for (const n of names) rmSync(join(dir, n), { force: true });
  return names;
}

/** Makes the renames in `dir` durable (its entries on disk); best effort, as some file systems refuse a folder's fsync. */
export function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    /* best effort: the file itself is complete either way */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
