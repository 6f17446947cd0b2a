/**
 * A board made of the real Espruino interpreter (built by build.ts with the real board's pool): the firmware is
 * written into its Storage the way `loyalty flash` writes it (chunked `Storage.write` lines on the REPL) and runs
 * from there at every boot, as on a flashed board. docs/firmware.md "The real interpreter" says what is real here
 * and what is not.
 *
 * - Console: the interpreter's own REPL on its stdin/stdout (the board's USB console). What the board prints is
 *   given to `onWrite`; `serialInput` types into the REPL, so the gateway's `\x10LB(...)` lines reach the firmware
 *   through the real REPL.
 * - Buttons and LEDs: the Linux target's sysfs GPIO driver, pointed at `<dir>/gpio` (boards.ts): `down`/`up`
 *   replace `gpio/gpio<pin>/value` atomically, the interpreter's input thread sees the edge within a millisecond
 *   and runs the real `setWatch` callbacks with the real debounce; `led` reads what `digitalWrite` wrote.
 * - Power: `kill()` is SIGKILL (a power cut: no code runs, the flash file keeps what was written), `boot()` starts
 *   it again on the same flash file.
 * - What the Linux build cannot have, supplied before the firmware by Storage `.boot0` (which Espruino runs before
 *   `.bootcde`): the hardware serial (Linux answers one fixed value; each board here has its own) and, on WiFi
 *   boards, the radio (a `Wifi`/`EspruinoWiFi` module whose `connect` succeeds at once; the sockets are real).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { storageWrites, exprLine, findAnswer, answerValue } from "../../gateway/installer/repl-text.ts";
import { BOARDS } from "../build/boards.ts";
import { boardOf, buildInterpreter, interpreterCommand } from "./build.ts";

export type Button = "seller" | "yes" | "no" | "unsure";
const BUTTON_ORDER: Button[] = ["seller", "yes", "no", "unsure"];

export interface InterpreterBoardOptions {
  /** Board profile: pico | wifi | esp32 | esp8266. */
  board: string;
  /** Working folder (espruino.flash and gpio/); a new temporary one when absent, removed by `close`. */
  dir?: string;
  /** The hardware serial this board answers to getSerial(). */
  serial: string;
  /** Supply the WiFi module (MQTT builds). */
  wifi?: boolean;
  /** Everything the board prints, as it comes. */
  onWrite?: (data: string) => void;
}

export interface InterpreterBoard {
  dir: string;
  /**
   * Erases the flash, writes `code` into Storage `.bootcde` (and the `.boot0` stand-ins) through the REPL as
   * `loyalty flash` does, and plain `files` beside it (`lbnet`), then power-cycles.
   */
  flash(code: string, files?: { [name: string]: string }): Promise<void>;
  /**
   * A board as it comes from the shop: the flash erased but for the `.boot0` stand-ins, then powered on, with
   * Espruino's REPL and no firmware (what `loyalty flash` meets).
   */
  blank(): Promise<void>;
  /** Appends `data` to the StorageFile `name` through the REPL, as firmware code would (the board must be on). */
  append(name: string, data: string): Promise<void>;
  /** Starts the interpreter on the flash file (a power-on). */
  boot(): Promise<void>;
  /** SIGKILL: a power cut. */
  kill(): Promise<void>;
  running(): boolean;
  serialInput(data: string): void;
  down(btn: Button): void;
  up(btn: Button): void;
  /** LED pin level as last written by digitalWrite (0 or 1), by LED index (0 green, 1 red). */
  led(i: number): number;
  /** Evaluates an expression on the REPL and returns its JSON value (the installer's answer markers). */
  evaluate(expr: string, timeoutMs?: number): Promise<unknown>;
  /** Everything printed since boot (or since `clearOutput`). */
  output(): string;
  clearOutput(): void;
  close(): Promise<void>;
}

/** Resolves the board's pin names to pin numbers once per board profile, by asking the interpreter. */
const pinNumbers = new Map<string, { [name: string]: number }>();

