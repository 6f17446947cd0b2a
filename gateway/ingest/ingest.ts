/**
 * Turns received lines into stored events and replies. Every line is decoded (length, CRC, zod); a bad one is
 * counted and never stops anything. Valid messages wait a few milliseconds and are stored together in one
 * transaction (group commit); acks go out only after that commit. See docs/gateway.md#ingest.
 */
import { gatewayEnd } from "../../protocol/endpoints.ts";
import { replCall } from "../../protocol/repl.ts";
import { nackSchema, type DownMsg, type EventMsg, type HelloMsg, type NackCode, type StatusMsg, type UpMsg } from "../../protocol/schemas.ts";
import type { Logger } from "../log.ts";
import type { Store } from "../store/store.ts";
import type { PairingRow } from "../store/terminals.ts";
import type { TerminalSettings } from "../surveys/model.ts";
import type { Link } from "./link.ts";
import { setBounded } from "./bounded.ts";
import { RejectCounter } from "./reject-counter.ts";
import { configFor } from "../terminals/config.ts";

export interface IngestOptions {
  store: Store;
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
}

interface Item {
  msg: UpMsg;
  link: Link;
  receivedMs: number;
}
interface Outgoing {
  link: Link;
  msg: DownMsg;
}

/** What one batch collects while it is stored, so that each device and terminal is written once per batch. */
interface Batch {
  out: Outgoing[];
  acks: Map<string, { link: Link; d: string; b: string; n: Set<number> }>;
  seen: Map<string, { link: string; ms: number }>;
  rebuildFrom: Map<string, number>;
  pairings: Map<string, PairingRow | undefined>;
}

export class Ingest {
  readonly rejects: RejectCounter;
  readonly stats = { received: 0, stored: 0, duplicates: 0, batches: 0 };
  private readonly end = gatewayEnd();
  private pending: Item[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Where each device was last heard, and whether it reads down frames through the REPL. */
  private readonly reachable = new Map<string, { link: Link; repl: boolean }>();
  private readonly deviceOnLink = new Map<string, string>();
  private readonly lastNack = new Map<string, number>();
  private readonly lastOffset = new Map<string, number>();

  constructor(private readonly o: IngestOptions) {
    this.rejects = new RejectCounter(o.log, o.now);
  }

  /** One line from a link: decode, check, and queue for the next commit. */
  receive(line: string, link: Link): void {
    /* After stop() the store may be closed: a line still on its way is dropped unacked, and the device resends it. */
    if (this.stopped) return;
    const now = this.o.now();
    const r = this.end.decode(line);
    if (!r.ok) {
      const device = this.deviceOnLink.get(link.id) ?? link.device;
      if (r.code === "bad_message" && device !== undefined) this.refuseEvent(line, link, device);
      return this.reject(link, r.code, r.reason, device);
    }
    const msg = r.msg;
    if (link.device !== undefined && msg.d !== link.device) {
      return this.reject(link, "wrong_device", `frame from ${msg.d} on the topic of ${link.device}`, link.device);
    }
    this.stats.received++;
    this.deviceOnLink.set(link.id, msg.d);
    this.remember(msg.d, link, msg.t === "hello" ? msg.cap.includes("repl") : undefined);
    this.o.log.debug({ link: link.id, t: msg.t, d: msg.d }, "frame");
    this.pending.push({ msg, link, receivedMs: now });
    if (this.pending.length >= this.o.batchMax) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.o.batchMs);
  }

  /** Commits everything queued, then sends acks and replies. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const items = this.pending;
    if (items.length === 0) return;
    this.pending = [];
    const batch: Batch = { out: [], acks: new Map(), seen: new Map(), rebuildFrom: new Map(), pairings: new Map() };
    const { out, acks } = batch;
    const s = this.o.store;
    try {
      s.tx(() => {
        for (const it of items) this.apply(it, batch);
        for (const [serial, seen] of batch.seen) s.devices.seen(serial, seen.link, seen.ms);
        for (const [terminal, from] of batch.rebuildFrom) s.derived.enqueue(terminal, from);
      });
      this.stats.batches++;
    } catch (err) {
      this.o.log.error({ err, frames: items.length }, "storing a batch failed; nothing acked, devices will send again");
      out.length = 0;
      acks.clear();
      const told = new Set<string>();
      for (const it of items) {
        if (it.msg.t === "event" && !told.has(it.msg.d)) {
          told.add(it.msg.d);
          out.push({ link: it.link, msg: { t: "nack", d: it.msg.d, code: "internal" } });
        }
      }
    }
    for (const a of acks.values()) {
      const n = [...a.n];
      for (let i = 0; i < n.length; i += 32) this.send(a.link, { t: "ack", d: a.d, b: a.b, n: n.slice(i, i + 32) });
    }
    for (const o of out) this.send(o.link, o.msg);
  }

  /** Sends a message to a device where it was last heard; false when it has not been heard since start. */
  sendTo(serial: string, msg: DownMsg): boolean {
    const r = this.reachable.get(serial);
    if (!r) return false;
    this.send(r.link, msg);
    return true;
  }

