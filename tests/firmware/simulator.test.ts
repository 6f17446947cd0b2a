/**
 * The simulator itself rejects what the real Espruino API rejects (each rule cites the reference in
 * firmware/sim/), and cables a board to a real pseudo-terminal made by socat.
 */
import { createReadStream, openSync, writeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectSerialPath, createSimulatedBoard } from "../../firmware/sim/index.ts";
import { ptyPair } from "../../gateway/testkit/socat.ts";
import { gatewayEnd } from "../../protocol/endpoints.ts";
import { replCall } from "../../protocol/repl.ts";
import { bundle, CONFIG, SERIAL } from "./helpers.ts";

let code = "";
beforeAll(async () => {
  code = await bundle({ board: "pico" });
});
const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/* A bare board (an empty program) whose globals the test calls directly. */
function bare() {
  const b = createSimulatedBoard({ bundle: "", board: "pico" });
  cleanups.push(() => b.stop());
  return { b, g: b.context() as unknown as { [k: string]: any } };
}

describe("simulated Espruino API", () => {
  it.each([
    ["appending 0xFF to a StorageFile", (g: any) => g.require("Storage").open("f", "a").write("a\xffb"), /255/],
    ["a StorageFile name over 27 characters", (g: any) => g.require("Storage").open("x".repeat(28), "a"), /1\.\.27/],
    ["a StorageFile mode other than r/w/a", (g: any) => g.require("Storage").open("f", "x"), /mode/],
    ["writing to a StorageFile opened for reading", (g: any) => g.require("Storage").open("f", "r").write("a"), /reading/],
    ["an unknown pin", (g: any) => new g.Pin("Z9"), /Invalid pin/],
    ["setWatch without a function", (g: any) => g.setWatch(1, new g.Pin("B3"), {}), /function/],
    ["setWatch with a bad edge", (g: any) => g.setWatch(() => 0, new g.Pin("B3"), { edge: "up" }), /edge/],
    ["clearWatch of an unknown id", (g: any) => g.clearWatch(99), /Invalid ID/],
    ["clearTimeout of a spent timer", (g: any) => g.clearTimeout(1234), /Unknown Timeout/],
    ["an unknown module", (g: any) => g.require("fs"), /not found/],
    ["net.connect without a host", (g: any) => g.require("net").connect({ port: 1 }), /host/],
    ["Serial1.setup with a bad baud rate", (g: any) => g.Serial1.setup("fast"), /baud/],
  ])("rejects %s", (_name, call, message) => {
    const { g } = bare();
    expect(() => call(g)).toThrow(message);
  });

  it("Storage.write returns false when the flash is full, and the size counts headers", () => {
    const b = createSimulatedBoard({ bundle: "", board: "pico", flashSize: 200 });
    const S = (b.context() as any).require("Storage");
    expect(S.write("a", "x".repeat(100))).toBe(true);
    expect(S.write("b", "x".repeat(100))).toBe(false);
    expect(S.getFree()).toBe(200 - 132);
    b.stop();
  });

  it("Storage.readJSON: undefined for a missing file; invalid JSON throws, or is undefined with noExceptions", () => {
    const { g } = bare();
    const S = g.require("Storage");
    expect(S.readJSON("none", true)).toBeUndefined();
    S.write("ok", { a: 1 });
    expect(S.readJSON("ok")).toEqual({ a: 1 });
    S.write("cut", '{"a":');
    expect(() => S.readJSON("cut")).toThrow();
    expect(S.readJSON("cut", true)).toBeUndefined();
  });

  it("setWatch debounces a bouncing contact into one callback with state, time and lastTime", () => {
    const { b, g } = bare();
    const calls: any[] = [];
    g.setWatch((e: any) => calls.push(e), new g.Pin("B3"), { repeat: true, edge: "both", debounce: 50 });
    b.advance(1000);
    b.pressAndHold("seller", { bounce: 5 });
    b.advance(200);
    b.release("seller");
    b.advance(200);
    expect(calls.map((c) => c.state)).toEqual([false, true]);
    expect(calls[0].time).toBeCloseTo(1.01, 5);
    expect(calls[1].lastTime).toBeCloseTo(1.01, 5);
  });

  it("the watchdog reboots a board whose code hangs, and the firmware's outbox resumes after it", () => {
    const b = createSimulatedBoard({ bundle: "E.enableWatchdog(0.2, true); if (!require('Storage').read('hung')) { require('Storage').write('hung', '1'); setTimeout(function () { for (;;) {} }, 10); }", board: "pico" });
    cleanups.push(() => b.stop());
    b.advance(50);
    expect(b.watchdogResets).toBe(1);
    expect(b.boots).toBe(2);
    expect(b.alive).toBe(true);
  });

  it("the REPL runs \\x10 lines without echo and echoes others with their value", () => {
    const out: string[] = [];
    const b = createSimulatedBoard({ bundle: "var x = 1;", board: "pico", onWrite: (d) => out.push(d) });
    b.serialInput("\x10x = 5\n");
    expect(out).toEqual([]);
    b.serialInput("x + 1\n");
    expect(out.join("")).toBe("x + 1\r\n=6\r\n>");
    b.stop();
  });
});

