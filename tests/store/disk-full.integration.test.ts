/**
 * A full disk with real parts (issue 15): the gateway's SQLite file on a small tmpfs (mounted here; we run as root),
 * a terminal streaming over the embedded broker through the real ingest path, the disk filled by another file mid-
 * stream, then freed. Every event acked before or during the full disk is kept; events that arrive while it is full
 * are not acked; once space returns the gateway takes them by itself, without a restart.
 */
import { execFileSync } from "node:child_process";
import { closeSync, copyFileSync, mkdtempSync, openSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overGatewayMqtt } from "../../gateway/testkit/transports.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { runCli } from "../support/cli.ts";
import { testGateway } from "../support/gateway.ts";
import { helloAndPair } from "../support/pairing.ts";
import { chain } from "../support/presses.ts";
import { acked, resendUntilDrained, streamEvents } from "../support/stream.ts";

const mnt = mkdtempSync(join(tmpdir(), "lb-full-"));
let mounted = false;

beforeAll(() => {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=12m", "tmpfs", mnt], { stdio: "pipe" });
    mounted = true;
  } catch (e) {
    throw new Error(`this test needs a small tmpfs to fill and could not mount one at ${mnt} (run it as root, or where mount -t tmpfs is permitted): ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`);
  }
});

afterAll(() => {
  if (mounted) execFileSync("umount", [mnt]);
  rmSync(mnt, { recursive: true, force: true });
});

/** Writes zeros into `file` until the disk says ENOSPC; returns the bytes written. */
function fillDisk(file: string): number {
  const fd = openSync(file, "w");
  const chunk = Buffer.alloc(16 * 1024);
  let bytes = 0;
  try {
    for (;;) {
      try {
        bytes += writeSync(fd, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOSPC") return bytes;
        throw e;
      }
    }
  } finally {
    closeSync(fd);
  }
}

describe("a full disk", () => {
  it("keeps every acked event, acks nothing it could not store, and resumes by itself once space is freed", { timeout: 180_000 }, async () => {
    const gw = await testGateway({ database: join(mnt, "loyalty.sqlite") });
    const conn = await overGatewayMqtt({ serial: "FULL-1" }, gw);
    const t = conn.terminal;
    const filler = join(mnt, "filler");
    try {
      await helloAndPair(gw, conn, "p1");
      const sending = streamEvents(t, 5000, 100, 20);
      await waitFor("some events acked", () => acked(t) >= 1000);
      const filled = fillDisk(filler);
      const nacked = () => t.received.some((m) => m.t === "nack" && m.code === "internal");
      await waitFor("the gateway to nack a batch it cannot store", nacked, 60_000);
      await sending;
      /* Whatever the terminal saw acked is in the database, full disk or not. */
      const stored = new Set((gw.store.db.prepare("SELECT seq FROM events WHERE serial = ?").all("FULL-1") as { seq: number }[]).map((r) => r.seq));
      const ackedSeqs = Array.from({ length: t.recorded }, (_, i) => i + 1).filter((n) => !t.outbox.has(n));
      expect(ackedSeqs.filter((n) => !stored.has(n))).toEqual([]);
      expect(t.outbox.size).toBeGreaterThan(0);
      /*
       * Free only the WAL's size and 256 KiB, not the whole filler: before store/disk-full.ts, the failed commits of
       * the terminal's re-sends grew the WAL into the space freed, and the checkpoint that needs room in the database
       * file for the WAL's pages never ran (the gateway stayed stalled; this test then failed on a SQLITE_FULL).
       */
      const wal = statSync(join(mnt, "loyalty.sqlite-wal")).size;
      truncateSync(filler, Math.max(0, filled - wal - 256 * 1024));
      await resendUntilDrained(t, 120_000);
      const r = gw.store.db.prepare("SELECT count(*) AS n, count(DISTINCT seq) AS d, min(seq) AS lo, max(seq) AS hi FROM events WHERE serial = ?").get("FULL-1");
      expect(r).toEqual({ n: 5000, d: 5000, lo: 1, hi: 5000 });
      expect(gw.store.diskFull).toBe(false);
    } finally {
      try {
        await conn.close();
        await gw.stop();
      } finally {
        for (const f of [filler, "loyalty.sqlite", "loyalty.sqlite-wal", "loyalty.sqlite-shm"]) rmSync(join(mnt, f), { force: true });
      }
    }
  });

  it("a command that opens the database on a full disk says so in words, changes nothing, and works once space is back", async () => {
    const c = chain();
    c.terminal("s1.till", "s1", "Europe/Moscow", "staff");
    c.store.close();
    const db = join(mnt, "cli.sqlite");
    copyFileSync(c.config.database, db);
    const csv = join(mkdtempSync(join(tmpdir(), "lb-full-csv-")), "tx.csv");
    const days = Array.from({ length: 300 }, (_, i) => new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
    writeFileSync(csv, ["store;date;count", ...days.map((d, i) => `s1;${d};${i}`), ""].join("\r\n"));
    const filler = join(mnt, "filler-cli");
    fillDisk(filler);
    try {
      const full = await runCli("import", "transactions", csv, "--db", db);
      /* SQLite cannot even make the -shm file beside the database: the command stops there, in words. */
      expect(full).toMatchObject({ code: 2, out: "" });
      expect(full.err).toMatch(new RegExp(`^the disk of the database ${db} is full \\(\\d+ bytes free\\); nothing was changed; free some space and run it again\n$`));
    } finally {
      unlinkSync(filler);
    }
    expect(await runCli("import", "transactions", csv, "--db", db)).toMatchObject({ code: 0, out: "transactions: 300 rows read, 300 new or changed, 0 unchanged\n" });
  });
});
