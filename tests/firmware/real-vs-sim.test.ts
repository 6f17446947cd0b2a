/**
 * The Node simulator (firmware/sim/) against the real Espruino interpreter (firmware/interpreter/), over the
 * Pico's serial REPL and over MQTT on the ESP8266 (the simulator's sockets are real, so both reach one broker):
 * the same built bundle, the same scripted day (pairing, every button, a long press, a version query, a power cut
 * with an unacked event, the resend after it, acks) and the same frames out, compared after taking away only what
 * differs between any two runs (boot ids, times, uptimes, memory). When they differ, the simulator is wrong:
 * the interpreter is the runtime a board has.
 */
import { afterAll, describe, expect, it } from "vitest";
import { INTERPRETER_BOARDS } from "../../firmware/interpreter/boards.ts";
import { configFor, realBundle, realPeer, sleep, type Transport } from "../../firmware/interpreter/peer.ts";
import { createFlash, createSimulatedBoard } from "../../firmware/sim/index.ts";
import { startEmbeddedBroker, type EmbeddedBroker, type LocalBus } from "../../gateway/ingest/broker.ts";
import { testCredentials } from "../../gateway/testkit/credentials.ts";
import { silentLogger } from "../../gateway/log.ts";
import { gatewayEnd } from "../../protocol/endpoints.ts";
import { replCall } from "../../protocol/repl.ts";
import type { DownMsg, UpMsg } from "../../protocol/schemas.ts";

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
  /** Resolves once the firmware holds the gateway's time (LB_.s.off), so events after it carry `sync: 1`. */
  synced(): Promise<void>;
  errors(): string[];
}

const SERIAL = "SIM-VS-REAL-1";

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
  await b.synced();
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
  await b.synced();
  await b.press("no", 150);
  await b.press("unsure", 150);
  await b.until("two events of the new boot", () => events().length >= 6);
  ackAll();
  await b.wait(300);
  b.send({ t: "query", d: SERIAL });
  await b.until("the hello answering the second query", () => hellos() === 4);
}

/**
 * The frames with what differs between any two runs taken away: boot ids become their order of appearance, and
 * an event sent again (its retry timer ran before the ack arrived: timing, not behaviour) counts once.
 */
function normalized(got: UpMsg[]): unknown[] {
  const boots: string[] = [];
  const boot = (b: string) => (boots.includes(b) ? boots.indexOf(b) : boots.push(b) - 1);
  const seen = new Set<string>();
  const once = got.filter((m) => m.t !== "event" || (!seen.has(m.b + "/" + m.n) && !!seen.add(m.b + "/" + m.n)));
  return once.map((m) => {
    const o: { [k: string]: unknown } = { ...m, b: boot(m.b) };
    for (const k of ["ts", "up", "mem", "clk", "vcc"]) delete o[k];
    return o;
  });
}

/** The gateway's side on the embedded broker, as the gateway has it: up frames from its in-process bus, down frames to it. */
async function brokerPeer(local: LocalBus, got: UpMsg[]): Promise<{ send(msg: DownMsg): void; close(): Promise<void> }> {
  const end = gatewayEnd();
  const top = "lb/v1/dev/" + SERIAL + "/";
  const off = await local.subscribe(top + "up", (_topic, payload) => {
    const r = end.decode(payload.toString("latin1"));
    if (r.ok) got.push(r.msg);
  });
  return {
    send(msg) {
      const r = end.encode(msg);
      if (!r.ok) throw new Error(r.reason);
      void local.publish(top + "down", r.line);
    },
    close: off,
  };
}

