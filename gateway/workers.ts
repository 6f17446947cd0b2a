/**
 * The gateway's periodic jobs: rebuild derived surveys, send queued device commands, resync device clocks,
 * flush reject counts, and push a new config when a scheduled settings change comes due. Each job logs its
 * failure and keeps running.
 */
import type { Logger } from "./log.ts";
import type { Ingest } from "./ingest/ingest.ts";
import { configFor } from "./terminals/config.ts";
import type { Store } from "./store/store.ts";
import type { RestartPoints, TerminalSettings } from "./surveys/model.ts";
import { rebuildQueued, rebuildTerminal, type RebuildStore } from "./surveys/rebuild.ts";

/** Longest stretch the periodic survey rebuild runs before it lets acks and frames through. */
const DERIVE_SLICE_MS = 2;

export interface WorkerOptions {
  /** The rebuild's repositories (surveys/rebuild.ts), and the commands, reject counts, clock log and settings. */
  store: RebuildStore & Pick<Store, "settings" | "commands" | "rejects" | "boots" | "terminals">;
  /** Devices are reached through the ingest; reject counts are taken from it. */
  ingest: Pick<Ingest, "reachableDevices" | "sendTo" | "rejects">;
  log: Logger;
  now: () => number;
  defaults: TerminalSettings;
  deriveIntervalMs: number;
  clockSyncMs: number;
  /** Called after a rebuild pass changed surveys and rollups (the alert engine's nudge); must return at once. */
  derived?: (() => void) | undefined;
}

export class Workers {
  private timers: NodeJS.Timeout[] = [];
  private lastDue: number;

  constructor(private readonly o: WorkerOptions) {
    /* From 0: a change that came due while the gateway was down is pushed at the first check after start. */
    this.lastDue = 0;
  }

  start(): void {
    const every = (ms: number, name: string, job: () => void) =>
      this.timers.push(
        setInterval(() => {
          try {
            job();
          } catch (err) {
            this.o.log.error({ err, job: name }, "periodic job failed; it will run again");
          }
        }, ms).unref(),
      );
    every(this.o.deriveIntervalMs, "derive", () => this.deriveInSlices());
    every(500, "commands", () => this.commands());
    every(1000, "rejects", () => this.flushRejects());
    every(1000, "due-settings", () => this.dueSettings());
    every(this.o.clockSyncMs, "clock", () => this.syncClocks());
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** Rebuilds every queued terminal now; returns how many (for shutdown, tests and the CLI). */
  derive(): number {
    const n = rebuildQueued(this.o.store, this.o.defaults);
    if (n > 0) this.o.derived?.();
    return n;
  }

  /** Rebuilds one terminal's surveys, periods and rollups after a change at `fromMs` (surveys/rebuild.ts). */
  rebuild(terminalId: string, fromMs: number): RestartPoints {
    return rebuildTerminal(this.o.store, this.o.defaults, terminalId, fromMs);
  }

  /*
   * The periodic rebuild yields to the event loop every DERIVE_SLICE_MS, so acks are never held up by it for
   * long.
   */
  private deriving = false;
  private deriveInSlices(): void {
    if (this.deriving) return;
    const queued = this.o.store.derived.queued();
    if (queued.length === 0) return;
    this.deriving = true;
    const step = (from: number) => {
      if (this.timers.length === 0) {
        this.deriving = false;
        return;
      }
      const until = performance.now() + DERIVE_SLICE_MS;
      let i = from;
      try {
        while (i < queued.length && performance.now() < until) {
          const q = queued[i++] as { terminalId: string; fromMs: number };
          this.rebuild(q.terminalId, q.fromMs);
        }
      } catch (err) {
        this.o.log.error({ err }, "survey rebuild failed; it stays queued");
        i = queued.length;
      }
      if (i < queued.length && this.timers.length > 0) setImmediate(() => step(i));
      else {
        this.deriving = false;
        this.o.derived?.();
      }
    };
    step(0);
  }

  /** Sends queued commands to devices heard since start; the rest wait. */
  commands(): void {
    const { store, ingest, now } = this.o;
    for (const c of store.commands.pending(ingest.reachableDevices())) {
      const t = now();
      if (c.command.t === "config") {
        const config = configFor(store, this.o.defaults, c.serial, t);
        if (config && !ingest.sendTo(c.serial, config)) continue;
      } else {
        const msg = c.command.t === "time" ? { t: "time" as const, d: c.serial, ms: t } : { ...c.command, d: c.serial };
        if (!ingest.sendTo(c.serial, msg)) continue;
      }
      store.commands.sent(c.id, t);
      this.o.log.info({ device: c.serial, command: c.command.t }, "command sent");
    }
  }

  flushRejects(): void {
    const rows = this.o.ingest.rejects.take();
    if (rows.length) this.o.store.rejects.add(rows);
  }

  syncClocks(): void {
    const t = this.o.now();
    for (const d of this.o.ingest.reachableDevices()) {
      if (this.o.ingest.sendTo(d, { t: "time", d, ms: t })) this.o.store.boots.log(d, t, "time_sent", t);
    }
  }

  /* A settings change scheduled for later takes effect now: its terminal's devices get a new config. */
  private dueSettings(): void {
    const t = this.o.now();
    const due = this.o.store.settings.dueBetween(this.lastDue, t);
    this.lastDue = t;
    for (const id of due) for (const p of this.o.store.terminals.devicesOf(id)) this.o.store.commands.add(p.serial, { t: "config" }, t);
  }
}
