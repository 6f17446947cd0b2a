/**
 * On site, with the real gateway and the built firmware running in the simulator over a socat pseudo-terminal:
 * `loyalty pair --identify` blinks a pending device's LEDs, and `loyalty test <terminal>` asks for each press in
 * turn (its prompts go to the CLI's output, which this test reads to press the simulated buttons) and sees each
 * press arrive in the database.
 */
import { afterEach, describe, expect, it } from "vitest";
import { buildFirmware } from "../../firmware/build/build.ts";
import { connectSerialPath, createSimulatedBoard, type Button, type SimBoard } from "../../firmware/sim/index.ts";
import { startGateway, type Gateway } from "../../gateway/app.ts";
import { silentLogger } from "../../gateway/log.ts";
import { main } from "../../gateway/cli/main.ts";
import type { CliIo } from "../../gateway/cli/io.ts";
import { pair } from "../../gateway/terminals/manage.ts";
import { testConfig } from "../../gateway/testkit/config.ts";
import { ptyPair } from "../../gateway/testkit/socat.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function run(args: string[], react: (text: string) => void = () => undefined) {
  let out = "";
  let err = "";
  const io: CliIo = {
    out: (t) => {
      out += t;
      react(t);
    },
    err: (t) => (err += t),
    exitCode: () => {},
  };
  const code = await main(["node", "loyalty", ...args], io);
  return { code, out, err };
}

/** A gateway with one serial port and the firmware on a simulated Pico at the other end; waits for its hello. */
async function siteWithBoard(serial: string): Promise<{ gw: Gateway; board: SimBoard; db: string }> {
  const pty = await ptyPair();
  cleanups.push(() => pty.close());
  const config = testConfig({ serial: { ports: [{ path: pty.gateway }] } });
  const gw = await startGateway(config, { log: silentLogger() });
  cleanups.push(() => gw.stop());
  await waitFor("port open", () => gw.serial[0]?.isOpen);
  const { code } = await buildFirmware({ board: "pico", write: false });
  const cable = connectSerialPath(pty.device);
  cleanups.push(() => cable.close());
  const board = createSimulatedBoard({ bundle: code, board: "pico", clock: "real", serialNumber: serial, onWrite: (d) => cable.write(d) });
  cleanups.push(() => board.stop());
  cable.attach(board);
  await waitFor(`the hello of ${serial}`, () => (gw.ingest.flush(), gw.store.devices.get(serial)), 20_000);
  return { gw, board, db: config.database };
}

