/**
 * Group commit (docs/gateway.md#ingest, "Group commit" and "Ack after commit"): valid messages wait at most
 * `batchMs` or until `batchMax` are queued, and are stored in one transaction (one fsync per batch, not per
 * event). Only when it has committed are the acks sent, one per device and boot with up to 32 sequence numbers
 * each, then the replies. If the commit fails nothing is acked and every device in the batch gets `nack internal`.
 */
import { GatewayError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Store } from "../store/store.ts";
import type { HandlerContext } from "./handlers/context.ts";
import { handle } from "./handlers/index.ts";
import type { Collected, IngestProbe, IngestStats, Item } from "./item.ts";
import type { PendingLimits } from "./limits.ts";
import type { Reachability } from "./reachability.ts";

export interface BatchOptions {
  store: Pick<Store, "tx" | "devices" | "derived">;
  log: Logger;
  /** Longest wait before a batch is committed, ms. */
  batchMs: number;
  /** A batch this large is committed at once. */
  batchMax: number;
  /** Called after each batch is committed and acked (the alert engine's nudge); must return at once. */
  committed?: (() => void) | undefined;
}

export class Batch {
  /** Set by Ingest.watch (benchmarks). */
  probe: IngestProbe | undefined;
  private pending: Item[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Batches refused since the disk filled (store/disk-full.ts); logged once storing resumes. */
  private refusedForDisk = 0;

  constructor(
    private readonly o: BatchOptions,
    private readonly handlers: HandlerContext,
    private readonly reach: Reachability,
    private readonly stats: IngestStats,
    private readonly limits: PendingLimits,
  ) {}

  /** Queues one message for the next commit. */
  add(item: Item): void {
    this.pending.push(item);
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
    const t0 = this.probe?.committed ? performance.now() : 0;
    const batch: Collected = { out: [], acks: new Map(), seen: new Map(), rebuildFrom: new Map(), pairings: new Map() };
    const { out, acks } = batch;
    let committed = false;
    const s = this.o.store;
    try {
      s.tx(() => {
        this.limits.before(items);
        for (const it of items) handle(this.handlers, it, batch);
        for (const [serial, seen] of batch.seen) s.devices.seen(serial, seen.link, seen.ms);
        for (const [terminal, from] of batch.rebuildFrom) s.derived.enqueue(terminal, from);
        this.limits.after(items[items.length - 1]!.receivedMs);
      });
      this.stats.batches++;
      committed = true;
      if (this.refusedForDisk) this.o.log.warn({ refused: this.refusedForDisk }, "the disk has room again; storing resumed");
      this.refusedForDisk = 0;
    } catch (err) {
      /* While the disk is full (store/disk-full.ts) every batch is refused: the first failure is the error worth a stack. */
      if (err instanceof GatewayError && err.code === "disk_full") {
        this.refusedForDisk++;
        this.o.log.debug({ frames: items.length, reason: err.message }, "batch refused, disk full; nothing acked, devices will send again");
      } else this.o.log.error({ err, frames: items.length }, "storing a batch failed; nothing acked, devices will send again");
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
      for (let i = 0; i < n.length; i += 32) this.reach.send(a.link, { t: "ack", d: a.d, b: a.b, n: n.slice(i, i + 32) });
    }
    for (const o of out) this.reach.send(o.link, o.msg);
    this.probe?.committed?.(performance.now() - t0);
    if (committed && this.o.committed) {
      try {
        this.o.committed();
      } catch (err) {
        this.o.log.error({ err }, "a listener of committed batches failed; ingest goes on");
      }
    }
  }
}
