/**
 * What the store does when the disk is full (issue 15). A commit that fails with SQLITE_FULL has already grown the
 * WAL with frames that will never count; left alone, every later commit grows it further, so when space is freed the
 * WAL takes it and the checkpoint that would move the committed frames into the database file (which must grow for
 * them) never finds room: the gateway stays stalled. So:
 * - after a full disk no write is tried until a `wal_checkpoint(TRUNCATE)` has moved every committed frame into the
 *   database file and cut the WAL to nothing; that checkpoint is tried at most once per `retryMs`, and until it
 *   succeeds each write fails at once with a `disk_full` error (the ingest nacks, as for any failed commit);
 * - from then on, while the disk has less than `lowBytes` free, every write is followed by the same checkpoint, so
 *   the WAL never holds more than one write that the database file has no room for (otherwise it fills the little
 *   space there is with committed frames, and the checkpoint that must copy them cannot run).
 */
import { statfsSync } from "node:fs";
import { dirname } from "node:path";
import { GatewayError } from "../errors.ts";
import type { Db } from "./db.ts";

export interface DiskFullGuardOptions {
  /** Least time between two checkpoint attempts while the disk is full, ms (default 1000). */
  retryMs?: number;
  /** Below this many free bytes, after a full disk, every write is checkpointed (default 64 MiB). */
  lowBytes?: number;
  /** The clock, epoch ms (default Date.now). */
  now?: () => number;
}

export interface DiskFullGuard {
  /** Runs one write transaction, or refuses it while the disk is still full. */
  write<T>(fn: () => T): T;
  /** True from a failed commit until a checkpoint has freed the WAL. */
  readonly full: boolean;
}

const isFull = (e: unknown) => (e as { code?: string }).code === "SQLITE_FULL";

export function diskFullGuard(db: Db, o: DiskFullGuardOptions = {}): DiskFullGuard {
  const retryMs = o.retryMs ?? 1000;
  const lowBytes = o.lowBytes ?? 64 * 1024 * 1024;
  const now = o.now ?? Date.now;
  let fullSince: number | undefined;
  let lastTry = 0;
  /* Set by a full disk, cleared once the disk has lowBytes free again. */
  let low = false;

  /** True when every committed frame is in the database file and the WAL is empty. */
  function checkpoint(): boolean {
    try {
      const [r] = db.pragma("wal_checkpoint(TRUNCATE)") as { busy: number; log: number; checkpointed: number }[];
      return r !== undefined && r.busy === 0 && r.log === r.checkpointed;
    } catch (e) {
      if (isFull(e)) return false;
      throw e;
    }
  }

  function stillLow(): boolean {
    try {
      const s = statfsSync(dirname(db.name));
      return s.bavail * s.bsize < lowBytes;
    } catch {
      return true;
    }
  }

  return {
    get full() {
      return fullSince !== undefined;
    },
    write<T>(fn: () => T): T {
      if (fullSince !== undefined) {
        const t = now();
        const due = t - lastTry >= retryMs;
        if (due) lastTry = t;
        if (!due || !checkpoint()) {
          throw new GatewayError("disk_full", `the disk of the database ${db.name} is full since ${new Date(fullSince).toISOString()}; nothing is written until space is freed`);
        }
        fullSince = undefined;
      }
      let result: T;
      try {
        result = fn();
      } catch (e) {
        if (isFull(e)) {
          fullSince = lastTry = now();
          low = true;
        }
        throw e;
      }
      /* Committed: a checkpoint that fails here leaves the WAL for the next write's guard, never the caller. */
      if (low && (low = stillLow())) checkpoint();
      return result;
    },
  };
}
