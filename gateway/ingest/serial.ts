/**
 * Serial ports read as lines (@serialport/parser-readline), several at once; the ports themselves come from the
 * `openPort` passed in (serial-port.ts). A port that fails to open or disappears is retried every `retryMs` until
 * it returns. The gateway writes only protocol frames (or the
 * firmware's one REPL entry call, docs/protocol.md#serial) to a port.
 */
import { ReadlineParser } from "@serialport/parser-readline";
import type { Logger } from "../log.ts";
import { LineGuard } from "./line-guard.ts";
import type { Link, LinkSink } from "./link.ts";
import type { OpenSerialPort, SerialPortLike } from "./serial-port.ts";

export interface SerialPortOptions {
  path: string;
  /** Default 115200 (ignored by USB CDC devices such as the Espruino Pico). */
  baudRate: number;
}

/** One port, kept open: opens, reads lines, and reopens after an error or a disappearance. */
export class SerialLink implements Link {
  readonly kind = "serial" as const;
  readonly id: string;
  private port: SerialPortLike | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  private warnedOpen = false;

  constructor(
    private readonly opts: SerialPortOptions & { retryMs: number; maxLine: number; openPort: OpenSerialPort },
    private readonly sink: LinkSink,
    private readonly log: Logger,
  ) {
    this.id = "serial:" + opts.path;
  }

  get isOpen(): boolean {
    return this.port?.isOpen === true;
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  write(text: string): void {
    if (!this.port?.isOpen) return;
    this.port.write(Buffer.from(text, "latin1"), (err) => {
      if (err) this.log.warn({ port: this.opts.path, err: err.message }, "serial write failed");
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private open(): void {
    const port = this.opts.openPort({ path: this.opts.path, baudRate: this.opts.baudRate });
    this.port = port;
    port.open((err) => {
      if (err) {
        if (!this.warnedOpen) this.log.warn({ port: this.opts.path, err: err.message }, "cannot open serial port; retrying until it appears");
        this.warnedOpen = true;
        return this.again();
      }
      this.warnedOpen = false;
      this.log.info({ port: this.opts.path }, "serial port open");
      const lines = port.pipe(new LineGuard(this.opts.maxLine)).pipe(new ReadlineParser({ delimiter: "\n", encoding: "latin1" }));
      /* A throw inside a 'data' listener would destroy the pipe and silently stop reading the port. */
      lines.on("data", (line: string) => {
        try {
          this.sink.receive(line, this);
        } catch (err) {
          this.log.error({ port: this.opts.path, err }, "a line could not be handled; reading goes on");
        }
      });
      lines.on("error", (err) => this.log.error({ port: this.opts.path, err: err.message }, "serial line parser failed"));
    });
    port.on("error", (e) => this.log.debug({ port: this.opts.path, err: e.message }, "serial port error"));
    port.on("close", () => {
      if (this.port !== port) return;
      this.sink.linkClosed(this);
      if (this.stopped) return;
      this.log.warn({ port: this.opts.path }, "serial port closed; retrying until it returns");
      this.again();
    });
  }

  private again(): void {
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.open(), this.opts.retryMs);
  }
}

/** The gateway's serial links as one part: the configured ports at start, more later (detector, demo), all closed at stop. */
export class SerialPorts {
  readonly links: SerialLink[] = [];

  constructor(
    private readonly opts: { ports: SerialPortOptions[]; retryMs: number; maxLine: number; openPort: OpenSerialPort },
    private readonly sink: LinkSink,
    private readonly log: Logger,
  ) {}

  start(): void {
    for (const p of this.opts.ports) this.open(p.path, p.baudRate);
  }

  /** Whether a link for `path` exists (open, or retrying). */
  has(path: string): boolean {
    return this.links.some((l) => l.id === "serial:" + path);
  }

  /** Opens one more port now. */
  open(path: string, baudRate = 115200): void {
    const link = new SerialLink({ path, baudRate, retryMs: this.opts.retryMs, maxLine: this.opts.maxLine, openPort: this.opts.openPort }, this.sink, this.log);
    this.links.push(link);
    link.start();
  }

  /** Closes the port at `path` and forgets it (a port opened with open()). */
  async close(path: string): Promise<void> {
    const i = this.links.findIndex((l) => l.id === "serial:" + path);
    if (i < 0) return;
    const [link] = this.links.splice(i, 1);
    await link?.stop();
  }

  async stop(): Promise<void> {
    await Promise.all(this.links.map((s) => s.stop()));
  }
}
