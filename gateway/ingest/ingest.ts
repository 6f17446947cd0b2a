/**
 * Turns received lines into stored events and replies (docs/gateway.md#ingest), as a pipeline: receive.ts decodes
 * and refuses, batch.ts stores in group commits and acks after them, handlers/ handles each message type, and
 * reachability.ts knows where each device was heard and how to reach it. This class wires them and is what the
 * links (serial.ts, mqtt.ts) hand their lines to.
 */
import type { DownMsg } from "../../protocol/schemas.ts";
import type { Logger } from "../log.ts";
import type { Store } from "../store/store.ts";
import type { TerminalSettings } from "../surveys/model.ts";
import { configFor } from "../terminals/config.ts";
import { Batch } from "./batch.ts";
import type { IngestProbe, IngestStats } from "./item.ts";
import { DEFAULT_LIMITS, PendingLimits, type IngestLimits } from "./limits.ts";
import type { Link, LinkSink } from "./link.ts";
import { Reachability } from "./reachability.ts";
import { Receiver } from "./receive.ts";
import type { RejectCounter } from "./reject-counter.ts";

export interface IngestOptions {
  /** What the ingest reads and writes: devices, boots, events, pairings and settings, the rebuild queue. */
  store: Pick<Store, "tx" | "devices" | "boots" | "events" | "derived" | "terminals" | "settings" | "prune">;
  log: Logger;
  now: () => number;
  /** Settings of a terminal before any change is recorded. */
  defaults: TerminalSettings;
  /** Longest wait before a batch is committed, ms. */
  batchMs: number;
  /** A batch this large is committed at once. */
  batchMax: number;
  /** At most one nack for bad frames per link per this many ms. */
  nackIntervalMs: number;
  /** A device clock further off than this (ms) gets `time` again. */
  clockToleranceMs: number;
  /** Caps and expiry of pending devices, spare boots and clock logs (limits.ts); the configuration's defaults if none. */
  limits?: IngestLimits;
  /** Called after each batch is committed and acked (the alert engine's nudge); must return at once. */
  committed?: (() => void) | undefined;
}

export class Ingest implements LinkSink {
  readonly rejects: RejectCounter;
  readonly stats: IngestStats = { received: 0, stored: 0, duplicates: 0, untimed: 0, batches: 0 };
  private readonly reach: Reachability;
  private readonly batch: Batch;
  private readonly receiver: Receiver;
  private stopped = false;
  private probe: IngestProbe | undefined;

  constructor(private readonly o: IngestOptions) {
    this.reach = new Reachability(o.store.devices, o.log);
    const handlers = { store: o.store, log: o.log, defaults: o.defaults, clockToleranceMs: o.clockToleranceMs, stats: this.stats, loggedOffsets: new Map<string, number>() };
    const limits = new PendingLimits({ store: o.store, log: o.log, limits: o.limits ?? DEFAULT_LIMITS, forget: (serial) => this.reach.forget(serial) });
    this.batch = new Batch(o, handlers, this.reach, this.stats, limits);
    this.receiver = new Receiver(o, this.reach, this.stats, (item) => this.batch.add(item));
    this.rejects = this.receiver.rejects;
  }

  /** One line from a link: decode, check, and queue for the next commit. */
  receive(line: string, link: Link): void {
    /* After stop() the store may be closed: a line still on its way is dropped unacked, and the device resends it. */
    if (this.stopped) return;
    this.probe?.received?.(line);
    this.receiver.receive(line, link);
  }

  /** Lets a benchmark watch the ingest (IngestProbe in item.ts); undefined stops watching. */
  watch(probe: IngestProbe | undefined): void {
    this.probe = probe;
    this.batch.probe = probe;
    this.reach.probe = probe;
  }

  /** Commits everything queued, then sends acks and replies. */
  flush(): void {
    this.batch.flush();
  }

  /** Sends a message to a device where it was last heard; false when it has not been heard since start. */
  sendTo(serial: string, msg: DownMsg): boolean {
    return this.reach.sendTo(serial, msg);
  }

  /** Devices heard since start. */
  reachableDevices(): string[] {
    return this.reach.reachableDevices();
  }

  /**
   * A device came (back) online over MQTT. Devices subscribe with a clean session, so anything published to them
   * while they were away is lost: send the clock, and the config if the device is paired.
   */
  deviceOnline(serial: string, link: Link): void {
    /* Only devices that have sent a valid frame: a state message needs no CRC and could name any id. */
    if (!this.o.store.devices.get(serial)) return;
    const now = this.o.now();
    this.reach.heard(serial, link, undefined);
    this.reach.send(link, { t: "time", d: serial, ms: now });
    const config = configFor(this.o.store, this.o.defaults, serial, now);
    if (config) this.reach.send(link, config);
  }

  /** A device's MQTT state turned offline: what is published to it now is lost, so it is not reachable. */
  deviceOffline(serial: string): void {
    this.reach.forget(serial);
  }

  /** A link went away: forget the devices last heard on it. */
  linkClosed(link: Link): void {
    this.reach.linkClosed(link);
    this.receiver.linkClosed(link);
  }

  /** Commits and acks what has arrived; lines received after this are ignored. */
  stop(): void {
    this.flush();
    this.stopped = true;
  }
}
