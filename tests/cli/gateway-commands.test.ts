/**
 * The installer's commands against a real database file, and `loyalty gateway --demo` (what `npm start` runs)
 * as a real process: it says what runs and what to try, stores the demo terminals' presses, derives surveys,
 * and stops cleanly on Ctrl+C (SIGINT).
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";
import { signIn } from "../../gateway/web/session.ts";
import { openStore } from "../../gateway/store/store.ts";
import { freePort } from "../../gateway/testkit/mosquitto.ts";
import { heard } from "../support/store.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";

const run = runCli;

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), "lb-cli-")), "loyalty.sqlite");
}

describe("installer commands", () => {
  it("lists pending devices, pairs one, shows it in terminals and status", async () => {
    const db = tempDb();
    const store = openStore(db);
    heard(store, "33ffd605", "combo", Date.now());
    store.close();
    const pending = await run("pair", "--db", db);
    expect(pending.out).toMatch(/serial\s+role\s+firmware\s+seen\s+where\n33ffd605\s+combo\s+1\.0\.0/);
    expect((await run("stores", "add", "msk-01", "--zone", "Europe/Moscow", "--db", db)).code).toBe(0);
    const paired = await run("pair", "33ffd605", "--db", db, "--store", "msk-01", "--point", "till-2", "--question", "staff", "--text", "Довольны?", "--employee", "elena");
    expect(paired).toEqual({ code: 0, out: "Paired 33ffd605 to terminal msk-01.till-2. The running gateway sends it its configuration.\n", err: "" });
    expect((await run("pair", "--db", db)).out).toMatch(/^No pending devices/);
    expect((await run("terminals", "--db", db)).out).toMatch(/msk-01\.till-2\s+staff\s+elena\s+33ffd605 \(combo\)/);
    const status = JSON.parse((await run("status", "--json", "--db", db)).out) as { devices: { serial: string; state: string; terminal: string }[] };
    expect(status.devices).toEqual([expect.objectContaining({ serial: "33ffd605", state: "online", terminal: "msk-01.till-2" })]);
    const q = await run("terminals", "set-question", "msk-01.till-2", "--db", db, "--question", "office", "--text", "Офис?", "--from", "2026-12-01 09:00");
    expect(q.code).toBe(0);
    expect((await run("terminals", "show", "msk-01.till-2", "--db", db)).out).toMatch(/questionKind\s+"office"/);
  });

  it("backs the database up while it is open elsewhere", async () => {
    const db = tempDb();
    const live = openStore(db);
    heard(live, "B1");
    const copy = db.replace(/loyalty\.sqlite$/, "copy.sqlite");
    const r = await run("backup", copy, "--db", db);
    expect(r.out).toMatch(/^Backed up 0 events to .*copy\.sqlite in \d+ ms\.\n$/);
    const restored = openStore(copy);
    expect(restored.devices.get("B1")).toMatchObject({ serial: "B1", role: "combo" });
    restored.close();
    live.close();
  });

  it.each([
    [["pair", "nobody", "--store", "s", "--point", "p", "--question", "staff"], /^device nobody has never been heard/],
    [["pair", "x", "--question", "mood"], /^--question 'mood': expected staff, office or recommend/],
    [["unpair", "nobody"], /^device nobody is not paired/],
    [["terminals", "assign-employee", "nope", "ivan"], /^terminal nope does not exist/],
    [["terminals", "set-question", "nope", "--question", "staff", "--text", "q", "--from", "tomorrow-ish"], /^terminal nope does not exist/],
  ])("%j fails with a clear message and exit code 2", async (args, message) => {
    const r = await run(...args, "--db", tempDb());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});

describe("loyalty gateway --demo (npm start)", () => {
  it("runs the demo terminals, says what to try, stores and derives their presses, and stops cleanly on SIGINT", { timeout: 90_000 }, async () => {
    const db = tempDb();
    const bin = fileURLToPath(new URL("../../bin/loyalty.js", import.meta.url));
    const child = spawn(process.execPath, [bin, "gateway", "--demo", "--db", db, "--mqtt-port", String(await freePort()), "--log-level", "warn"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    await waitFor("the demo's summary", () => out.includes("Stop with Ctrl+C"), 60_000);
    expect(out).toMatch(/^2 simulated terminals/m);
    expect(out).toMatch(/demo\.till-1 +serial over \/dev\/pts\/\d+ \(a pseudo-terminal pair made by (socat|python3)\)/);
    expect(out).toMatch(/demo\.desk-2 +MQTT via mqtt:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/npx loyalty report --from \d{4}-\d\d-\d\d --db .* --format html > report\.html/);
    expect(out).toMatch(/npx loyalty simulate --pair-as demo\.till-3/);
    /* The web app's address and a demo admin whose printed password signs in. */
    const web = /Web app: http:\/\/127\.0\.0\.1:\d+\/ : sign in as demo with password (\S+) \(every role/.exec(out);
    expect(web).not.toBeNull();
    await waitFor("a derived survey", async () => {
      const r = JSON.parse((await run("status", "--json", "--db", db)).out) as { events: number };
      if (r.events < 2) return false;
      const s = openStore(db);
      try {
        return s.derived.surveys("demo.till-1", 0, Date.now() + 60_000).length > 0;
      } finally {
        s.close();
      }
    }, 30_000);
    const s = openStore(db);
    try {
      expect(await signIn(s, "demo", web![1]!, Date.now())).toBeDefined();
    } finally {
      s.close();
    }
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});
