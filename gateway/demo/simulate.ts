/**
 * One simulated terminal for `loyalty simulate` (docs/demo.md): the real firmware bundle on a simulated board in
 * real time, against a running gateway, over MQTT (WiFi boards, default) or a serial port such as one end of a
 * pseudo-terminal pair (Pico). It reports every frame the board sends and receives, decoded; the keys are mapped
 * to presses on the board's pins by `pressFor`.
 */
import { buildFirmware } from "../../firmware/build/build.ts";
import { connectSerialPath, createFlash, createSimulatedBoard, type Button, type SimBoard } from "../../firmware/sim/index.ts";
import { deviceEnd, gatewayEnd } from "../../protocol/endpoints.ts";
import type { ConfigMsg, DownMsg, UpMsg } from "../../protocol/schemas.ts";
import { downTopic, upTopic, DEFAULT_TOPIC_PREFIX } from "../../protocol/topics.ts";
import { CLICK_MS } from "./day.ts";

export interface SimulateOptions {
  serial: string;
  board: "pico" | "wifi" | "esp32";
  /** MQTT boards: the broker, e.g. mqtt://127.0.0.1:1883. */
  mqttUrl?: string;
  /** MQTT boards: the device's secret, written to its `lbnet` as `loyalty flash` does (issued in the gateway's database). */
  secret?: string | undefined;
  topicPrefix?: string;
  /** Serial boards: the port the board is cabled to (the gateway reads the other end). */
  port?: string;
  /** A frame the board sent (`up`) or received (`down`), decoded. */
  onFrame: (dir: "up" | "down", msg: UpMsg | DownMsg) => void;
}

export interface Simulation {
  readonly board: SimBoard;
  /** The last config the board received (undefined: not paired, as far as this session saw). */
  config(): ConfigMsg | undefined;
  /** Presses for one key; returns what was pressed, or undefined for a key with no meaning. */
  key(k: string): string | undefined;
  stop(): Promise<void>;
}

/** The key map: y/n/u answer, s a seller short press, l a seller long press held past L. */
export function pressFor(k: string, longMs: number): { button: Button; holdMs: number; what: string } | undefined {
  switch (k.toLowerCase()) {
    case "y":
      return { button: "yes", holdMs: CLICK_MS, what: "customer: Yes" };
    case "n":
      return { button: "no", holdMs: CLICK_MS, what: "customer: No" };
    case "u":
      return { button: "unsure", holdMs: CLICK_MS, what: "customer: Unsure" };
    case "s":
      return { button: "seller", holdMs: CLICK_MS, what: "seller: short press (opens a survey)" };
    case "l":
      return { button: "seller", holdMs: longMs + 400, what: `seller: long press, held ${((longMs + 400) / 1000).toFixed(1)} s (force-majeure)` };
    default:
      return undefined;
  }
}

/**
 * Reads one direction of an MQTT 3.1.1 byte stream and calls `onPublish` for every PUBLISH (section 3.3): topic,
 * then the payload after the packet id when QoS > 0. A new connection starts with CONNECT or CONNACK, which this
 * reads as any packet, so the stream of a reconnect needs no reset beyond dropping a half packet.
 */
export function publishes(onPublish: (topic: string, payload: string) => void): (data: string) => void {
  let buf = "";
  return (data) => {
    buf += data;
    for (;;) {
      let n = 0;
      let i = 1;
      let c = 128;
      for (let m = 1; c & 128 && i < buf.length && i < 5; m *= 128) {
        c = buf.charCodeAt(i++);
        n += (c & 127) * m;
      }
      if (c & 128 || buf.length < i + n) return;
      const h = buf.charCodeAt(0);
      const body = buf.substr(i, n);
      buf = buf.slice(i + n);
      if (h >> 4 !== 3) continue;
      const tl = (body.charCodeAt(0) << 8) | body.charCodeAt(1);
      onPublish(body.substr(2, tl), body.slice(2 + tl + (h & 6 ? 2 : 0)));
    }
  };
}

/* The REPL form the gateway writes to serial boards: \x10LB("<frame>"); the argument is a JSON string literal. */
function unwrapRepl(line: string): string {
  const m = /LB\(("(?:[^"\\]|\\.)*")\)/.exec(line);
  if (!m) return line;
  try {
    return JSON.parse(m[1]!) as string;
  } catch {
    return line;
  }
}

export async function startSimulation(o: SimulateOptions): Promise<Simulation> {
  const up = gatewayEnd();
  const down = deviceEnd();
  let config: ConfigMsg | undefined;
  const sawDown = (line: string) => {
    const r = down.decode(line);
    if (!r.ok || r.msg.d !== o.serial) return;
    if (r.msg.t === "config") config = r.msg;
    if (r.msg.t === "unpair") config = undefined;
    o.onFrame("down", r.msg);
  };
  const sawUp = (line: string) => {
    const r = up.decode(line);
    if (r.ok) o.onFrame("up", r.msg);
  };
  let board: SimBoard;
  let close: () => Promise<void>;
  if (o.board === "pico") {
    if (!o.port) throw new Error("simulate: --board pico talks serial: give --port <path> (one end of a pseudo-terminal pair; the gateway reads the other)");
    const code = (await buildFirmware({ board: "pico", write: false })).code;
    const cable = connectSerialPath(o.port);
    let partial = "";
    board = createSimulatedBoard({
      bundle: code,
      board: "pico",
      clock: "real",
      serialNumber: o.serial,
      onWrite: (d) => {
        cable.write(d);
        partial += d;
        const lines = partial.split("\n");
        partial = lines.pop() ?? "";
        lines.forEach(sawUp);
      },
    });
    let inPartial = "";
    /* The cable feeds the board; this wrapper also reads the frames that pass (it only needs serialInput). */
    cable.attach({
      serialInput: (t: string) => {
        board.serialInput(t);
        inPartial += t;
        const lines = inPartial.split("\n");
        inPartial = lines.pop() ?? "";
        lines.forEach((l) => sawDown(unwrapRepl(l)));
      },
    } as SimBoard);
    close = async () => cable.close();
  } else {
    const url = new URL(o.mqttUrl ?? "mqtt://127.0.0.1:1883");
    const prefix = o.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
    const code = (await buildFirmware({ board: o.board, write: false, net: { ssid: "sim", pass: "sim", host: url.hostname, port: Number(url.port || 1883), prefix } })).code;
    /*
     * The frames shown are the PUBLISH packets on the board's own socket: the broker admits no watcher on a
     * device's topics (each client reaches only its own, docs/protocol.md "MQTT").
     */
    const seen = { out: publishes((topic, payload) => topic === upTopic(prefix, o.serial) && sawUp(payload)), in: publishes((topic, payload) => topic === downTopic(prefix, o.serial) && sawDown(payload)) };
    const flash = createFlash();
    if (o.secret !== undefined) flash.files.set("lbnet", { data: JSON.stringify({ k: o.secret }), sf: false });
    board = createSimulatedBoard({ bundle: code, board: o.board, clock: "real", serialNumber: o.serial, flash, onNet: (dir, data) => seen[dir](data) });
    close = async () => undefined;
  }
  return {
    board,
    config: () => config,
    key(k) {
      const p = pressFor(k, config?.l ?? 3000);
      if (!p) return undefined;
      board.press(p.button, p.holdMs);
      return p.what;
    },
    async stop() {
      board.stop();
      await close();
    },
  };
}
