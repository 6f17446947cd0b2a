/**
 * One simulated terminal for `loyalty simulate` (docs/demo.md): the real firmware bundle on a simulated board in
 * real time, against a running gateway, over MQTT (WiFi boards, default) or a serial port such as one end of a
 * pseudo-terminal pair (Pico). It reports every frame the board sends and receives, decoded; the keys are mapped
 * to presses on the board's pins by `pressFor`.
 */
import mqtt, { type MqttClient } from "mqtt";
import { buildFirmware } from "../../firmware/build/build.ts";
import { connectSerialPath, createSimulatedBoard, type Button, type SimBoard } from "../../firmware/sim/index.ts";
import { deviceEnd, gatewayEnd } from "../../protocol/endpoints.ts";
import type { ConfigMsg, DownMsg, UpMsg } from "../../protocol/schemas.ts";
import { downTopic, upTopic, DEFAULT_TOPIC_PREFIX } from "../../protocol/topics.ts";
import { CLICK_MS } from "./day.ts";

export interface SimulateOptions {
  serial: string;
  board: "pico" | "wifi" | "esp32";
  /** MQTT boards: the broker, e.g. mqtt://127.0.0.1:1883. */
  mqttUrl?: string;
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
    /* A second client watches the board's topics, so the frames shown are the ones on the broker. */
    let watch: MqttClient;
    try {
      watch = await mqtt.connectAsync(url.toString(), { clientId: `lb-sim-watch-${process.pid}`, reconnectPeriod: 1000, connectTimeout: 3000 });
    } catch (e) {
      throw new Error(`simulate: no MQTT broker at ${url} (${(e as Error).message}): is the gateway running (npm start)?`);
    }
    await watch.subscribeAsync([upTopic(prefix, o.serial), downTopic(prefix, o.serial)], { qos: 1 });
    watch.on("message", (topic, payload) => (topic === upTopic(prefix, o.serial) ? sawUp : sawDown)(payload.toString("latin1")));
    board = createSimulatedBoard({ bundle: code, board: o.board, clock: "real", serialNumber: o.serial });
    close = () => watch.endAsync();
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
