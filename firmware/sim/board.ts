/**
 * A simulated Espruino board running the BUILT firmware (dist/firmware.js) in a node:vm context that holds only
 * the Espruino globals the firmware uses, each following the Espruino reference (https://www.espruino.com/Reference):
 * E, getTime, getSerial, setTimeout/setInterval/clear*, setWatch/clearWatch, digitalWrite/digitalRead/pinMode, Pin,
 * USB/Serial1/LoopbackA, require("Storage" | "net" | "tls" | "Wifi" | "EspruinoWiFi"), process.memory(), global, console.
 * Used by the firmware tests, the gateway's end-to-end tests, the first-run demo and `loyalty simulate`.
 */
import { readFileSync } from "node:fs";
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { crc32 } from "../../protocol/crc32.ts";
import { BOARDS } from "../build/boards.ts";
import { createFakeClock, createRealClock, type SimClock } from "./clock.ts";
import { createFlash, PowerCut, type SimFlash } from "./flash.ts";
import { estimateVars } from "./memory.ts";
import { createNetModule } from "./net.ts";
import { createPins } from "./pins.ts";
import { SimSerial } from "./serial.ts";
import { createStorageModule } from "./storage.ts";
import { STRING_2V29 } from "./string-2v29.ts";

export type Button = "seller" | "yes" | "no" | "unsure";
const BUTTONS: Button[] = ["seller", "yes", "no", "unsure"];

export interface SimBoardOptions {
  /** Firmware source; default: the file `bundleFile`, else dist/firmware.js. */
  bundle?: string;
  bundleFile?: string;
  /** Board profile (pins, console device): pico (default) | wifi | esp32. Must match the build's --board. */
  board?: string;
  /** Serial device the firmware uses for frames (default: the board's). */
  port?: "USB" | "Serial1";
  /** getSerial(); default "33ffd605-41573033-15720843". */
  serialNumber?: string;
  /** "fake" (default: time moves with advance()), "real", or a clock shared with other boards. */
  clock?: "fake" | "real" | SimClock;
  /** Flash that outlives the board (share it to keep the outbox across boards); or its size in bytes. */
  flash?: SimFlash;
  flashSize?: number;
  /** Variables of the simulated Espruino (default 1600, an ESP8266-class board). */
  vars?: number;
  /** Everything the device writes on its frame port (frames and, in REPL mode, REPL output). */
  onWrite?: (data: string) => void;
  /** WiFi network reachable (default true). */
  wifi?: boolean;
  /** Every byte on the board's TCP sockets: `out` what it writes, `in` what it receives (to show MQTT traffic). */
  onNet?: (dir: "in" | "out", data: string) => void;
}

