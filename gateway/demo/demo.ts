/**
 * The first-run demo (`npm start`, docs/demo.md): two simulated terminals running the real firmware bundle,
 * one over a pseudo-terminal (serial, Espruino Pico build) and one over MQTT (Espruino WiFi build), paired
 * automatically, each replaying yesterday's scripted day and then pressing buttons live every few seconds.
 */
import { buildFirmware } from "../../firmware/build/build.ts";
import type { Logger } from "../log.ts";
import { DEMO_TERMINALS, LIVE_LOOP, localDateBefore, type DemoTerminalSpec, type LocalDate, type Visit } from "./day.ts";
import { startDemoTerminal, type DemoGateway, type RunningTerminal } from "./demo-terminal.ts";
import { openPtyPair, type PtyPair } from "../testkit/pty-pair.ts";
import { freshDatabase, loadHistory, type HistoryLoaded } from "./history-load.ts";

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
  /**
   * Fill the month before yesterday (history.ts) when the database is fresh; `npm start` does, tests that check
   * only the scripted day leave it out. `seed` gives another month, `days` another length.
   */
  history?: { seed?: number; days?: number };
}

/*
 * The simulated WiFi board speaks plain MQTT (no TLS) and logs in with its own credential, which the demo issues in
 * the gateway's database as `loyalty flash` does: the embedded broker, or a broker that needs no password.
 */
function reachableBroker(url: string): { host: string; port: number } | string {
  if (!url) return "MQTT is off in this configuration";
  const u = new URL(url);
  if (!/^(mqtt|tcp):$/.test(u.protocol) || u.username) return `the simulated WiFi board speaks plain MQTT without a password; ${url} is not that`;
  return { host: u.hostname, port: Number(u.port || 1883) };
}

/** The demo as a part of the gateway (app.ts starts it when `demo.enabled`): its terminals run between start() and stop(). */
export class Demo {
  /** One line per terminal: id, transport and where it is connected. */
  readonly terminals: { id: string; transport: "serial" | "mqtt"; where: string }[] = [];
  /** Why a terminal did not start (no pseudo-terminal maker, a broker the firmware cannot reach). */
  readonly skipped: string[] = [];
  readonly running: RunningTerminal[] = [];
  /** The day replayed. */
  readonly date: LocalDate;
  /** A live press every this many ms (0: none). */
  readonly liveGapMs: number;
  /** The terminals it runs. */
  readonly specs: DemoTerminalSpec[];
  /** The month put in before yesterday, and how long that took (ms); undefined when the database was not fresh. */
  history: (HistoryLoaded & { ms: number }) | undefined;
  private readonly ptys: PtyPair[] = [];

  constructor(
    private readonly gw: DemoGateway,
    private readonly o: DemoOptions,
  ) {
    this.specs = o.terminals ?? DEMO_TERMINALS;
    this.date = o.date ?? localDateBefore(Date.now(), o.timeZone, 1);
    this.liveGapMs = o.live?.gapMs ?? 5000;
  }

  async start(): Promise<void> {
    const { gw, o, specs, date } = this;
    const live = { loop: o.live?.loop ?? LIVE_LOOP, gapMs: this.liveGapMs };
    const broker = reachableBroker(gw.mqttUrl);
    const fresh = o.history !== undefined && freshDatabase(gw.store);
    /*
     * Firmware is built for every terminal at once; the terminals then start and replay yesterday one after another,
     * in the specs' order, so the gateway numbers their events (and so the surveys) the same way on every run.
     */
    type Prepared = { spec: (typeof specs)[number]; bundle: string; devicePath: string | undefined; shown: { id: string; transport: "serial" | "mqtt"; where: string } };
    const preparing = specs.map(async (spec): Promise<Prepared | undefined> => {
      if (spec.board === "pico") {
        const pty = await openPtyPair(o.pty);
        if ("reason" in pty) {
          this.skipped.push(`${spec.id} (serial): ${pty.reason}`);
          return undefined;
        }
        this.ptys.push(pty);
        gw.openSerial(pty.gateway);
        const bundle = (await buildFirmware({ board: "pico", write: false })).code;
        return { spec, bundle, devicePath: pty.device, shown: { id: spec.id, transport: "serial", where: `${pty.shown} (a pseudo-terminal pair made by ${pty.via})` } };
      }
      if (typeof broker === "string") {
        this.skipped.push(`${spec.id} (MQTT): ${broker}`);
        return undefined;
      }
      const bundle = (await buildFirmware({ board: spec.board, write: false, net: { ssid: "demo-shop", pass: "demo", host: broker.host, port: broker.port } })).code;
      return { spec, bundle, devicePath: undefined, shown: { id: spec.id, transport: "mqtt", where: `mqtt://${broker.host}:${broker.port}` } };
    });
    const results: PromiseSettledResult<unknown>[] = await Promise.allSettled(preparing);
    for (const r of [...results]) {
      if (r.status !== "fulfilled" || !r.value) continue;
      const { spec, bundle, devicePath, shown } = r.value as Prepared;
      try {
        this.terminals.push(shown);
        const t = await startDemoTerminal({ gw, spec, bundle, devicePath, timeZone: o.timeZone, date, timing: o.timing, live, say: o.say });
        this.running.push(t);
        o.log.info({ terminal: spec.id, serial: spec.serial, replayed: t.replayed }, "demo terminal running");
      } catch (e) {
        results.push({ status: "rejected", reason: e });
        break;
      }
    }
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) {
      await this.stop();
      throw failed.reason;
    }
    this.terminals.sort((a, b) => specs.findIndex((s) => s.id === a.id) - specs.findIndex((s) => s.id === b.id));
    if (fresh) {
      const t0 = performance.now();
      const loaded = loadHistory({ store: gw.store, timeZone: o.timeZone, yesterday: date, live: specs, timing: o.timing, now: Date.now(), ...o.history });
      gw.workers.derive();
      this.history = { ...loaded, ms: Math.round(performance.now() - t0) };
      o.say(`the ${loaded.days} days before yesterday put in (seeded, a fresh database only): ${loaded.events} presses on ${loaded.terminals.join(", ")}, in ${(this.history.ms / 1000).toFixed(1)} s`);
      o.log.info({ ...this.history }, "demo history loaded");
    }
    for (const t of this.running) t.startLive();
  }

  async stop(): Promise<void> {
    for (const t of this.running) t.stop();
    /* The gateway's end first: a demo that failed to start leaves the gateway running, with no port to retry. */
    await Promise.all(this.ptys.map((p) => this.gw.closeSerial(p.gateway)));
    await Promise.all(this.ptys.splice(0).map((p) => p.close()));
    /* Let the gateway take the boards' last will (offline) before it stops, so it publishes nothing to them then. */
    const serials = this.specs.map((s) => s.serial);
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline && this.gw.ingest.reachableDevices().some((d) => serials.includes(d))) await new Promise((r) => setTimeout(r, 20));
  }
}

/** A demo started now (tests). */
export async function startDemo(gw: DemoGateway, o: DemoOptions): Promise<Demo> {
  const demo = new Demo(gw, o);
  await demo.start();
  return demo;
}
