/**
 * An Espruino board at the device end of a socat pseudo-terminal, for the installer's tests (`loyalty flash`,
 * `loyalty ports`). It is the firmware simulator (firmware/sim) plus the REPL built-ins the installer uses, each
 * after the Espruino reference (https://www.espruino.com/Reference):
 * - the REPL reads lines; Ctrl-C (0x03) clears the line typed so far; a line starting with 0x10 runs without echo
 *   (espruino/Espruino README_Protocol.md), other lines are echoed and their value printed as `=value` (the
 *   simulator's REPL, firmware/sim/serial.ts);
 * - `print(a, b, ...)` prints its arguments separated by spaces and a newline; `process.env.VERSION` / `.BOARD`;
 *   `atob` / `btoa`;
 * - `require("Storage").write(name, data, offset, size)`: offset 0 (or none) creates the file, `size` long with
 *   unwritten bytes 0xFF; a later offset writes inside it; false when Storage is full;
 * - `reset()` clears RAM (the running program) and keeps Storage; `load()` restarts and runs the Storage file
 *   `.bootcde` (https://www.espruino.com/Saving), here by booting a simulated board with it, so the REAL uploaded
 *   firmware answers the version query.
 * Failure modes for the error tests: `silent` (not an Espruino: reads and never answers), a VERSION that is not
 * one, and `stopAfterWrites` (the cable is pulled during the upload: no answer after that many Storage writes).
 */
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { ReadStream } from "node:tty";
import { createSimulatedBoard, createFlash, type SimBoard, type SimFlash } from "../../firmware/sim/index.ts";

export interface FakeEspruinoOptions {
  /** The device end of the PTY pair. */
  path: string;
  /** process.env.VERSION (default "2v25"; anything else to play a board that is not an Espruino). */
  version?: unknown;
  /** process.env.BOARD (default PICO_R1_3). */
  boardName?: string;
  /** Simulator profile that runs the uploaded firmware (default pico). */
  simBoard?: string;
  serialNumber?: string;
  /** Storage size in bytes (default the simulator's). */
  flashSize?: number;
  /** Never answers anything. */
  silent?: boolean;
  /** Firmware already in Storage `.bootcde` and running (a board flashed earlier). */
  firmware?: string;
  /** Stops answering after this many Storage writes of `.bootcde`. */
  stopAfterWrites?: number;
}

export interface FakeEspruino {
  readonly flash: SimFlash;
  /** Everything the host wrote to the board. */
  received(): string;
  /** Times `load()` booted the stored firmware. */
  readonly loads: number;
  /** The board running now (after load(), the uploaded firmware). */
  board(): SimBoard;
  /** Power off and on: the board boots what Storage holds in `.bootcde`, as Espruino does at power-on. */
  powerCycle(): void;
  /** Answers again after `stopAfterWrites` (the cable is back). */
  resume(): void;
  close(): void;
}

const BANNER = (v: string) => `\r\n _____                 _\r\n|   __|___ ___ ___ _ _|_|___ ___\r\n|   __|_ -| . |  _| | | |   | . |\r\n|_____|___|  _|_| |___|_|_|_|___|\r\n          |_| espruino.com\r\n ${v} (c) 2024 G.Williams\r\n\r\n>`;

