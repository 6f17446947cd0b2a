/**
 * The Node simulator (firmware/sim/) against the real Espruino interpreter (firmware/interpreter/): the same
 * built bundle, the same scripted day (pairing, every button, a long press, a version query, a power cut with
 * an unacked event, the resend after it, acks) and the same frames out, compared after taking away only what
 * differs between any two runs (boot ids, times, uptimes, memory). When they differ, the simulator is wrong:
 * the interpreter is the runtime a board has.
 */
import { describe, expect, it } from "vitest";
import { createSimulatedBoard } from "../../firmware/sim/index.ts";
import { gatewayEnd } from "../../protocol/endpoints.ts";
import { replCall } from "../../protocol/repl.ts";
import type { DownMsg, UpMsg } from "../../protocol/schemas.ts";
import { configFor, realBundle, realPeer, sleep } from "../../firmware/interpreter/peer.ts";

type Button = "seller" | "yes" | "no" | "unsure";

/** What the script needs from a board, simulated or real. */
interface Driver {
  /** Valid up messages so far, in order. */
  got: UpMsg[];
  send(msg: DownMsg): void;
  press(btn: Button, ms: number): Promise<void>;
  /** Lets `ms` of board time pass. */
  wait(ms: number): Promise<void>;
  /** Resolves once `cond` holds. */
  until(what: string, cond: () => boolean): Promise<void>;
  powerCut(): Promise<void>;
  powerOn(): Promise<void>;
  errors(): string[];
}

const SERIAL = "SIM-VS-REAL-1";
const BOARD = "pico";

async function day(b: Driver): Promise<void> {
  const hellos = () => b.got.filter((m) => m.t === "hello").length;
  const events = () => b.got.filter((m): m is Extract<UpMsg, { t: "event" }> => m.t === "event");
  const ackAll = () => {
    const ev = events();
    const boot = ev[ev.length - 1]!.b;
    b.send({ t: "ack", d: SERIAL, b: boot, n: ev.filter((e) => e.b === boot).map((e) => e.n) });
  };
  await b.until("hello", () => hellos() === 1);
  b.send(configFor(SERIAL, "combo"));
  b.send({ t: "time", d: SERIAL, ms: Date.now() });
  await b.wait(500);
  await b.press("seller", 150);
  await b.press("yes", 150);
  await b.until("two events", () => events().length >= 2);
  ackAll();
  await b.wait(300);
  await b.press("seller", 900);
  await b.until("the long press", () => events().length >= 3);
  b.send({ t: "query", d: SERIAL });
  await b.until("the hello answering the query", () => hellos() === 2);
  /* The long press is not acked: it is in flash when the power goes. */
  await b.powerCut();
  await b.powerOn();
  await b.until("the hello of the new boot", () => hellos() === 3);
  await b.until("the unacked long press sent again", () => events().length >= 4);
  ackAll();
  b.send({ t: "time", d: SERIAL, ms: Date.now() });
  await b.wait(300);
  await b.press("no", 150);
  await b.press("unsure", 150);
  await b.until("two events of the new boot", () => events().length >= 6);
  ackAll();
  await b.wait(300);
  b.send({ t: "query", d: SERIAL });
  await b.until("the hello answering the second query", () => hellos() === 4);
}

/** The frames with what differs between any two runs taken away: boot ids become their order of appearance. */
function normalized(got: UpMsg[]): unknown[] {
  const boots: string[] = [];
  const boot = (b: string) => (boots.includes(b) ? boots.indexOf(b) : boots.push(b) - 1);
  return got.map((m) => {
    const o: { [k: string]: unknown } = { ...m, b: boot(m.b) };
    for (const k of ["ts", "up", "mem", "clk", "vcc"]) delete o[k];
    return o;
  });
}

async function simulated(bundle: string): Promise<Driver> {
  const end = gatewayEnd();
  const got: UpMsg[] = [];
  const board = createSimulatedBoard({ bundle, board: BOARD, serialNumber: SERIAL, clock: "fake", vars: 5100 });
  board.onLine((l) => {
    const at = l.indexOf("~LB");
    const r = at >= 0 ? end.decode(l.slice(at)) : undefined;
    if (r?.ok) got.push(r.msg);
  });
  return {
    got,
    send(msg) {
      const r = end.encode(msg);
      if (!r.ok) throw new Error(r.reason);
      board.serialInput(replCall(r.line));
    },
    async press(btn, ms) {
      board.press(btn, ms);
      board.advance(ms + 150);
    },
    async wait(ms) {
      board.advance(ms);
    },
    async until(what, cond) {
      for (let i = 0; i < 600 && !cond(); i++) board.advance(50);
      if (!cond()) throw new Error("simulator: " + what);
    },
    async powerCut() {
      board.powerCut();
    },
    async powerOn() {
      board.powerOn();
    },
    errors: () => board.errors,
  };
}

async function real(): Promise<Driver & { close(): Promise<void> }> {
  const p = await realPeer({ board: BOARD, role: "combo", transport: "serial", serial: SERIAL });
  return {
    got: p.got,
    send: (msg) => p.send(msg),
    press: (btn, ms) => p.press(btn, ms, 150),
    wait: sleep,
    until: (what, cond) => p.until(what, cond, 30_000),
    powerCut: () => p.board.kill(),
    powerOn: () => p.board.boot(),
    errors: () => p.errors(),
    close: () => p.close(),
  };
}

describe("the simulator and the real interpreter", () => {
  it("give the same frames for the same scripted day (Espruino Pico, combo, serial)", { timeout: 180_000 }, async () => {
    const bundle = await realBundle(BOARD, "combo", "serial");
    const sim = await simulated(bundle);
    await day(sim);
    const board = await real();
    try {
      await day(board);
      expect(board.errors()).toEqual([]);
    } finally {
      await board.close();
    }
    expect(sim.errors()).toEqual([]);
    const kinds = sim.got.map((m) => (m.t === "event" ? m.k : m.t));
    expect(kinds).toEqual(["hello", "short", "yes", "long", "hello", "hello", "long", "no", "unsure", "hello"]);
    expect(normalized(board.got)).toEqual(normalized(sim.got));
  });
});