export function createInterpreterBoard(o: InterpreterBoardOptions): InterpreterBoard {
  const profile = BOARDS[o.board];
  if (!profile) throw new Error(`board ${o.board}: expected one of ${Object.keys(BOARDS).join(", ")}`);
  const hw = boardOf(o.board);
  const cmd = interpreterCommand(buildInterpreter(o.board));
  const own = !o.dir;
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), "lb-espruino-"));
  const names = profile.pins.split(" ");
  let proc: ChildProcess | undefined;
  let out = "";
  let exited: Promise<void> = Promise.resolve();

  const gpio = (pin: number) => join(dir, "gpio", "gpio" + pin);
  const setPin = (pin: number, v: number) => {
    mkdirSync(gpio(pin), { recursive: true });
    /* Replaced by rename: the input thread must never read a half-written (empty) file, which reads as 0. */
    writeFileSync(join(gpio(pin), "value.new"), String(v));
    renameSync(join(gpio(pin), "value.new"), join(gpio(pin), "value"));
  };
  const pins = () => {
    const p = pinNumbers.get(o.board);
    if (!p) throw new Error("pin numbers not known yet: flash() first");
    return p;
  };

  const start = (args: string[] = []) => {
    out = "";
    const p = spawn(cmd[0] as string, cmd.slice(1).concat(args), { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
    proc = p;
    p.stdout!.setEncoding("latin1");
    p.stdout!.on("data", (d: string) => {
      out += d;
      if (o.onWrite) o.onWrite(d);
    });
    p.stderr!.resume();
    p.stdin!.on("error", () => {});
    exited = new Promise((res) => p.once("exit", () => res()));
    return p;
  };

  const evaluate = async (expr: string, timeoutMs = 10000): Promise<unknown> => {
    const from = out.length;
    if (!proc) throw new Error("the board is off");
    proc.stdin!.write(exprLine(expr));
    const t0 = Date.now();
    for (;;) {
      const a = findAnswer(out.slice(from));
      if (a) return answerValue(a.json);
      if (Date.now() - t0 > timeoutMs) throw new Error(`no answer to ${expr} within ${timeoutMs} ms; the board printed: ${out.slice(from, from + 400)}`);
      if (proc.exitCode !== null) throw new Error(`the interpreter exited (${proc.exitCode}) while evaluating ${expr}: ${out.slice(-400)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  const kill = async () => {
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGKILL");
      await exited;
    }
    proc = undefined;
  };

  const boot0 = () => {
    let s = `global.getSerial=function(){return ${JSON.stringify(o.serial)}};`;
    if (o.wifi) s += `Modules.addCached(${JSON.stringify(profile.wifi)},function(){exports.connect=function(s,o,cb){setTimeout(cb,10)}});`;
    return s;
  };

  /* Erases the flash, writes the `.boot0` stand-ins, then `writes` and `files`, and power-cycles. */
  const write = async (writes: ReturnType<typeof storageWrites>, files: { [name: string]: string }) => {
    await kill();
    rmSync(join(dir, "espruino.flash"), { force: true });
    start();
    await evaluate("1");
    if (!pinNumbers.has(o.board)) {
      const real = names.filter((n) => n !== "-");
      const nums = (await evaluate(`[${real.map((n) => `${n}|0`).join(",")}]`)) as number[];
      pinNumbers.set(o.board, Object.fromEntries(real.map((n, i) => [n, nums[i] as number])));
    }
    const all = storageWrites(Buffer.from(boot0(), "latin1"), ".boot0").concat(writes);
    for (const [name, text] of Object.entries(files)) all.push(...storageWrites(Buffer.from(text, "latin1"), name));
    for (const w of all) {
      const ok = await evaluate(w.expr);
      if (ok !== true) throw new Error(`Storage.write refused a chunk (${JSON.stringify(ok)}) on ${hw.name}`);
    }
    await kill();
    await board.boot();
  };

  const board: InterpreterBoard = {
    dir,
    flash(code, files = {}) {
      return write(storageWrites(Buffer.from(code, "latin1")), files);
    },
    blank() {
      return write([], {});
    },
    async append(name, data) {
      for (let i = 0; i < data.length; i += 384) {
        const part = Buffer.from(data.slice(i, i + 384), "latin1").toString("base64");
        await evaluate(`require("Storage").open(${JSON.stringify(name)},"a").write(atob(${JSON.stringify(part)}))`);
      }
    },
    async boot() {
      if (proc) throw new Error("already on");
      const p = pins();
      names.forEach((n, i) => {
        if (n === "-") return;
        const pin = p[n] as number;
        /* Buttons rest high (pull-up, pressed reads 0); LEDs start off. */
        if (i < 4) setPin(pin, 1);
        else setPin(pin, 0);
      });
      start();
      await evaluate("1", 30000);
    },
    kill,
    running: () => !!proc && proc.exitCode === null && proc.signalCode === null,
    serialInput(d) {
      if (proc && proc.exitCode === null) proc.stdin!.write(Buffer.from(d, "latin1"));
    },
    down(btn) {
      setPin(pins()[names[BUTTON_ORDER.indexOf(btn)] as string] as number, 0);
    },
    up(btn) {
      setPin(pins()[names[BUTTON_ORDER.indexOf(btn)] as string] as number, 1);
    },
    led(i) {
      const n = names[4 + i];
      if (!n || n === "-") return 0;
      return Number(readFileSync(join(gpio(pins()[n] as number), "value"), "utf8").trim()) ? 1 : 0;
    },
    evaluate,
    output: () => out,
    clearOutput() {
      out = "";
    },
    async close() {
      await kill();
      if (own) rmSync(dir, { recursive: true, force: true });
    },
  };
  return board;
}
