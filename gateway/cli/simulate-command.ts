/**
 * `loyalty simulate`: one simulated terminal (the real firmware bundle) against a running gateway, pressed by
 * keys, with its LEDs and frames shown live (docs/demo.md "loyalty simulate").
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { questionKindSchema, type DownMsg, type UpMsg } from "../../protocol/schemas.ts";
import { createLedWatch } from "../demo/leds.ts";
import { startSimulation } from "../demo/simulate.ts";
import { GatewayError } from "../errors.ts";
import { openStore, type Store } from "../store/store.ts";
import { pair } from "../terminals/manage.ts";
import { existingStore } from "../terminals/stores.ts";
import { formatLocal } from "../time/zone.ts";
import { probeBroker } from "./broker-probe.ts";
import type { CliIo } from "./io.ts";
import { configFrom, withDbFlags, type DbFlags } from "./open.ts";

interface SimulateFlags extends DbFlags {
  terminal?: string;
  serial?: string;
  board: string;
  mqtt?: string;
  port?: string;
  pairAs?: string;
  question: string;
  employee?: string;
}

const KEYS = "keys: y/n/u answer, s seller short, l seller long, q quit";

/** One frame in words: `→` what the board sent, `←` what it received. */
export function frameText(dir: "up" | "down", m: UpMsg | DownMsg, tz: string): string {
  const arrow = dir === "up" ? "→" : "←";
  switch (m.t) {
    case "hello":
      return `${arrow} hello (firmware ${m.fw}, ${m.role}, boot ${m.b})`;
    case "event":
      return `${arrow} event #${m.n} ${m.k}${m.sync ? ` at ${formatLocal(m.ts, tz)}` : " (clock not set yet: uptime)"}`;
    case "status":
      return `${arrow} status (outbox ${m.q}, dropped ${m.drop})`;
    case "ack":
      return `${arrow} ack #${m.n.join(", #")}`;
    case "nack":
      return `${arrow} nack ${m.code}${m.n !== undefined ? ` #${m.n}` : ""}`;
    case "time":
      return `${arrow} time ${formatLocal(m.ms, tz)}`;
    case "config":
      return `${arrow} config: terminal ${m.tid}, question ${m.q}, window ${m.w / 1000} s, long press ${m.l / 1000} s`;
    default:
      return `${arrow} ${m.t}`;
  }
}

