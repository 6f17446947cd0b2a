/**
 * A damaged database file at start (issue 15): truncated, random bytes, or a real page overwritten. The real
 * `loyalty` process exits non-zero with one line that says to restore the backup, never SQLite's stack, and leaves
 * the file as it was (for salvage). A sound file passes the same check.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../gateway/store/store.ts";
import { prng } from "../support/corrupt.ts";
import { runCli } from "../support/cli.ts";

const BIN = fileURLToPath(new URL("../../bin/loyalty.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "lb-damaged-"));
const sound = join(dir, "sound.sqlite");
const EVENTS = 3000;
const PAGE = 4096;

beforeAll(() => {
  const store = openStore(sound);
  const insert = store.db.prepare(`INSERT INTO events (serial, boot, seq, kind, ts, synced, at_ms, received_ms, terminal_id) VALUES ('D', 'B', ?, 'short', ?, 1, ?, ?, 't')`);
  store.tx(() => {
    for (let n = 1; n <= EVENTS; n++) insert.run(n, n * 1000, n * 1000, n * 1000 + 5);
  });
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the sound file, changed by `spoil`. */
function spoilt(name: string, spoil: (file: string) => void): string {
  const file = join(dir, name);
  copyFileSync(sound, file);
  spoil(file);
  return file;
}

/** Overwrites the header of one leaf page of the events table with random bytes. */
function overwriteEventsPage(file: string): void {
  const probe = openStore(sound);
  const { page } = probe.db.prepare(`SELECT max(pageno) AS page FROM dbstat WHERE name = 'events' AND pagetype = 'leaf'`).get() as { page: number };
  probe.close();
  const bytes = readFileSync(file);
  const rnd = prng(15);
  for (let i = 0; i < 64; i++) bytes[(page - 1) * PAGE + i] = Math.floor(rnd() * 256);
  writeFileSync(file, bytes);
}

const CASES: [string, (file: string) => void][] = [
  ["truncated to half its pages", (f) => truncateSync(f, Math.floor(readFileSync(f).length / PAGE / 2) * PAGE)],
  ["truncated inside its header", (f) => truncateSync(f, 60)],
  ["random bytes", (f) => writeFileSync(f, Buffer.from(Array.from({ length: 64 * 1024 }, prng(7)).map((x) => Math.floor(x * 256))))],
  ["a page of the events table overwritten", overwriteEventsPage],
];

describe("a damaged database at start", () => {
  it.each(CASES)("%s: the gateway exits non-zero with one line that says to restore the backup", (name, spoil) => {
    const file = spoilt(name.replace(/\W+/g, "-") + ".sqlite", spoil);
    const before = readFileSync(file);
    const r = spawnSync(process.execPath, [BIN, "gateway", "--db", file, "--mqtt-port", "0", "--log-level", "silent"], { encoding: "utf8", timeout: 60_000 });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^the database ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} is damaged \\(.+\\); stop the gateway, move .+ aside, copy your latest backup \\(made by \`loyalty backup <file>\`\\) in its place and start again$`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it("a short command on a file that is not a database says the same, in words", async () => {
    const file = spoilt("status-random.sqlite", (f) => writeFileSync(f, Buffer.alloc(8192, 0x5a)));
    const r = await runCli("status", "--db", file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^the database .* is damaged \(file is not a database\); stop the gateway, .*loyalty backup/);
  });

  it("a sound file passes quick_check and keeps every event", () => {
    const store = openStore(sound, { check: true });
    expect(store.events.count()).toBe(EVENTS);
    store.close();
  });
});
