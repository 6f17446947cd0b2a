/**
 * Replaces a file all at once: the text goes to a temporary file beside it, is synced to disk, and is renamed over
 * the old one, so a reader (Mosquitto at a reload) sees the old file or the new one, never half of one. The new file
 * keeps the old one's mode and, when we may (root), its owner: `chown mosquitto:` done once stays done.
 */
import { chmodSync, chownSync, closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from "node:fs";
import { basename, dirname, join } from "node:path";
import { GatewayError } from "../errors.ts";

/** `mode`: for a file that does not exist yet (e.g. 0o600 for a password file). */
export function writeAtomically(file: string, text: string, mode: number): void {
  let prior: Stats | undefined;
  try {
    prior = statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw fileError(file, e);
  }
  if (prior && !prior.isFile()) throw new GatewayError("invalid", `${file} is not a regular file`);
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, "w", prior ? prior.mode & 0o777 : mode);
  } catch (e) {
    throw fileError(file, e);
  }
  try {
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, prior ? prior.mode & 0o777 : mode);
    if (prior && process.getuid?.() === 0) chownSync(tmp, prior.uid, prior.gid);
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw fileError(file, e);
  }
}

function fileError(file: string, e: unknown): GatewayError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === "ENOENT" ? "its folder does not exist" : code === "EACCES" || code === "EPERM" ? "permission denied" : (code ?? String(e));
  return new GatewayError("invalid", `cannot write ${file}: ${why}`);
}