export interface SimBoard {
  readonly clock: SimClock;
  readonly flash: SimFlash;
  /** The same flash, under the name the Espruino module has (require("Storage")). */
  readonly storage: SimFlash;
  /** Errors thrown by device code (Espruino would print "Uncaught ..."). */
  readonly errors: string[];
  /** Boots so far (1 after creation), and reboots caused by the watchdog. */
  readonly boots: number;
  readonly watchdogResets: number;
  readonly alive: boolean;
  /** Presses `btn` now and releases it after `ms` (on the board's clock). `bounce`: extra edges at each end. */
  press(btn: Button, ms: number, opts?: { bounce?: number }): void;
  /** Presses and keeps holding. */
  pressAndHold(btn: Button, opts?: { bounce?: number }): void;
  release(btn: Button, opts?: { bounce?: number }): void;
  /** Bytes arriving on the frame port from the cable. */
  serialInput(text: string): void;
  /** Every line the device wrote on its frame port since the last call. */
  takeLines(): string[];
  /** Subscribes to each complete line the device writes; returns an unsubscribe function. */
  onLine(fn: (line: string) => void): () => void;
  leds(): { green: boolean; red: boolean };
  /** Fake clock only: runs the board (and every board on the same clock) `ms` forward. */
  advance(ms: number): void;
  /** process.memory() as the firmware sees it. */
  memory(): { free: number; usage: number; total: number };
  /** Cuts the power now (the board stays dead until `powerOn`). */
  powerCut(): void;
  powerOn(): void;
  /** Power cut and power on. */
  reboot(): void;
  /** Switches the simulated WiFi network. */
  setWifi(up: boolean): void;
  /** The vm context (the device's global object), for debugging. */
  context(): vm.Context | undefined;
  stop(): void;
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DEFAULT_SERIAL = "33ffd605-41573033-15720843";
const WATCHDOG_RUN = new vm.Script("__lbCall()");

export function createSimulatedBoard(opts: SimBoardOptions = {}): SimBoard {
  const boardName = opts.board || "pico";
  const found = BOARDS[boardName];
  if (!found) throw new Error("createSimulatedBoard: board " + boardName + " is not one of " + Object.keys(BOARDS).join(", "));
  const profile = found;
  const code = opts.bundle ?? readFileSync(opts.bundleFile || ROOT + "dist/firmware.js", "utf8");
  const ownClock = typeof opts.clock !== "object";
  const clock: SimClock = typeof opts.clock === "object" ? opts.clock : opts.clock === "real" ? createRealClock() : createFakeClock();
  const flash = opts.flash || createFlash({ size: opts.flashSize });
  const pinNames = profile.pins.split(" ").filter((p) => p !== "-");
  const portName = opts.port || profile.port;
  const total = opts.vars || 1600;
  let wifi = opts.wifi !== false;
  const errors: string[] = [];
  const listeners = new Set<(l: string) => void>();
  let pending: string[] = [];
  let partial = "";
  let boots = 0;
  let alive = false;
  let ctx: vm.Context | undefined;
  let timers = new Set<number>();
  let sockets: Socket[] = [];
  let pins: ReturnType<typeof createPins> | undefined;
  let port: SimSerial | undefined;
  let bootAt = 0;
  let generation = 0;
  let watchdogMs = 0;
  let watchdogResets = 0;

  const written = (data: string) => {
    if (opts.onWrite) opts.onWrite(data);
    partial += data;
    let i = partial.indexOf("\n");
    while (i >= 0) {
      const line = partial.slice(0, i).replace(/\r$/, "");
      partial = partial.slice(i + 1);
      pending.push(line);
      for (const l of listeners) l(line);
      i = partial.indexOf("\n");
    }
  };

  function die(): void {
    alive = false;
    for (const t of timers) clock.cancel(t);
    timers = new Set();
    for (const s of sockets) s.destroy();
    sockets = [];
    ctx = undefined;
  }

  /* Runs device code as Espruino does: an exception is printed and the board carries on. */
  /*
   * Runs device code as Espruino does: an exception is printed and the board carries on. With the watchdog on
   * (E.enableWatchdog, https://www.espruino.com/Reference#l_E_enableWatchdog) code that runs longer than its
   * timeout (real time: the host runs it) reboots the board, as a hung runtime would.
   */
  function call(fn: (...a: unknown[]) => unknown, args: unknown[], self?: unknown): void {
    if (!alive) return;
    try {
      if (watchdogMs && ctx) {
        (ctx as { __lbCall?: unknown }).__lbCall = () => fn.apply(self, args);
        WATCHDOG_RUN.runInContext(ctx, { timeout: watchdogMs });
      } else fn.apply(self, args);
    } catch (e) {
      if (e instanceof PowerCut || !alive) return;
      if ((e as { code?: string }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
        watchdogResets++;
        die();
        boot();
        return;
      }
      const msg = String((e as Error).message || e);
      errors.push(msg);
      if (port) port.out("Uncaught " + msg + "\r\n");
    }
  }

  function boot(): void {
    boots++;
    alive = true;
    watchdogMs = 0;
    bootAt = clock.now();
    /* Code of an earlier boot that caught a PowerCut must not act on this one: it is dead hardware. */
    const me = ++generation;
    const live = () => alive && generation === me;
    const host = {
      time: () => (clock.now() - bootAt) / 1000,
      after: (ms: number, fn: () => void) => schedule(ms, fn),
      cancel: (id: number) => {
        clock.cancel(id);
        timers.delete(id);
      },
      call,
    };
    function schedule(ms: number, fn: () => void): number {
      if (!live()) throw new PowerCut();
      const id: number = clock.schedule(ms, () => {
        timers.delete(id);
        if (live()) fn();
      });
      timers.add(id);
      return id;
    }
    pins = createPins(pinNames, host);
    let consoleDev: SimSerial | undefined;
    const serialHost = {
      evaluate: (c: string) => vm.runInContext(c, ctx as vm.Context),
      console: () => consoleDev,
      setConsole: (d: SimSerial) => {
        consoleDev = d;
      },
      call,
    };
    const devices: { [n: string]: SimSerial } = {};
    for (const n of ["USB", "Serial1", "LoopbackA"]) devices[n] = new SimSerial(n, serialHost, n === portName ? (d) => live() && written(d) : () => undefined);
    if (boardName === "esp32") delete devices.USB;
    port = devices[portName];
    if (!port) throw new Error("createSimulatedBoard: board " + boardName + " has no " + portName);
    consoleDev = devices[profile.port === "USB" && devices.USB ? "USB" : "Serial1"];
    const initHandlers: (() => void)[] = [];
    const userTimers = new Map<number, number>();
    let nextTimer = 1;
    const addTimer = (fn: unknown, ms: unknown, repeat: boolean, args: unknown[]): number => {
      if (typeof fn !== "function") throw new Error((repeat ? "setInterval" : "setTimeout") + ": function expected, got " + typeof fn);
      const wait = Math.max(repeat ? 1 : 0, Number(ms) || 0);
      const id = nextTimer++;
      const arm = () => {
        userTimers.set(
          id,
          schedule(wait, () => {
            if (repeat) arm();
            else userTimers.delete(id);
            call(fn as (...a: unknown[]) => unknown, args);
          }),
        );
      };
      arm();
      return id;
    };
    const clearTimer = (what: string) => (id?: unknown) => {
      if (id === undefined) {
        for (const t of userTimers.values()) host.cancel(t);
        return userTimers.clear();
      }
      const t = userTimers.get(id as number);
      /* Espruino throws on an unknown id (jswrap_interactive.c: "Unknown Timeout" / "Unknown Interval"). */
      if (t === undefined) throw new Error("Unknown " + what);
      host.cancel(t);
      userTimers.delete(id as number);
    };
    const storage = createStorageModule(flash, die, live);
    const netHost = { call, track: (s: Socket) => sockets.push(s), online: () => wifi, tap: opts.onNet };
    const net = createNetModule(netHost);
    const wifiModule = {
      connect(ssid: unknown, o: unknown, cb: unknown) {
        if (typeof ssid !== "string") throw new Error("Wifi.connect: ssid must be a string");
        if (typeof cb !== "function") throw new Error("Wifi.connect: callback expected");
        schedule(100, () => call(cb as () => void, wifi ? [null] : ["no network"]));
      },
    };
    const modules: { [n: string]: unknown } = { Storage: storage, net, Wifi: wifiModule, EspruinoWiFi: wifiModule };
    /* require("tls") only where the board's real build has it (ESP8266: not in 2v29). */
    if (profile.tls) modules.tls = createNetModule(netHost, { tls: true });
    const g: { [k: string]: unknown } = {
      E: {
        /* https://www.espruino.com/Reference#l_E_CRC32 : IEEE CRC-32, "abc" gives 0x352441c2. */
        CRC32: (s: unknown) => crc32(String(s)),
        on: (ev: unknown, fn: unknown) => {
          if (typeof fn !== "function") throw new Error("E.on: function expected");
          if (ev === "init") initHandlers.push(fn as () => void);
        },
        enableWatchdog: (s: unknown) => {
          if (typeof s !== "number" || !(s > 0)) throw new Error("E.enableWatchdog: timeout in seconds expected");
          watchdogMs = s * 1000;
        },
        setConsole: (d: unknown) => serialHost.setConsole(d as SimSerial),
        getConsole: () => (consoleDev ? consoleDev.name : undefined),
        /* https://www.espruino.com/Reference#l_E_hwRand : 32 bits from the hardware random source. */
        hwRand: () => (Math.random() * 4294967296) | 0,
      },
      getTime: () => host.time(),
      getSerial: () => opts.serialNumber || DEFAULT_SERIAL,
      setTimeout: (fn: unknown, ms: unknown, ...a: unknown[]) => addTimer(fn, ms, false, a),
      setInterval: (fn: unknown, ms: unknown, ...a: unknown[]) => addTimer(fn, ms, true, a),
      clearTimeout: clearTimer("Timeout"),
      clearInterval: clearTimer("Interval"),
      ...pins.api,
      ...pins.globals,
      require: (name: unknown) => {
        const m = modules[String(name)];
        if (!m) throw new Error('Module "' + String(name) + '" not found');
        return m;
      },
      process: {
        version: "2v29-sim",
        memory: () => memory(),
      },
      console: { log: (...a: unknown[]) => consoleDev && consoleDev.out(a.map(String).join(" ") + "\r\n") },
      ...devices,
    };
    g.global = g;
    ctx = vm.createContext(g);
    vm.runInContext(STRING_2V29, ctx);
    try {
      vm.runInContext(code, ctx, { filename: "firmware.js" });
      for (const h of initHandlers) call(h, []);
    } catch (e) {
      if (!(e instanceof PowerCut) && alive) errors.push(String((e as Error).message || e));
    }
  }

  function memory() {
    const root = ctx ? (ctx as { LB_?: unknown }).LB_ : undefined;
    const usage = estimateVars(root, Buffer.byteLength(code)) + 4 * timers.size + 4 * (pins ? pins.watchCount() : 0) + 60;
    return { free: total - usage, usage, total };
  }

  function button(btn: Button): string {
    const i = BUTTONS.indexOf(btn);
    const name = profile.pins.split(" ")[i];
    if (i < 0 || !name || name === "-") throw new Error("no button " + btn + " on board " + boardName);
    return name;
  }
  /* Drives a pin to `high`, with `bounce` extra flips 1 ms apart before it settles. */
  function drive(btn: Button, high: boolean, bounce: number): void {
    const name = button(btn);
    if (!alive || !pins) return;
    const p = pins;
    p.drive(name, high);
    for (let k = 1; k <= 2 * bounce; k++) {
      const level = k % 2 === 1 ? !high : high;
      clock.schedule(k, () => {
        if (alive && pins === p) p.drive(name, level);
      });
    }
  }

  boot();
  const board: SimBoard = {
    clock,
    flash,
    storage: flash,
    errors,
    get boots() {
      return boots;
    },
    get watchdogResets() {
      return watchdogResets;
    },
    get alive() {
      return alive;
    },
    press(btn, ms, o) {
      const bounce = (o && o.bounce) || 0;
      drive(btn, false, bounce);
      clock.schedule(ms, () => drive(btn, true, bounce));
    },
    pressAndHold(btn, o) {
      drive(btn, false, (o && o.bounce) || 0);
    },
    release(btn, o) {
      drive(btn, true, (o && o.bounce) || 0);
    },
    serialInput(text) {
      if (alive && port) port.input(text);
    },
    takeLines() {
      const l = pending;
      pending = [];
      return l;
    },
    onLine(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    leds() {
      const p = profile.pins.split(" ");
      return { green: !!pins && pins.output(p[4] as string), red: !!pins && pins.output(p[5] as string) };
    },
    advance: (ms) => clock.advance(ms),
    memory,
    powerCut: die,
    powerOn() {
      if (!alive) boot();
    },
    reboot() {
      die();
      boot();
    },
    setWifi(up) {
      wifi = up;
      if (!up) {
        for (const s of sockets) s.destroy();
        sockets = [];
      }
    },
    context: () => ctx,
    stop() {
      die();
      if (ownClock) clock.stop();
    },
  };
  return board;
}
