/**
 * A scripted peer for the firmware on the REAL Espruino interpreter, used by the tests (tests/firmware/real-*) and
 * `npm run bench:firmware`: a board of one profile with the built bundle in its Storage, and the gateway's side
 * played by protocol/endpoints.ts `gatewayEnd()`
 * over the board's console (serial builds, in the REPL form the gateway writes) or over an MQTT broker (MQTT
 * builds, through the interpreter's real sockets; on the embedded broker with the device's own credential). Never a mock of the firmware: only its radio is a stand-in.
 */
import mqtt from "mqtt";
import { buildFirmware } from "../build/build.ts";
import { createInterpreterBoard, type Button, type InterpreterBoard } from "./board.ts";
import { gatewayEnd } from "../../protocol/endpoints.ts";
import { replCall } from "../../protocol/repl.ts";
import type { DownMsg, UpMsg } from "../../protocol/schemas.ts";
import { SEG } from "../src/constants.ts";
import type { LocalBus } from "../../gateway/ingest/broker.ts";

export type Transport = "serial" | "mqtt";

export interface RealPeerOptions {
  board: string;
  role?: string;
  transport: Transport;
  /** Hardware serial the board answers. */
  serial: string;
  /** MQTT builds: the broker's port on 127.0.0.1. */
  brokerPort?: number | undefined;
  /**
   * MQTT builds on the embedded broker: its in-process bus, which the peer plays the gateway on (as the gateway
   * does; the broker admits no other client than devices), and the device's secret written to `lbnet`. Without
   * them the peer is an anonymous client of a broker that allows it (a test Mosquitto).
   */
  local?: LocalBus | undefined;
  secret?: string | undefined;
  /** MQTT over TLS: `tls` in `lbnet`, as `loyalty flash --broker mqtts://...` writes it; `brokerPort` is then the TLS one. */
  tls?: boolean | undefined;
  /** Working folder (flash and GPIO) to reuse, e.g. across a power cut. */
  dir?: string;
}

