/**
 * The firmware's own MQTT 3.1.1 client (built bundle, simulated Espruino WiFi board) against REAL brokers: the
 * embedded aedes (in-process) and Debian's mosquitto. The board's require("net") opens real loopback sockets;
 * its timers run on a fake clock that the test advances while it waits for real I/O.
 */
import { createServer, Socket, type Server } from "node:net";
import { Aedes } from "aedes";
import mqtt from "mqtt";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createFlash, createSimulatedBoard, type SimBoard } from "../../firmware/sim/index.ts";
import { gatewayEnd } from "../../protocol/endpoints.ts";
import { freePort, startMosquitto } from "../../gateway/testkit/mosquitto.ts";
import { bundle, CONFIG, SERIAL } from "./helpers.ts";

interface Broker {
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function aedesBroker(): Promise<Broker> {
  const port = await freePort();
  let server: Server | undefined;
  let broker: Aedes | undefined;
  const conns = new Set<Socket>();
  const b: Broker = {
    port,
    async start() {
      broker = await Aedes.createBroker();
      server = createServer(broker.handle);
      server.on("connection", (c) => conns.add(c));
      await new Promise<void>((r) => server!.listen(port, "127.0.0.1", r));
    },
    async stop() {
      await new Promise<void>((r) => broker!.close(() => r()));
      for (const c of conns) c.destroy();
      conns.clear();
      await new Promise((r) => server!.close(r));
    },
  };
  await b.start();
  return b;
}

/* Debian's mosquitto as tests/support starts it; `start` after `stop` is its restart on the same port. */
async function mosquittoBroker(): Promise<Broker> {
  const m = await startMosquitto();
  return { port: m.port, stop: m.stop, start: m.restart };
}

let code = "";
beforeAll(async () => {
  code = await bundle({ board: "wifi" });
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/* Waits for real I/O while moving the board's fake clock `step` ms per turn. */
async function until(board: SimBoard, cond: () => boolean, step = 50, turns = 400): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (cond()) return;
    board.advance(step);
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error("condition not met");
}

async function setup(makeBroker: () => Promise<Broker>) {
  const broker = await makeBroker();
  cleanups.push(() => broker.stop().catch(() => undefined));
  const seen: { topic: string; payload: string; retain: boolean; qos: number }[] = [];
  const sub = mqtt.connect("mqtt://127.0.0.1:" + broker.port, { reconnectPeriod: 50, clientId: "test-gw" });
  cleanups.push(() => new Promise<void>((r) => sub.end(true, {}, () => r())));
  sub.on("message", (topic, payload, packet) => seen.push({ topic, payload: payload.toString(), retain: packet.retain, qos: packet.qos }));
  await new Promise<void>((r) => sub.once("connect", () => r()));
  await sub.subscribeAsync("lb/v1/dev/#", { qos: 1 });
  const flash = createFlash();
  flash.files.set("lbnet", { data: JSON.stringify({ ssid: "shop", pass: "x", host: "127.0.0.1", port: broker.port }), sf: false });
  const board = createSimulatedBoard({ bundle: code, board: "wifi", flash });
  cleanups.push(() => board.stop());
  const end = gatewayEnd();
  const up = () =>
    seen
      .filter((m) => m.topic === "lb/v1/dev/" + SERIAL + "/up")
      .map((m) => end.decode(m.payload))
      .flatMap((r) => (r.ok ? [r.msg] : []));
  const state = () => seen.filter((m) => m.topic === "lb/v1/dev/" + SERIAL + "/state").map((m) => m.payload);
  const down = (msg: Parameters<typeof end.encode>[0]) => {
    const r = end.encode(msg);
    if (!r.ok) throw new Error(r.reason);
    sub.publish("lb/v1/dev/" + SERIAL + "/down", r.line.trimEnd(), { qos: 1 });
  };
  return { broker, board, sub, seen, up, state, down };
}

/* The board's state as it shows it on LB_ (firmware/src/main.ts). */
function lb(board: SimBoard) {
  return (board.context() as { LB_: { s: { c?: unknown }; o: { f: unknown[] }; m: { on: boolean } } }).LB_;
}

const brokers: [string, () => Promise<Broker>][] = [
  ["aedes", aedesBroker],
  ["mosquitto", mosquittoBroker],
];

describe.each(brokers)("MQTT client against %s", { timeout: 20_000 }, (_name, makeBroker) => {
  it("connects with a will, publishes online retained, and sends events at QoS 1 until the gateway acks them", async () => {
    const t = await setup(makeBroker);
    await until(t.board, () => t.state().includes("online") && t.up().some((m) => m.t === "hello"));
    expect(t.board.errors).toEqual([]);
    t.down({ ...CONFIG });
    await until(t.board, () => lb(t.board).s.c !== undefined);
    t.board.press("yes", 100);
    await until(t.board, () => t.up().some((m) => m.t === "event"));
    const ev = t.up().find((m) => m.t === "event")!;
    expect(ev).toMatchObject({ k: "yes", n: 1, sync: 0 });
    expect(t.seen.find((m) => m.topic.endsWith("/up") && m.payload.includes('"event"'))!.qos).toBe(1);
    t.down({ t: "ack", d: SERIAL, b: ev.b, n: [1] });
    await until(t.board, () => lb(t.board).o.f.length === 0);
  });

  it("reconnects with backoff after a broker restart and delivers what was pressed meanwhile", async () => {
    const t = await setup(makeBroker);
    await until(t.board, () => t.state().includes("online"));
    t.down({ ...CONFIG });
    await until(t.board, () => lb(t.board).s.c !== undefined);
    await t.broker.stop();
    await until(t.board, () => !lb(t.board).m.on);
    t.board.press("no", 100);
    t.board.advance(500);
    const before = t.up().filter((m) => m.t === "event").length;
    expect(before).toBe(0);
    await t.broker.start();
    await until(t.board, () => t.up().some((m) => m.t === "event" && m.k === "no"), 250);
    expect(t.state().filter((s) => s === "online").length).toBeGreaterThanOrEqual(2);
  });

  it("the last will `offline` reaches a subscriber when the board's socket dies", async () => {
    const t = await setup(makeBroker);
    await until(t.board, () => t.state().includes("online"));
    t.board.powerCut();
    for (let i = 0; i < 200 && t.state().slice(-1)[0] !== "offline"; i++) await new Promise((r) => setTimeout(r, 10));
    expect(t.state().slice(-1)[0]).toBe("offline");
  });
});
