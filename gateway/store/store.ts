/** The gateway's store: one SQLite database, one repository per table family. Only wires. */
import { alertsRepo } from "./alerts.ts";
import { auditRepo } from "./audit.ts";
import { bootsRepo } from "./boots.ts";
import { commandsRepo } from "./commands.ts";
import { credentialsRepo } from "./credentials.ts";
import { openDatabase, type Db, type OpenOptions } from "./db.ts";
import { derivedRepo } from "./derived.ts";
import { diskFullGuard } from "./disk-full.ts";
import { devicesRepo } from "./devices.ts";
import { eventsRepo } from "./events.ts";
import { hubOutboxRepo } from "./hub-outbox.ts";
import { pruneRepo } from "./prune.ts";
import { rejectsRepo } from "./rejects.ts";
import { reportNightsRepo } from "./report-nights.ts";
import { reviewsRepo } from "./reviews.ts";
import { rollupsRepo } from "./rollups.ts";
import { sessionsRepo } from "./sessions.ts";
import { settingsRepo } from "./settings.ts";
import { terminalsRepo } from "./terminals.ts";
import { trafficRepo } from "./traffic.ts";
import { usersRepo } from "./users.ts";

export function createStore(db: Db) {
  const guard = diskFullGuard(db);
  return {
    db,
    events: eventsRepo(db),
    devices: devicesRepo(db),
    terminals: terminalsRepo(db),
    settings: settingsRepo(db),
    boots: bootsRepo(db),
    derived: derivedRepo(db),
    rollups: rollupsRepo(db),
    reviews: reviewsRepo(db),
    traffic: trafficRepo(db),
    rejects: rejectsRepo(db),
    commands: commandsRepo(db),
    credentials: credentialsRepo(db),
    prune: pruneRepo(db),
    reportNights: reportNightsRepo(db),
    alerts: alertsRepo(db),
    users: usersRepo(db),
    sessions: sessionsRepo(db),
    audit: auditRepo(db),
    hubOutbox: hubOutboxRepo(db),
    /** True from a commit that failed on a full disk until space is back (disk-full.ts). */
    get diskFull(): boolean {
      return guard.full;
    },
    /**
     * Runs `fn` in one transaction (nested calls join it); refused at once while the disk is full (disk-full.ts).
     * BEGIN IMMEDIATE: the write lock is taken first, waiting up to busy_timeout for another process's writer. A
     * deferred one that reads, then writes after another process wrote, fails at once with SQLITE_BUSY, which no
     * wait cures (a `loyalty pair` beside a busy gateway).
     */
    tx<T>(fn: () => T): T {
      return db.inTransaction ? db.transaction(fn)() : guard.write(() => db.transaction(fn).immediate());
    },
    /**
     * Runs `fn` in one transaction committed without waiting for fsync (synchronous = NORMAL), for rows that can be
     * rebuilt: after a power cut they are lost together with what brings them back (docs/gateway.md, "Surveys and
     * force-majeure"). Events and reviews, which acks and people rely on, keep synchronous = FULL.
     */
    txWithoutFsync<T>(fn: () => T): T {
      db.pragma("synchronous = NORMAL");
      try {
        return db.inTransaction ? db.transaction(fn)() : guard.write(() => db.transaction(fn).immediate());
      } finally {
        db.pragma("synchronous = FULL");
      }
    },
    /** A consistent copy of the database in `file`, while other processes keep writing (SQLite online backup). */
    async backup(file: string): Promise<void> {
      await db.backup(file);
    },
    close(): void {
      if (db.open) db.close();
    },
  };
}

export type Store = ReturnType<typeof createStore>;

export function openStore(path: string, o: OpenOptions = {}): Store {
  return createStore(openDatabase(path, o));
}