export function registerSimulate(program: Command, io: CliIo): void {
  withDbFlags(
    program
      .command("simulate")
      .description("drive one simulated terminal (the real firmware) by keys against a running gateway")
      .option("--terminal <id>", "be the device paired to this terminal (do not drive one the demo drives)")
      .option("--serial <serial>", "device serial (default SIM-0001)")
      .option("--board <board>", "pico (serial, needs --port), wifi or esp32 (MQTT)", "wifi")
      .option("--mqtt <url>", "broker of the running gateway (default: the configured one, mqtt://127.0.0.1:1883)")
      .option("--port <path>", "serial port for --board pico: one end of a pseudo-terminal pair the gateway reads")
      .option("--pair-as <store.point>", "pair the device to this new terminal once the gateway has its hello")
      .option("--question <kind>", "question of the new terminal: staff, office or recommend", "staff")
      .option("--employee <name>", "employee on duty at the new terminal"),
  ).action(async (f: SimulateFlags) => {
    const config = configFrom(f);
    const tz = config.timeZone;
    if (!["pico", "wifi", "esp32"].includes(f.board)) throw new GatewayError("invalid", `--board '${f.board}': expected pico, wifi or esp32`);
    if (!questionKindSchema.safeParse(f.question).success) throw new GatewayError("invalid", `--question '${f.question}': expected staff, office or recommend`);
    const pairAs = f.pairAs === undefined ? undefined : /^([A-Za-z0-9._-]+)\.([A-Za-z0-9_-]+)$/.exec(f.pairAs);
    if (f.pairAs !== undefined && !pairAs) throw new GatewayError("invalid", `--pair-as '${f.pairAs}': expected <store>.<point>, e.g. demo.till-3`);
    if (f.board === "pico" && f.port === undefined) throw new GatewayError("invalid", "--board pico talks serial: give --port <path> (one end of a pseudo-terminal pair; the gateway reads the other)");
    if (f.port !== undefined && !existsSync(f.port)) throw new GatewayError("not_found", `--port '${f.port}': no such serial port (make a pseudo-terminal pair with socat, docs/demo.md "loyalty simulate")`);
    const mqttUrl = f.mqtt ?? config.mqtt.url ?? `mqtt://${config.mqtt.embedded.host}:${config.mqtt.embedded.port}`;
    if (f.board !== "pico") {
      const why = URL.canParse(mqttUrl) ? await probeBroker(mqttUrl) : "not a URL";
      if (why !== undefined) throw new GatewayError("not_found", `no gateway answers at ${mqttUrl} (${why}): start it first (npm start, or loyalty gateway), or give its broker with --mqtt`);
    }
    if (!existsSync(config.database) && (pairAs || f.terminal || f.board !== "pico")) {
      throw new GatewayError("not_found", `no gateway database at ${config.database}: start the gateway first (npm start), or give its --db or --config`);
    }
    const store: Store | undefined = existsSync(config.database) ? openStore(config.database) : undefined;
    if (store && pairAs) {
      try {
        existingStore(store, pairAs[1]!);
      } catch (e) {
        store.close();
        throw e;
      }
    }
    let serial = f.serial ?? "SIM-0001";
    if (f.terminal) {
      const devices = store?.terminals.devicesOf(f.terminal) ?? [];
      if (devices.length === 0) throw new GatewayError("not_found", `terminal ${f.terminal} has no paired device in ${config.database}`);
      serial = devices[0]!.serial;
    }
    const leds = createLedWatch();
    let status = "";
    const line = (text: string) => io.out(`\r\x1b[2K${text}\n${status}`);
    /* Over MQTT the board logs in with its own credential, issued in the gateway's database as `loyalty flash` does. */
    const secret = f.board !== "pico" && store ? store.credentials.issue(serial, Date.now()) : undefined;
    const sim = await startSimulation({ serial, board: f.board as "wifi", mqttUrl, port: f.port, topicPrefix: config.mqtt.topicPrefix, secret, onFrame: (dir, m) => line(frameText(dir, m, tz)) });
    line(`Simulated terminal ${serial}: ${f.board} board, the real firmware, ${f.board === "pico" ? `serial on ${f.port}` : `MQTT via ${mqttUrl}`}.`);
    const current = store?.terminals.currentPairing(serial);
    if (current) line(`Paired to terminal ${current.terminalId}; the gateway sends its config.`);
    else if (pairAs) line(`Pairing it as ${f.pairAs} once the gateway hears its hello (within 10 s)...`);
    else line(`Not paired (its red LED blinks slowly). Pair it from another terminal:  npx loyalty pair ${serial} --store demo --point till-3 --question staff\n  or start again with --pair-as demo.till-3`);
    line(KEYS);
    let pairing = !current && pairAs !== undefined && pairAs !== null && store !== undefined;
    const timer = setInterval(() => {
      leds.sample(Date.now(), sim.board.leds());
      if (pairing && store?.devices.get(serial)) {
        pairing = false;
        try {
          const id = pair(store, { serial, store: pairAs![1], point: pairAs![2], question: f.question as "staff", employee: f.employee, timing: config.terminalDefaults }, Date.now(), "simulate");
          line(`Paired to terminal ${id}.`);
        } catch (e) {
          line(`Could not pair: ${(e as Error).message}`);
        }
      }
      const c = sim.config();
      const next = `${leds.render()}  ${c ? `terminal ${c.tid} (${c.q})` : "not paired"}  | ${KEYS}`;
      if (next !== status) {
        status = next;
        io.out(`\r\x1b[2K${status}`);
      }
    }, 50);
    await new Promise<void>((resolve) => {
      const stdin = process.stdin;
      if (stdin.isTTY) stdin.setRawMode(true);
      stdin.setEncoding("utf8");
      const onKey = (keys: string) => {
        for (const k of keys) {
          if (k === "q" || k === "Q" || k === "\x03" || k === "\x04") return resolve();
          const what = sim.key(k);
          if (what) line(`  ${what}`);
        }
      };
      stdin.on("data", onKey);
      stdin.on("end", resolve);
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
      stdin.resume();
    });
    clearInterval(timer);
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stdin.pause();
    await sim.stop();
    store?.close();
    io.out("\r\x1b[2KStopped.\n");
    /* At a real keyboard, leave now: a socket still closing (the board's reconnect, a slow broker) must neither keep
       the terminal waiting nor turn a clean quit into an error exit. Writes to a TTY are synchronous, so the
       last line is out. */
    if (process.stdin.isTTY) process.exit(0);
  });
}
