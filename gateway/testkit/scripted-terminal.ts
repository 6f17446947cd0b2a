/**
 * A terminal written from docs/protocol.md alone, in Node: hello, numbered events kept until acked and sent
 * again until then, clock sync, config. It is the "device" of the gateway's integration tests and benchmarks
 * (thousands of events a second); the demo and `loyalty simulate` run the real firmware in firmware/sim.
 * Transport-free: `write` sends a line, `receive` takes one.
 */
import { randomBytes } from "node:crypto";
import { deviceEnd } from "../../protocol/endpoints.ts";
import { PROTOCOL_VERSION } from "../../protocol/constants.ts";
import type { ConfigMsg, DownMsg, EventKind, EventMsg, Role } from "../../protocol/schemas.ts";

export interface ScriptedTerminalOptions {
  serial: string;
  role?: Role;
  /** Sends one frame line (with its `\n`); a transport can also `attach` one later. */
  write?: (line: string) => void;
  now?: () => number;
  /** Boot id; a fresh random one by default. */
  boot?: string;
  caps?: string[];
}

export class ScriptedTerminal {
  readonly serial: string;
  readonly boot: string;
  config: ConfigMsg | undefined;
  /** Unacked events by sequence number, with their lines. */
  readonly outbox = new Map<number, string>();
  readonly received: DownMsg[] = [];
  readonly rejected: string[] = [];
  private seq = 0;
  private readonly bootedAt: number;
  private clockOffset: number | undefined;
  private readonly end = deviceEnd();
  private readonly now: () => number;
  private readonly ackWaiters: (() => void)[] = [];
  private writer: (line: string) => void;

  constructor(private readonly opts: ScriptedTerminalOptions) {
    this.serial = opts.serial;
    this.boot = opts.boot ?? randomBytes(4).toString("hex");
    this.now = opts.now ?? Date.now;
    this.bootedAt = this.now();
    this.writer = opts.write ?? (() => undefined);
  }

  /** Sends through this function from now on (a new connection after the old one died). */
  attach(write: (line: string) => void): void {
    this.writer = write;
  }

  get uptime(): number {
    return this.now() - this.bootedAt;
  }

  get synced(): boolean {
    return this.clockOffset !== undefined;
  }

  hello(): void {
    this.send({ t: "hello", d: this.serial, b: this.boot, fw: "scripted-1", pv: PROTOCOL_VERSION, role: this.opts.role ?? "combo", cap: this.opts.caps ?? ["serial", "mqtt"], up: this.uptime });
  }

  status(): void {
    this.send({ t: "status", d: this.serial, b: this.boot, up: this.uptime, q: this.outbox.size, drop: 0, ...(this.synced ? { clk: this.clock() } : {}) });
  }

  /** Records and sends one event; `at` (epoch ms) defaults to now on the device clock. Returns its seq. */
  press(kind: EventKind, at?: number): number {
    const n = ++this.seq;
    const synced = this.synced;
    const ts = synced ? (at ?? this.clock()) : at !== undefined ? at - this.bootedAt : this.uptime;
    const e: EventMsg = { t: "event", d: this.serial, b: this.boot, n, k: kind, ts, sync: synced ? 1 : 0, ...(kind === "stuck" ? { btn: "seller" as const } : {}) };
    const line = this.encode(e);
    this.outbox.set(n, line);
    this.writer(line);
    return n;
  }

  /** Events recorded in this boot so far. */
  get recorded(): number {
    return this.seq;
  }

  /** Sends the oldest `max` unacked events again (a device keeps only a window in flight); returns how many. */
  resend(max = Infinity): number {
    let n = 0;
    for (const line of this.outbox.values()) {
      if (n++ >= max) break;
      this.writer(line);
    }
    return Math.min(n, this.outbox.size);
  }

  /** One line from the gateway (frames only; anything else is counted as rejected). */
  receive(line: string): void {
    const r = this.end.decode(line);
    if (!r.ok) {
      this.rejected.push(r.code);
      return;
    }
    const m = r.msg;
    if (m.d !== this.serial) return;
    this.received.push(m);
    if (m.t === "ack" && m.b === this.boot) {
      for (const n of m.n) this.outbox.delete(n);
      if (this.outbox.size === 0) this.ackWaiters.splice(0).forEach((f) => f());
    } else if (m.t === "nack" && m.b === this.boot && m.n !== undefined) this.outbox.delete(m.n);
    else if (m.t === "time") this.clockOffset = m.ms - this.now();
    else if (m.t === "config") this.config = m;
    else if (m.t === "unpair") this.config = undefined;
    else if (m.t === "query") this.hello();
  }

  /** Resolves when every event sent so far is acked. */
  drained(): Promise<void> {
    return this.outbox.size === 0 ? Promise.resolve() : new Promise((resolve) => this.ackWaiters.push(resolve));
  }

  private clock(): number {
    return this.now() + (this.clockOffset ?? 0);
  }

  private encode(m: Parameters<typeof this.end.encode>[0]): string {
    const r = this.end.encode(m);
    if (!r.ok) throw new Error(`scripted terminal built an invalid ${m.t}: ${r.reason}`);
    return r.line;
  }

  private send(m: Parameters<typeof this.end.encode>[0]): void {
    this.writer(this.encode(m));
  }
}
