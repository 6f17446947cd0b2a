/**
 * The nightly job in the real gateway process (`loyalty gateway`), on a real SQLite file and reports folder. The
 * gateway process runs on the real clock (it has no other), so "down over night boundaries" is the database a
 * gateway left when it stopped: the last night it wrote is some days before yesterday, and the surveys of the nights
 * since are in it. At start the gateway writes each missed night's reports; killed with -9 in the middle of that,
 * it leaves only whole files under their names and the next start finishes the job.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openStore } from "../../gateway/store/store.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { addDays, localDay } from "../../gateway/time/zone.ts";
import { chain } from "../support/presses.ts";

const TZ = "Europe/Moscow";
const bin = fileURLToPath(new URL("../../bin/loyalty.js", import.meta.url));

/** A database with stores `ids` in Moscow whose last written night is `last`, and its config file. */
function stoppedGateway(ids: string[], last: string) {
  const c = chain();
  const db = c.store.db.name;
  const folder = join(dirname(db), "reports");
  for (const id of ids) {
    c.terminal(`${id}.till`, id, TZ, "staff", "anna");
    c.store.reportNights.record(id, last, 0);
  }
  const config = join(dirname(db), "loyalty.json");
  writeFileSync(config, JSON.stringify({ database: db, timeZone: TZ, reports: { folder, nightly: { catchUpDelayMs: 0 } }, http: { enabled: false }, mqtt: { embedded: { port: 0 } } }));
  return { c, db, folder, config };
}

function startGateway(config: string) {
  const child = spawn(process.execPath, [bin, "gateway", "--config", config, "--log-level", "info"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  return { child, exited, log: () => out };
}

const lastWritten = (db: string, id: string) => {
  const s = openStore(db);
  try {
    return s.reportNights.last(id);
  } finally {
    s.close();
  }
};

/** Every report file under its final name is whole: JSON parses, HTML is closed, CSV ends its last line. */
function expectWhole(folder: string, id: string): string[] {
  const names = readdirSync(join(folder, id)).filter((f) => !f.startsWith("."));
  for (const f of names) {
    const text = readFileSync(join(folder, id, f), "utf8");
    if (f.endsWith(".json")) expect(() => JSON.parse(text), f).not.toThrow();
    if (f.endsWith(".html")) expect(text.trimEnd().endsWith("</html>"), f).toBe(true);
    if (f.endsWith(".csv")) expect(text.endsWith("\n") || text.endsWith("\r\n"), f).toBe(true);
  }
  return names;
}

describe("the nightly job of a gateway that was down", () => {
  it("writes at start the reports of every night it missed, with their surveys, and remembers the last", { timeout: 120_000 }, async () => {
    const today = localDay(Date.now(), TZ);
    const day = (n: number) => addDays(today, -n);
    const { c, db, folder, config } = stoppedGateway(["msk"], day(4));
    const t = c.terminal("msk.desk", "msk", TZ, "staff");
    t.survey(`${day(3)} 12:00:00`, "yes");
    t.survey(`${day(1)} 12:00:00`, "no");
    t.survey(`${day(1)} 13:00:00`, "yes");
    c.store.close();
    const gw = startGateway(config);
    await waitFor("the last missed night's reports", () => existsSync(join(folder, "msk", `${day(1)}.employees.csv`)), 90_000);
    await waitFor("the last written night recorded", () => lastWritten(db, "msk") === day(1), 30_000);
    gw.child.kill("SIGINT");
    expect(await gw.exited).toBe(0);
    const surveys = (d: string) => JSON.parse(readFileSync(join(folder, "msk", `${d}.json`), "utf8")).total.representativeness.surveys;
    expect([day(3), day(2), day(1)].map(surveys)).toEqual([1, 0, 2]);
    expect(existsSync(join(folder, "msk", `${day(4)}.json`))).toBe(false);
    expect(expectWhole(folder, "msk").sort()).toEqual(
      [3, 2, 1].flatMap((n) => [`${day(n)}.csv`, `${day(n)}.employees.csv`, `${day(n)}.html`, `${day(n)}.json`]).sort(),
    );
    expect(gw.log()).toMatch(/writing the nightly reports the store missed/);
  });

  it("killed -9 while writing them leaves no partial report under its name, and the next start writes the rest", { timeout: 240_000 }, async () => {
    const today = localDay(Date.now(), TZ);
    const ids = ["a", "b", "c"];
    const { c, db, folder, config } = stoppedGateway(ids, addDays(today, -60));
    c.store.close();
    const first = startGateway(config);
    /* Kill as soon as the first night's first file is there: the other 370 or so are still to be written. */
    await waitFor("a first report file", () => existsSync(join(folder, "a")) && readdirSync(join(folder, "a")).some((f) => !f.startsWith(".")), 90_000);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    for (const id of ids) if (existsSync(join(folder, id))) expectWhole(folder, id);
    expect(ids.map((id) => lastWritten(db, id)).some((d) => d !== addDays(today, -1))).toBe(true);

    const second = startGateway(config);
    await waitFor("every store's nights up to yesterday", () => ids.every((id) => lastWritten(db, id) === addDays(today, -1)), 120_000);
    second.child.kill("SIGINT");
    expect(await second.exited).toBe(0);
    for (const id of ids) {
      const names = expectWhole(folder, id);
      /* A month of nights (the cap), four files each; the older 29 nights are named in the log, not written. */
      expect(names.filter((f) => f.endsWith(".json")).sort()).toEqual(Array.from({ length: 31 }, (_, i) => `${addDays(today, i - 31)}.json`));
      expect(names).toHaveLength(31 * 4);
      expect(readdirSync(join(folder, id)).filter((f) => f.startsWith("."))).toEqual([]);
    }
    expect(second.log()).toMatch(/the gateway missed more than 31 nights: writing only the last 31/);
  });
});