describe("serial over a real pseudo-terminal (socat)", () => {
  it("the gateway side of a pty reads the board's frames and its REPL calls reach the firmware", async () => {
    const pty = await ptyPair();
    cleanups.push(() => pty.close());
    const dev = pty.device;
    const gw = pty.gateway;
    const cable = connectSerialPath(dev);
    cleanups.push(() => cable.close());
    const board = createSimulatedBoard({ bundle: code, board: "pico", clock: "real", onWrite: (d) => cable.write(d) });
    cleanups.push(() => board.stop());
    cable.attach(board);
    const fd = openSync(gw, "r+");
    let text = "";
    const rs = createReadStream("", { fd, autoClose: true, encoding: "latin1" });
    rs.on("data", (c) => (text += String(c)));
    /* The pty reports EIO once socat has gone; that is the end of the cable, not a failure. */
    rs.on("error", () => undefined);
    cleanups.push(() => rs.destroy());
    const end = gatewayEnd();
    const frames = () =>
      text
        .split("\n")
        .map((l) => end.decode(l))
        .flatMap((r) => (r.ok ? [r.msg] : []));
    const waitFor = async (f: () => boolean) => {
      for (let i = 0; i < 300 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(f()).toBe(true);
    };
    await waitFor(() => frames().some((m) => m.t === "hello"));
    const r = end.encode({ ...CONFIG });
    writeSync(fd, replCall(r.ok ? r.line : ""));
    await waitFor(() => board.flash.files.has("lbc"));
    board.press("yes", 60);
    await waitFor(() => frames().some((m) => m.t === "event" && m.k === "yes" && m.d === SERIAL));
  });

  it("several cables leave libuv's thread pool free (each waits on the event loop's poll, not in a pool thread)", async () => {
    const cables = [];
    /* More cables than the pool has threads (4 unless UV_THREADPOOL_SIZE says otherwise). */
    const count = Math.max(4, Number(process.env.UV_THREADPOOL_SIZE) || 4) + 2;
    for (let i = 0; i < count; i++) {
      const pty = await ptyPair();
      cleanups.push(() => pty.close());
      const cable = connectSerialPath(pty.device);
      cleanups.push(() => cable.close());
      cables.push(cable);
    }
    /* With a blocking read per cable in the pool, this file read would wait forever. */
    const read = readFile(new URL(import.meta.url), "utf8");
    const verdict = await Promise.race([read.then(() => "read"), new Promise((r) => setTimeout(() => r("pool stalled"), 5000))]);
    expect(verdict).toBe("read");
    expect(cables).toHaveLength(count);
  });

  it("queues what the pty cannot take yet and writes it all in order, and refuses a path that is not a terminal", async () => {
    const pty = await ptyPair();
    cleanups.push(() => pty.close());
    const cable = connectSerialPath(pty.device);
    cleanups.push(() => cable.close());
    /* More than a pty buffers at once: the rest waits in the cable, the event loop goes on, nothing is lost. */
    const lines = Array.from({ length: 200 }, (_, i) => String(i).padStart(4, "0") + "x".repeat(246) + "\n");
    const gw = createReadStream("", { fd: openSync(pty.gateway, "r"), encoding: "latin1" });
    cleanups.push(() => gw.destroy());
    let got = "";
    gw.on("data", (c) => (got += String(c)));
    gw.on("error", () => undefined);
    for (const l of lines) cable.write(l);
    for (let i = 0; i < 500 && got.length < lines.join("").length; i++) await new Promise((r) => setTimeout(r, 10));
    expect(got).toBe(lines.join(""));
    expect(() => connectSerialPath(fileURLToPath(import.meta.url))).toThrow(/is not a terminal/);
  });
});

