/**
 * Serial devices of a simulated board (USB, Serial1, LoopbackA), after https://www.espruino.com/Reference#Serial :
 * `setup(baud, opts)`, `on("data", fn)` (data as a string), `write(data)`, `setConsole(force)`.
 * The device that holds the console feeds its input to a small REPL instead of `on("data")` handlers, as
 * Espruino does: a line is evaluated in the board's context; a line starting with 0x10 (DLE, "echo off if at
 * beginning of line", espruino/Espruino README_Protocol.md; https://www.espruino.com/Gadgetbridge sends
 * `\x10GB({...})` this way) is run without echo or printed value, other lines are echoed and their value
 * printed as `=value`. The text a device writes is passed to `out` (the cable).
 */
export interface SerialHost {
  /** Evaluates one REPL line in the board's context; returns its value or throws. */
  evaluate(code: string): unknown;
  /** The device that holds the console now. */
  console(): SimSerial | undefined;
  setConsole(dev: SimSerial): void;
  /** Runs a device callback. */
  call(fn: (...a: unknown[]) => unknown, args: unknown[]): void;
}

export class SimSerial {
  private handlers: ((data: string) => void)[] = [];
  private line = "";
  baud = 0;
  constructor(
    readonly name: string,
    private host: SerialHost,
    /** Where what the device writes goes (the other end of the cable). */
    public out: (data: string) => void,
  ) {}

  setup(baud: unknown, opts?: unknown): void {
    if (typeof baud !== "number" || !(baud > 0)) throw new Error(this.name + ".setup: baud rate must be a positive number, got " + String(baud));
    if (opts !== undefined && (typeof opts !== "object" || opts === null)) throw new Error(this.name + ".setup: options must be an object");
    this.baud = baud;
  }

  on(event: unknown, fn: unknown): void {
    if (event !== "data") throw new Error(this.name + ".on: this simulator supports only the data event, got " + String(event));
    if (typeof fn !== "function") throw new Error(this.name + ".on: function expected");
    this.handlers.push(fn as (d: string) => void);
  }

  write(data: unknown): void {
    if (data === undefined) throw new Error(this.name + ".write: nothing to write");
    this.out(Array.isArray(data) ? String.fromCharCode(...(data as number[])) : String(data));
  }

  print(data: unknown): void {
    this.write(String(data));
  }

  println(data: unknown): void {
    this.write(String(data) + "\r\n");
  }

  setConsole(_force?: unknown): void {
    this.host.setConsole(this);
  }

  /** Bytes arriving from the cable. */
  input(text: string): void {
    if (this.host.console() !== this) {
      for (const h of this.handlers) this.host.call(h as (...a: unknown[]) => unknown, [text]);
      return;
    }
    for (const ch of text) {
      if (ch === "\n" || ch === "\r") {
        const l = this.line;
        this.line = "";
        if (l.length) this.repl(l);
      } else this.line += ch;
    }
  }

  private repl(l: string): void {
    const quiet = l.charCodeAt(0) === 0x10;
    const code = quiet ? l.slice(1) : l;
    if (!quiet) this.out(code + "\r\n");
    try {
      const v = this.host.evaluate(code);
      if (!quiet) this.out("=" + (typeof v === "string" ? JSON.stringify(v) : String(v)) + "\r\n>");
    } catch (e) {
      this.out("Uncaught " + String((e as Error).message || e) + "\r\n>");
    }
  }
}