/* The simulated board's clock is fake; over MQTT its sockets are real, so each step also lets the broker run. */
async function simulated(v: Variant, bundle: string, broker: EmbeddedBroker, secret: string): Promise<Driver & { close(): Promise<void> }> {
  const end = gatewayEnd();
  const got: UpMsg[] = [];
  const flash = createFlash();
  if (v.transport === "mqtt") flash.files.set("lbnet", { data: JSON.stringify({ ssid: "shop", pass: "x", host: "127.0.0.1", port: broker.port, k: secret }), sf: false });
  const board = createSimulatedBoard({ bundle, board: v.board, serialNumber: SERIAL, clock: "fake", vars: INTERPRETER_BOARDS[v.board]!.vars, flash });
  const net = v.transport === "mqtt" ? await brokerPeer(broker.local, got) : undefined;
  board.onLine((l) => {
    const at = l.indexOf("~LB");
    const r = at >= 0 && !net ? end.decode(l.slice(at)) : undefined;
    if (r?.ok) got.push(r.msg);
  });
  const step = async (ms: number) => {
    board.advance(ms);
    if (net) await sleep(5);
  };
  return {
    got,
    send(msg) {
      if (net) return net.send(msg);
      const r = end.encode(msg);
      if (!r.ok) throw new Error(r.reason);
      board.serialInput(replCall(r.line));
    },
    async press(btn, ms) {
      board.press(btn, ms);
      for (let t = 0; t < ms + 150; t += 50) await step(50);
    },
    async wait(ms) {
      for (let t = 0; t < ms; t += 50) await step(50);
    },
    async until(what, cond) {
      for (let i = 0; i < 600 && !cond(); i++) await step(50);
      if (!cond()) throw new Error("simulator: " + what);
    },
    async powerCut() {
      board.powerCut();
    },
    async powerOn() {
      board.powerOn();
    },
    async synced() {
      const lb = () => (board.context() as { LB_: { s: { off: number } } }).LB_.s;
      for (let i = 0; i < 100 && !(lb().off >= 0); i++) await step(50);
      if (!(lb().off >= 0)) throw new Error("simulator: no time");
    },
    errors: () => board.errors,
    async close() {
      board.stop();
      await net?.close();
    },
  };
}

async function real(v: Variant, broker: EmbeddedBroker, secret: string): Promise<Driver & { close(): Promise<void> }> {
  const p = await realPeer({ board: v.board, role: "combo", transport: v.transport, serial: SERIAL, brokerPort: broker.port, local: broker.local, secret });
  return {
    got: p.got,
    send: (msg) => p.send(msg),
    press: (btn, ms) => p.press(btn, ms, 150),
    wait: sleep,
    until: (what, cond) => p.until(what, cond, 30_000),
    powerCut: () => p.board.kill(),
    powerOn: () => p.board.boot(),
    async synced() {
      for (let i = 0; i < 200 && !(await p.board.evaluate("LB_.s.off>=0")); i++) await sleep(50);
      if (!(await p.board.evaluate("LB_.s.off>=0"))) throw new Error("interpreter: no time");
    },
    errors: () => p.errors(),
    close: () => p.close(),
  };
}

interface Variant {
  name: string;
  board: string;
  transport: Transport;
}

const VARIANTS: Variant[] = [
  { name: "Espruino Pico, combo, serial", board: "pico", transport: "serial" },
  { name: "ESP8266, combo, MQTT through the embedded broker", board: "esp8266", transport: "mqtt" },
];

describe("the simulator and the real interpreter", () => {
  let broker: EmbeddedBroker | undefined;
  const creds = testCredentials();
  afterAll(() => broker?.stop());

  it.each(VARIANTS)("give the same frames for the same scripted day ($name)", { timeout: 180_000 }, async (v) => {
    broker ??= await startEmbeddedBroker({ host: "127.0.0.1", port: 0, log: silentLogger(), check: creds.check });
    const secret = creds.issue(SERIAL);
    const bundle = await realBundle(v.board, "combo", v.transport);
    const sim = await simulated(v, bundle, broker, secret);
    try {
      await day(sim);
    } finally {
      await sim.close();
    }
    const board = await real(v, broker, secret);
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
