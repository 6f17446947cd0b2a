/** Migration 3 (untimed events) on a real SQLite file that a version-2 gateway wrote. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS, migrate } from "../../gateway/store/migrations.ts";

const dir = mkdtempSync(join(tmpdir(), "lb-migrate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("migration 3", () => {
  it("takes the boots a version-2 gateway stored as known and its events as timed, so no reviewed survey moves", () => {
    const db = new Database(join(dir, "v2.sqlite"));
    for (const m of MIGRATIONS.slice(0, 2)) db.exec(m);
    db.pragma("user_version = 2");
    db.prepare(`INSERT INTO boots (serial, boot, offset_ms, first_seen_ms) VALUES ('D', 'B', 100, 5000)`).run();
    db.prepare(
      `INSERT INTO events (serial, boot, seq, kind, ts, synced, at_ms, received_ms, terminal_id) VALUES ('D', 'B', 1, 'short', 10, 0, 110, 5000, 't')`,
    ).run();
    expect(migrate(db)).toEqual([3]);
    expect(db.prepare(`SELECT live_ms AS live FROM boots`).get()).toEqual({ live: 5000 });
    expect(db.prepare(`SELECT untimed FROM events`).get()).toEqual({ untimed: 0 });
    db.close();
  });
});
