/**
 * The first-run demo (`npm start`, docs/demo.md): two simulated terminals running the real firmware bundle,
 * one over a pseudo-terminal (serial, Espruino Pico build) and one over MQTT (Espruino WiFi build), paired
 * automatically, each replaying yesterday's scripted day and then pressing buttons live every few seconds.
 */
import { buildFirmware } from "../../firmware/build/build.ts";
import type { Gateway } from "../app.ts";
import type { Logger } from "../log.ts";
import { DEMO_TERMINALS, LIVE_LOOP, localDateBefore, type DemoTerminalSpec, type LocalDate, type Visit } from "./day.ts";
import { startDemoTerminal, type RunningTerminal } from "./demo-terminal.ts";
import { openPtyPair, type PtyPair } from "./pty-pair.ts";

export interface DemoOptions {
  timeZone: string;
  timing: { windowMs: number; longMs: number; fmMaxMs: number; heartbeatMs: number };
  log: Logger;
  /** Narration for the person watching (the CLI prints it). */
  say: (line: string) => void;
  terminals?: DemoTerminalSpec[];
  /** The day to replay; default yesterday in `timeZone`. */
  date?: LocalDate;
  /** Live loop: one item every `gapMs` (default 5000); 0 for none. */
  live?: { loop?: Visit[]; gapMs?: number };
  /** How the pseudo-terminal pair is made (default: socat, else python3). */
  pty?: ("socat" | "python3")[];
}

export interface Demo {
  /** One line per terminal: id, transport and where it is connected. */
  terminals: { id: string; transport: "serial" | "mqtt"; where: string }[];
  /** Why a terminal did not start (no pseudo-terminal maker, a broker the firmware cannot reach). */
  skipped: string[];
  running: RunningTerminal[];
  stop(): Promise<void>;
}

/* The simulated WiFi board reaches plain MQTT without credentials: the embedded broker or one like it. */
function reachableBroker(url: string): { host: string; port: number } | string {
  if (!url) return "MQTT is off in this configuration";
  const u = new URL(url);
  if (!/^(mqtt|tcp):$/.test(u.protocol) || u.username) return `the simulated WiFi board speaks plain MQTT without a password; ${url} is not that`;
  return { host: u.hostname, port: Number(u.port || 1883) };
}

export async function startDemo(gw: Gateway, o: DemoOptions): Promise<Demo> {
  const specs = o.terminals ?? DEMO_TERMINALS;
  const date = o.date ?? localDateBefore(Date.now(), o.timeZone, 1);
  const live = { loop: o.live?.loop ?? LIVE_LOOP, gapMs: o.live?.gapMs ?? 5000 };
  const demo: Demo = { terminals: [], skipped: [], running: [], stop: async () => undefined };
  const ptys: PtyPair[] = [];
  demo.stop = async () => {
    for (const t of demo.running) t.stop();
    await Promise.all(ptys.map((p) => p.close()));
    /* Let the gateway take the boards' last will (offline) before it stops, so it publishes nothing to them then. */
    const serials = specs.map((s) => s.serial);
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline && gw.ingest.reachableDevices().some((d) => serials.includes(d))) await new Promise((r) => setTimeout(r, 20));
  };
  const broker = reachableBroker(gw.mqttUrl);
  const starting = specs.map(async (spec) => {
    let bundle: string;
    let devicePath: string | undefined;
    if (spec.board === "pico") {
      const pty = await openPtyPair(o.pty);
      if ("reason" in pty) return demo.skipped.push(`${spec.id} (serial): ${pty.reason}`);
      ptys.push(pty);
      gw.openSerial(pty.gateway);
      devicePath = pty.device;
      bundle = (await buildFirmware({ board: "pico", write: false })).code;
      demo.terminals.push({ id: spec.id, transport: "serial", where: `${pty.shown} (a pseudo-terminal pair made by ${pty.via})` });
    } else {
      if (typeof broker === "string") return demo.skipped.push(`${spec.id} (MQTT): ${broker}`);
      bundle = (await buildFirmware({ board: spec.board, write: false, net: { ssid: "demo-shop", pass: "demo", host: broker.host, port: broker.port } })).code;
      demo.terminals.push({ id: spec.id, transport: "mqtt", where: `mqtt://${broker.host}:${broker.port}` });
    }
    const t = await startDemoTerminal({ gw, spec, bundle, devicePath, timeZone: o.timeZone, date, timing: o.timing, live, say: o.say });
    demo.running.push(t);
    o.log.info({ terminal: spec.id, serial: spec.serial, replayed: t.replayed }, "demo terminal running");
  });
  const results = await Promise.allSettled(starting);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await demo.stop();
    throw failed.reason;
  }
  demo.terminals.sort((a, b) => specs.findIndex((s) => s.id === a.id) - specs.findIndex((s) => s.id === b.id));
  for (const t of demo.running) t.startLive();
  return demo;
}