describe("pairing on site", () => {
  it("lists a pending device and blinks its LEDs on --identify", { timeout: 60_000 }, async () => {
    const { board, db } = await siteWithBoard("SIM-ID-1");
    const list = await run(["pair", "--db", db]);
    expect(list.out).toMatch(/SIM-ID-1\s+combo\s+0\.1\.0/);
    expect(list.out).toContain("Find one on site: loyalty pair --identify <serial>");
    expect(board.leds().green).toBe(false);
    const r = await run(["pair", "--identify", "SIM-ID-1", "--seconds", "5", "--db", db]);
    expect(r.err).toBe("");
    expect(r.out).toMatch(/^Asked SIM-ID-1 to blink both LEDs for 5 s/);
    /* Unpaired, the green LED stays off; only identify lights it (with the red, at 4 Hz). */
    await waitFor("both LEDs lit by identify", () => {
      const l = board.leds();
      return l.green && l.red;
    });
  });

  it.each([
    [["pair", "--identify", "nobody"], /^device nobody has never been heard/],
    [["pair", "x", "--identify", "x"], /^--identify takes the serial itself/],
    [["test", "nope"], /^terminal nope does not exist/],
  ])("%j fails with a clear message", async (args, message) => {
    const { db } = await siteWithBoard("SIM-ID-2");
    const r = await run([...args, "--db", db]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it("rejects --seconds outside 1..600", async () => {
    const { db } = await siteWithBoard("SIM-ID-3");
    const r = await run(["pair", "--identify", "SIM-ID-3", "--seconds", "0", "--db", db]);
    expect(r.err).toMatch(/^--seconds '0': expected whole seconds, 1\.\.600/);
  });
});

describe("loyalty test", () => {
  it("asks for each button, sees each press arrive and reports the times", { timeout: 90_000 }, async () => {
    const { gw, board, db } = await siteWithBoard("SIM-T-1");
    pair(gw.store, { serial: "SIM-T-1", store: "shop", point: "till-1", question: "staff", timeZone: "UTC", timing: { windowMs: 30_000, longMs: 1000, fmMaxMs: 1_800_000, heartbeatMs: 60_000 } }, Date.now());
    gw.workers.commands();
    await waitFor("config stored on the board", () => board.flash.files.has("lbc"), 20_000);

    const asked: string[] = [];
    let holding = false;
    const press = (b: Button) => board.press(b, 120);
    const r = await run(["test", "shop.till-1", "--db", db, "--poll-ms", "20", "--timeout", "20"], (t) => {
      if (holding && t.includes("arrived: long")) {
        board.release("seller");
        holding = false;
      }
      const m = /^\[\d+\/\d+\] (.*) \.\.\.\n$/.exec(t);
      if (!m) return;
      asked.push(m[1] as string);
      if (t.includes("seller button briefly")) press("seller");
      else if (t.includes("Press Yes")) press("yes");
      else if (t.includes("Press No")) press("no");
      else if (t.includes("Press Unsure")) press("unsure");
      else if (t.includes("Hold the seller button")) {
        /* A person lets go for a moment between two holds; a release and press in the same instant is one bounce. */
        setTimeout(() => {
          board.pressAndHold("seller");
          holding = true;
        }, 200);
      }
    });
    expect(r.err).toBe("");
    expect(r.out).toMatch(/Self-test passed/);
    expect(r.code).toBe(0);
    expect(asked).toHaveLength(6);
    expect(asked[4]).toBe("Hold the seller button for 1 s, until both LEDs light, then let go (force-majeure starts)");
    for (const k of ["short", "yes", "no", "unsure", "long"]) expect(r.out).toMatch(new RegExp(`arrived: ${k} from SIM-T-1, press to stored \\d+ ms\\. LEDs: `));
    expect(r.out).toContain("LEDs: green LED blinks once a second: the survey window is open");
    expect(r.out).toMatch(/Self-test passed: all 6 presses arrived\. Press to stored: median \d+ ms, worst \d+ ms/);
    /* What the test pressed is in the database as the terminal's events, in order. */
    const events = gw.store.db.prepare("SELECT id, kind FROM events WHERE terminal_id = 'shop.till-1' ORDER BY id").all() as { id: number; kind: string }[];
    expect(events.map((e) => e.kind)).toEqual(["short", "yes", "no", "unsure", "long", "long"]);
    /* ... and taken out of the indices as an expert would: the survey invalid, the period rejected, both audited. */
    const [short, , , , long] = events.map((e) => e.id);
    expect(r.out).toContain(`So that the test does not count in the indices: survey ${short} marked invalid, force-majeure period ${long} rejected (reason "installer self-test (loyalty test)"`);
    expect(gw.store.reviews.survey(short!)).toEqual({ valid: false, reason: "installer self-test (loyalty test)" });
    expect(gw.store.reviews.fm(long!).status).toBe("rejected");
    const log = gw.store.reviews.entries("shop.till-1", 10);
    expect(log.map((e) => [e.by, e.target, e.action])).toEqual([
      ["loyalty test", "fm", "reject"],
      ["loyalty test", "survey", "invalid"],
    ]);
    const day = gw.store.db.prepare("SELECT sum(p) AS p, sum(invalid) AS invalid FROM daily_counts WHERE terminal_id = 'shop.till-1'").get();
    expect(day).toEqual({ p: 0, invalid: 1 });
  });

  it("fails when a press does not arrive", { timeout: 60_000 }, async () => {
    const { gw, board, db } = await siteWithBoard("SIM-T-2");
    pair(gw.store, { serial: "SIM-T-2", store: "shop", point: "till-2", question: "staff", timeZone: "UTC" }, Date.now());
    gw.workers.commands();
    await waitFor("config stored on the board", () => board.flash.files.has("lbc"), 20_000);
    const r = await run(["test", "shop.till-2", "--db", db, "--poll-ms", "20", "--timeout", "0.3"]);
    expect(r.out).toContain("nothing arrived within 0.3 s");
    expect(r.out).toContain("Self-test FAILED: 0 of 6 presses arrived.");
  });
});