export interface RealPeer {
  board: InterpreterBoard;
  /** Valid up messages received so far, in order. */
  got: UpMsg[];
  /** Lines with a marker that did not decode. */
  bad: string[];
  send(msg: DownMsg): void;
  /** Distinct events (by b, n) in first-seen order. */
  events(): Extract<UpMsg, { t: "event" }>[];
  /** Presses a button for `ms` through its GPIO line and waits `after` ms more. */
  press(btn: Button, ms?: number, after?: number): Promise<void>;
  /** Resolves when `cond` holds (polling every 20 ms), or rejects after `ms`. */
  until(what: string, cond: () => boolean, ms?: number): Promise<void>;
  /** process.memory() of the running board (it garbage-collects first). */
  memory(): Promise<{ usage: number; total: number; free: number; blocksize: number }>;
  /** Errors the interpreter printed (Uncaught ..., ERROR: ..., out of memory). */
  errors(): string[];
  close(): Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The bundle of a variant, built once per test file. */
const bundles = new Map<string, Promise<string>>();
export function realBundle(board: string, role: string, transport: Transport): Promise<string> {
  const key = [board, role, transport].join("/");
  let b = bundles.get(key);
  if (!b) {
    b = buildFirmware({ board, role, transport, write: false }).then((r) => {
      if (r.findings.length) throw new Error("bundle outside the Espruino subset: " + JSON.stringify(r.findings));
      return r.code;
    });
    bundles.set(key, b);
  }
  return b;
}

/** Flashes the variant onto a fresh interpreter board and connects the scripted gateway to it. */
export async function realPeer(o: RealPeerOptions): Promise<RealPeer> {
  const role = o.role ?? "combo";
  const end = gatewayEnd();
  const got: UpMsg[] = [];
  const bad: string[] = [];
  let partial = "";
  const take = (line: string) => {
    const at = line.indexOf("~LB");
    if (at < 0) return;
    const r = end.decode(line.slice(at));
    if (r.ok) got.push(r.msg);
    else bad.push(r.code + ": " + line);
  };
  const board = createInterpreterBoard({
    board: o.board,
    serial: o.serial,
    dir: o.dir,
    wifi: o.transport === "mqtt",
    onWrite: (d) => {
      if (o.transport !== "serial") return;
      partial += d;
      let i = partial.indexOf("\n");
      while (i >= 0) {
        take(partial.slice(0, i));
        partial = partial.slice(i + 1);
        i = partial.indexOf("\n");
      }
    },
  });
  let client: mqtt.MqttClient | undefined;
  let offBus: (() => Promise<void>) | undefined;
  const top = "lb/v1/dev/" + o.serial + "/";
  const local = o.transport === "mqtt" ? o.local : undefined;
  if (local) offBus = await local.subscribe(top + "up", (_topic, payload) => take(payload.toString("latin1")));
  else if (o.transport === "mqtt") {
    client = mqtt.connect("mqtt://127.0.0.1:" + o.brokerPort, { clientId: "test-gw-" + o.serial, reconnectPeriod: 100 });
    client.on("message", (topic, payload) => {
      if (topic === top + "up") take(payload.toString("latin1"));
    });
    await new Promise<void>((r, j) => {
      client!.once("connect", () => r());
      client!.once("error", j);
    });
    await client.subscribeAsync(top + "up", { qos: 1 });
  }
  const files: { [name: string]: string } = o.transport === "mqtt" ? { lbnet: JSON.stringify({ ssid: "shop", pass: "x", host: "127.0.0.1", port: o.brokerPort, ...(o.secret !== undefined ? { k: o.secret } : {}), ...(o.tls ? { tls: 1 } : {}) }) } : {};
  if (o.dir) await board.boot();
  else await board.flash(await realBundle(o.board, role, o.transport), files);
  const peer: RealPeer = {
    board,
    got,
    bad,
    send(msg) {
      const r = end.encode(msg);
      if (!r.ok) throw new Error("test sent a bad frame: " + r.reason);
      if (local) void local.publish(top + "down", r.line);
      else if (client) client.publish(top + "down", r.line, { qos: 1 });
      else board.serialInput(replCall(r.line));
    },
    events() {
      const seen = new Set<string>();
      const out: Extract<UpMsg, { t: "event" }>[] = [];
      for (const m of got) {
        if (m.t !== "event" || seen.has(m.b + "/" + m.n)) continue;
        seen.add(m.b + "/" + m.n);
        out.push(m);
      }
      return out;
    },
    async press(btn, ms = 150, after = 150) {
      board.down(btn);
      await sleep(ms);
      board.up(btn);
      await sleep(after);
    },
    async until(what, cond, ms = 20_000) {
      const t0 = Date.now();
      while (!cond()) {
        if (Date.now() - t0 > ms) throw new Error(`${o.board}/${role}/${o.transport}: ${what} within ${ms} ms; errors: ${peer.errors().join(" | ") || "none"}; got: ${got.map((m) => m.t).join(",")}`);
        await sleep(20);
      }
    },
    async memory() {
      return (await board.evaluate("process.memory()")) as { usage: number; total: number; free: number; blocksize: number };
    },
    errors() {
      return board
        .output()
        .split(/\r?\n/)
        .filter((l) => /Uncaught|ERROR|Out of Memory|MEMORY|New interpreter error/i.test(l));
    },
    async close() {
      if (client) await client.endAsync(true);
      await offBus?.();
      await board.close();
    },
  };
  return peer;
}

/** The configuration a paired terminal gets, with a short long-press threshold to keep tests quick. */
export function configFor(serial: string, role: string): DownMsg {
  return { t: "config", d: serial, tid: "test.till-1", role: role as "combo", q: "staff", qt: "Вас обслужили быстро?", w: 30000, l: 600, fm: 1800000, hb: 60000 };
}

/**
 * `segments` full outbox segments of unacked events from boot `0000beef`, in the firmware's own line format
 * (firmware/src/outbox.ts), as Storage files from `lbo<first>`: a terminal's flash after a long outage.
 */
export function fullOutbox(first: number, segments: number): { [file: string]: string } {
  const files: { [file: string]: string } = {};
  for (let s = 0; s < segments; s++) {
    let text = "";
    for (let k = 1; k <= SEG; k++) text += "0000beef," + (s * SEG + k) + ",yes," + (1796000000000 + s * SEG + k) + ",1,.\n";
    files["lbo" + (first + s)] = text;
  }
  return files;
}
