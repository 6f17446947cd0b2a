/**
 * Messages waiting for a device (config after pairing, unpair, identify, ...). The CLI writes them while the
 * gateway runs in another process; the gateway sends each when the device is reachable and marks it sent.
 */
import type { Db } from "./db.ts";

/** A command is a down message without `d`; `config` is built from the database when it is sent. */
export type Command = { t: "config" } | { t: "unpair" } | { t: "query" } | { t: "identify"; s: number } | { t: "time" };

export interface CommandRow {
  id: number;
  serial: string;
  command: Command;
}

export function commandsRepo(db: Db) {
  const add = db.prepare(`INSERT INTO commands (serial, message, created_ms) VALUES (?, ?, ?)`);
  /* Only for the given devices: commands for devices that never come back must not hold up the others. */
  const pending = db.prepare(
    `SELECT id, serial, message FROM commands WHERE sent_ms IS NULL AND serial IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT 500`,
  );
  const done = db.prepare(`UPDATE commands SET sent_ms = ? WHERE id = ?`);
  return {
    add(serial: string, command: Command, now: number): void {
      add.run(serial, JSON.stringify(command), now);
    },
    /** Unsent commands for the devices in `serials`, oldest first. */
    pending(serials: readonly string[]): CommandRow[] {
      return (pending.all(JSON.stringify(serials)) as { id: number; serial: string; message: string }[]).map((r) => ({
        id: r.id,
        serial: r.serial,
        command: JSON.parse(r.message) as Command,
      }));
    },
    sent(id: number, now: number): void {
      done.run(now, id);
    },
  };
}