export function fakeEspruino(o: FakeEspruinoOptions): FakeEspruino {
  const version = "version" in o ? o.version : "2v25";
  const flash = createFlash(o.flashSize ? { size: o.flashSize } : {});
  const cable = ttyCable(o.path);
  let received = "";
  let line = "";
  let deaf = false;
  let writes = 0;
  let stopAt = o.stopAfterWrites;
  let loads = 0;
  let pending: "reset" | "load" | undefined;
  let current: SimBoard;

  const out = (s: string) => cable.write(s);

  function storage(base: Record<string, unknown>) {
    return {
      ...base,
      write(name: string, data: unknown, offset?: number, size?: number): boolean {
        const s = typeof data === "string" ? data : JSON.stringify(data);
        if (name === ".bootcde" && stopAt !== undefined && ++writes >= stopAt) deaf = true;
        const old = flash.files.get(name);
        if (!offset) {
          const len = Math.max(size ?? 0, s.length);
          if (flash.used() - (old ? 32 + old.data.length : 0) + 32 + len > flash.size) return false;
          flash.files.set(name, { data: s + "\xff".repeat(len - s.length), sf: false });
          return true;
        }
        if (!old || offset + s.length > old.data.length) return false;
        if (/[^\xff]/.test(old.data.slice(offset, offset + s.length))) return false;
        old.data = old.data.slice(0, offset) + s + old.data.slice(offset + s.length);
        return true;
      },
    };
  }

  function boot(code: string): SimBoard {
    const b = createSimulatedBoard({ bundle: code, board: o.simBoard ?? "pico", clock: "real", serialNumber: o.serialNumber, flash, onWrite: out });
    const g = b.context() as Record<string, unknown> & { process: Record<string, unknown>; require: (n: string) => unknown };
    g.print = (...a: unknown[]) => out(a.map(String).join(" ") + "\r\n");
    g.process.env = { VERSION: version, BOARD: o.boardName ?? "PICO_R1_3", CONSOLE: "USB" };
    g.atob = (s: string) => Buffer.from(String(s), "base64").toString("latin1");
    g.btoa = (s: string) => Buffer.from(String(s), "latin1").toString("base64");
    g.reset = () => void (pending = "reset");
    g.load = () => void (pending = "load");
    const req = g.require;
    g.require = (n: string) => (n === "Storage" ? storage(req("Storage") as Record<string, unknown>) : req(n));
    return b;
  }

  /* What the board does between two lines: a reset() or load() asked for in the last one. */
  function afterLine(): void {
    const p = pending;
    pending = undefined;
    if (!p) return;
    current.stop();
    if (p === "reset") {
      current = boot("");
      out(BANNER(String(version)));
      return;
    }
    loads++;
    const f = flash.files.get(".bootcde");
    current = boot(f ? f.data : "");
  }

  if (o.firmware !== undefined) flash.files.set(".bootcde", { data: o.firmware, sf: false });
  current = boot(o.firmware ?? "");
  cable.onData((text: string) => {
      received += text;
      if (o.silent) return;
      for (const ch of text) {
        if (deaf) return;
        if (ch === "\x03") line = "";
        else if (ch === "\n" || ch === "\r") {
          const l = line;
          line = "";
          if (!l) continue;
          current.serialInput(l + "\n");
          afterLine();
        } else line += ch;
      }
  });

  return {
    flash,
    received: () => received,
    get loads() {
      return loads;
    },
    board: () => current,
    powerCycle() {
      pending = "load";
      afterLine();
    },
    resume() {
      deaf = false;
      stopAt = undefined;
      line = "";
    },
    close() {
      current.stop();
      cable.close();
    },
  };
}

/*
 * The device end of the PTY, read through libuv's tty handle (non-blocking) rather than a file stream: a file
 * stream's blocking read of a PTY holds one of libuv's four thread-pool threads, and a test with several boards
 * would starve the thread pool that serialport needs to close its ports.
 */
function ttyCable(path: string) {
  const rfd = openSync(path, constants.O_RDWR | constants.O_NOCTTY);
  const wfd = openSync(path, constants.O_RDWR | constants.O_NOCTTY);
  const input = new ReadStream(rfd);
  input.on("error", () => undefined);
  let closed = false;
  return {
    write(data: string) {
      if (!closed) writeSync(wfd, Buffer.from(data, "latin1"));
    },
    onData(fn: (text: string) => void) {
      input.on("data", (b: Buffer | string) => fn(typeof b === "string" ? b : b.toString("latin1")));
    },
    close() {
      if (closed) return;
      closed = true;
      input.destroy();
      closeSync(wfd);
    },
  };
}
