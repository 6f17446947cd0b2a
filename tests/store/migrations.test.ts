/** Migrations on real SQLite files that older gateways wrote: 3 (untimed events), 4 (device credentials), 7 (why an event is untimed), 9 (the credentials' Mosquitto hash); and one a newer gateway wrote. */
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
    expect(migrate(db).slice(0, 1)).toEqual([3]);
    expect(db.prepare(`SELECT live_ms AS live FROM boots`).get()).toEqual({ live: 5000 });
    expect(db.prepare(`SELECT untimed FROM events`).get()).toEqual({ untimed: 0 });
    db.close();
  });
});

describe("migration 4", () => {
  it("adds the device credentials, kept as a SHA-256 only, replaced by a new issue and refused once revoked", async () => {
    const { openStore } = await import("../../gateway/store/store.ts");
    const store = openStore(join(dir, "v4.sqlite"));
    const secret = store.credentials.issue("DEV-1", 1000);
    expect(secret).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(store.db.prepare(`SELECT * FROM device_credentials`).all())).not.toContain(secret);
    expect(store.credentials.check("DEV-1", secret)).toBe(true);
    expect(store.credentials.check("DEV-1", secret + "x")).toBe(false);
    expect(store.credentials.check("DEV-2", secret)).toBe(false);
    expect(store.credentials.revoke("DEV-1", 2000)).toBe(true);
    expect(store.credentials.check("DEV-1", secret)).toBe(false);
    const again = store.credentials.issue("DEV-1", 3000);
    expect(store.credentials.check("DEV-1", again)).toBe(true);
    expect(store.credentials.check("DEV-1", secret)).toBe(false);
    store.close();
  });
});

describe("migration 7", () => {
  it("gives the untimed events a version-4 gateway stored their reason, unheard_boot, and the timed ones none", () => {
    const db = new Database(join(dir, "v4-untimed.sqlite"));
    for (const m of MIGRATIONS.slice(0, 4)) db.exec(m);
    db.pragma("user_version = 4");
    const insert = db.prepare(`INSERT INTO events (serial, boot, seq, kind, ts, synced, untimed, at_ms, received_ms, terminal_id) VALUES ('D', 'B', ?, 'short', 10, 0, ?, 110, 5000, 't')`);
    insert.run(1, 1);
    insert.run(2, 0);
    expect(migrate(db).slice(0, 4)).toEqual([5, 6, 7, 8]);
    expect(db.prepare(`SELECT seq, untimed_reason AS reason FROM events ORDER BY seq`).all()).toEqual([
      { seq: 1, reason: "unheard_boot" },
      { seq: 2, reason: null },
    ]);
    db.close();
  });
});

describe("migration 9", () => {
  it("keeps a credential a version-4 gateway issued (no Mosquitto hash: it is flashed again), and new ones get one", async () => {
    const db = new Database(join(dir, "v4-to-5.sqlite"));
    for (const m of MIGRATIONS.slice(0, 4)) db.exec(m);
    db.pragma("user_version = 4");
    db.prepare(`INSERT INTO device_credentials (serial, secret_sha256, issued_ms) VALUES ('OLD-1', 'ab', 1)`).run();
    db.close();
    const { openStore } = await import("../../gateway/store/store.ts");
    const { mosquittoHashMatches } = await import("../../gateway/ingest/mosquitto-files.ts");
    const store = openStore(join(dir, "v4-to-5.sqlite"));
    const secret = store.credentials.issue("NEW-1", 1000);
    store.credentials.issue("GONE-1", 1000);
    store.credentials.revoke("GONE-1", 2000);
    const inForce = store.credentials.inForce();
    expect(inForce.map((c) => [c.serial, c.mosquittoHash === null])).toEqual([["NEW-1", false], ["OLD-1", true]]);
    expect(mosquittoHashMatches(inForce[0]!.mosquittoHash!, secret)).toBe(true);
    expect(store.credentials.revokedMs("GONE-1")).toBe(2000);
    expect(store.credentials.revokedMs("NEW-1")).toBeUndefined();
    expect(store.credentials.revokedMs("NOBODY")).toBeUndefined();
    store.close();
  });
});

describe("a database a newer gateway wrote", () => {
  it("is refused in one line that says to upgrade, exit 2, and left as it was", async () => {
    const { runCli } = await import("../support/cli.ts");
    const file = join(dir, "newer.sqlite");
    const db = new Database(file);
    for (const m of MIGRATIONS) db.exec(m);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    const r = await runCli("status", "--db", file);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`database schema version ${MIGRATIONS.length + 1} is newer than this gateway knows (${MIGRATIONS.length}): a newer version of the gateway wrote it; run that version (upgrade this one), the file is left as it was\n`);
    const after = new Database(file, { readonly: true });
    expect(after.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length + 1);
    after.close();
  });
});