  /** Devices heard since start. */
  reachableDevices(): string[] {
    return [...this.reachable.keys()];
  }

  /**
   * A device came (back) online over MQTT. Devices subscribe with a clean session, so anything published to them
   * while they were away is lost: send the clock, and the config if the device is paired.
   */
  deviceOnline(serial: string, link: Link): void {
    /* Only devices that have sent a valid frame: a state message needs no CRC and could name any id. */
    if (!this.o.store.devices.get(serial)) return;
    const now = this.o.now();
    this.remember(serial, link, undefined);
    this.send(link, { t: "time", d: serial, ms: now });
    const config = configFor(this.o.store, this.o.defaults, serial, now);
    if (config) this.send(link, config);
  }

  /** A device's MQTT state turned offline: what is published to it now is lost, so it is not reachable. */
  deviceOffline(serial: string): void {
    this.reachable.delete(serial);
  }

  /** A link went away: forget the devices last heard on it. */
  linkClosed(link: Link): void {
    for (const [d, r] of this.reachable) if (r.link.id === link.id) this.reachable.delete(d);
    this.deviceOnLink.delete(link.id);
  }

  /** Commits and acks what has arrived; lines received after this are ignored. */
  stop(): void {
    this.flush();
    this.stopped = true;
  }

  private remember(serial: string, link: Link, repl: boolean | undefined): void {
    const known = this.reachable.get(serial);
    if (known && known.link === link && repl === undefined) return;
    const caps = repl === undefined && !known ? this.o.store.devices.get(serial)?.caps : undefined;
    this.reachable.set(serial, { link, repl: repl ?? known?.repl ?? caps?.includes("repl") ?? false });
  }

  private send(link: Link, msg: DownMsg): void {
    const e = this.end.encode(msg);
    if (!e.ok) {
      this.o.log.error({ link: link.id, code: e.code, reason: e.reason }, "could not encode a reply");
      return;
    }
    const repl = link.kind === "serial" && this.reachable.get(msg.d)?.repl === true;
    link.write(repl ? replCall(e.line) : e.line);
  }

  /*
   * An event that passed the CRC but breaks the schema will never be accepted: a nack with its b and n tells the
   * device to drop it (docs/protocol.md#nack), so that one bad event cannot block its outbox.
   */
  private refuseEvent(line: string, link: Link, device: string): void {
    let m: { t?: unknown; d?: unknown; b?: unknown; n?: unknown };
    try {
      const at = line.indexOf("~LB");
      m = JSON.parse(line.slice(line.indexOf("|", at) + 1, line.lastIndexOf("|"))) as typeof m;
    } catch {
      return;
    }
    const refused = { t: "nack" as const, d: device, code: "bad_message" as const, b: m.b, n: m.n };
    if (m && m.t === "event" && m.d === device && nackSchema.safeParse(refused).success) this.send(link, refused as DownMsg);
  }

  private reject(link: Link, code: NackCode, reason: string, device: string | undefined): void {
    const warned = this.rejects.count(link.id, code, reason);
    if (warned && code === "bad_version") this.o.log.warn({ link: link.id, device, reason }, "device speaks an unsupported protocol version");
    if (device === undefined) return;
    const now = this.o.now();
    if (now - (this.lastNack.get(link.id) ?? -Infinity) < this.o.nackIntervalMs) return;
    setBounded(this.lastNack, link.id, now);
    this.send(link, { t: "nack", d: device, code });
  }

  private apply(it: Item, batch: Batch): void {
    const m = it.msg;
    if (m.t === "hello") this.onHello(m, it, batch.out);
    else if (m.t === "status") this.onStatus(m, it, batch.out);
    else this.onEvent(m, it, batch);
  }

  private onHello(m: HelloMsg, it: Item, out: Outgoing[]): void {
    const s = this.o.store;
    s.devices.hello(m, it.link.id, it.receivedMs);
    this.observeOffset(m.d, m.b, it.receivedMs - m.up, it.receivedMs);
    out.push({ link: it.link, msg: { t: "time", d: m.d, ms: it.receivedMs } });
    s.boots.log(m.d, it.receivedMs, "time_sent", it.receivedMs);
    const config = configFor(s, this.o.defaults, m.d, it.receivedMs);
    if (config) out.push({ link: it.link, msg: config });
    else {
      /* A device unpaired while it was away may still hold its config: tell it again (harmless if it does not). */
      if (s.terminals.firstPairing(m.d)) out.push({ link: it.link, msg: { t: "unpair", d: m.d } });
      this.o.log.info({ device: m.d, role: m.role, fw: m.fw, link: it.link.id }, "device is not paired (pending)");
    }
  }

  private onStatus(m: StatusMsg, it: Item, out: Outgoing[]): void {
    this.o.store.devices.status(m, it.link.id, it.receivedMs);
    this.observeOffset(m.d, m.b, it.receivedMs - m.up, it.receivedMs);
    if (m.clk === undefined) return;
    const offset = it.receivedMs - m.clk;
    const last = this.lastOffset.get(m.d);
    if (last === undefined || Math.abs(offset - last) >= 50) {
      setBounded(this.lastOffset, m.d, offset);
      this.o.store.boots.log(m.d, it.receivedMs, "offset", offset);
    }
    if (Math.abs(offset) > this.o.clockToleranceMs) {
      out.push({ link: it.link, msg: { t: "time", d: m.d, ms: it.receivedMs } });
      this.o.store.boots.log(m.d, it.receivedMs, "time_sent", it.receivedMs);
    }
  }

  private onEvent(m: EventMsg, it: Item, batch: Batch): void {
    const s = this.o.store;
    batch.seen.set(m.d, { link: it.link.id, ms: it.receivedMs });
    let at = m.ts;
    if (m.sync === 0) {
      this.observeOffset(m.d, m.b, it.receivedMs - m.ts, it.receivedMs);
      at = m.ts + (s.boots.offset(m.d, m.b) as number);
    }
    const pairing = this.pairingFor(m.d, at, batch);
    if (pairing === undefined) {
      batch.out.push({ link: it.link, msg: { t: "nack", d: m.d, code: "not_paired" } });
      return;
    }
    const stored = s.events.insert({
      serial: m.d,
      boot: m.b,
      seq: m.n,
      kind: m.k,
      btn: m.btn ?? null,
      ts: m.ts,
      synced: m.sync === 1,
      atMs: at,
      receivedMs: it.receivedMs,
      terminalId: pairing?.terminalId ?? null,
      link: it.link.id,
    });
    if (stored) {
      this.stats.stored++;
      if (pairing) batch.rebuildFrom.set(pairing.terminalId, Math.min(batch.rebuildFrom.get(pairing.terminalId) ?? Infinity, at));
      else this.o.log.warn({ device: m.d, boot: m.b, seq: m.n, at }, "event recorded while the device was not paired: stored without a terminal");
    } else this.stats.duplicates++;
    const key = it.link.id + "\u0000" + m.d + "\u0000" + m.b;
    const a = batch.acks.get(key) ?? { link: it.link, d: m.d, b: m.b, n: new Set<number>() };
    a.n.add(m.n);
    batch.acks.set(key, a);
  }

  /*
   * The terminal an event belongs to: the pairing in force at its time; else, for an event older than the device's
   * first pairing here (a gateway whose database was replaced), its current pairing. `null`: the event falls
   * between two pairings (recorded after an unpair that had not reached the device yet): stored, in no terminal.
   * `undefined`: the device is not paired at all, so the event is refused and kept by the device.
   */
  private pairingFor(serial: string, at: number, batch: Batch): PairingRow | null | undefined {
    const t = this.o.store.terminals;
    if (!batch.pairings.has(serial)) batch.pairings.set(serial, t.currentPairing(serial));
    const current = batch.pairings.get(serial);
    if (current && current.fromMs <= at) return current;
    const covering = t.pairingAt(serial, at);
    if (covering) return covering;
    const first = t.firstPairing(serial);
    if (!first) return undefined;
    return at < first.fromMs ? current : null;
  }

  /* A better (smaller) offset for a boot re-times its unsynced events and queues their terminals. */
  private observeOffset(serial: string, boot: string, candidate: number, now: number): void {
    const s = this.o.store;
    const improved = s.boots.observe(serial, boot, candidate, now);
    if (improved === undefined) return;
    for (const [terminal, from] of s.events.retime(serial, boot, improved)) s.derived.enqueue(terminal, from);
  }
}
