/**
 * Caps and expiry of what unpaired devices and unknown boots leave behind (docs/gateway.md#floods, issue 15): a
 * flood of hellos with random serials, or of boot ids for one serial, must not grow the database or the pending
 * list without bound. Runs inside each batch's transaction: `before` notes which serials and boots are new, `after`
 * enforces the caps for them; at most once per `sweepMs` it expires what has gone quiet. What is dropped is never
 * a paired device, an event, or a boot an event belongs to (store/prune.ts). A log line says what was dropped, at
 * most once per `logMs`; the counts are kept for `loyalty status`.
 */
import type { Logger } from "../log.ts";
import type { PruneKind } from "../store/prune.ts";
import type { Store } from "../store/store.ts";
import type { Item } from "./item.ts";

export interface IngestLimits {
  pendingDevices: number;
  pendingDeviceTtlMs: number;
  bootsPerDevice: number;
  bootTtlMs: number;
  clockLogPerDevice: number;
}

/** The configuration's defaults (config/schema.ts), for an Ingest built without a configuration. */
export const DEFAULT_LIMITS: IngestLimits = { pendingDevices: 500, pendingDeviceTtlMs: 7 * 86_400_000, bootsPerDevice: 100, bootTtlMs: 30 * 86_400_000, clockLogPerDevice: 1000 };

export interface LimitsOptions {
  store: Pick<Store, "devices" | "boots" | "prune">;
  log: Logger;
  limits: IngestLimits;
  /** How often quiet pending devices and boots are looked for, ms. */
  sweepMs?: number;
  /** At most one log line about caps per this many ms. */
  logMs?: number;
  /** Told the serials of dropped pending devices (the ingest forgets where they were heard, so memory stays bounded). */
  forget?: (serial: string) => void;
}

export class PendingLimits {
  private newDevice = false;
  private readonly newBoots = new Set<string>();
  private readonly clockLogged = new Set<string>();
  private lastSweep = -Infinity;
  private lastLog = -Infinity;
  private unlogged = new Map<PruneKind, number>();

  constructor(private readonly o: LimitsOptions) {}

  /** Before the batch's handlers: notes the serials and boots the database does not know yet. */
  before(items: readonly Item[]): void {
    const { devices, boots } = this.o.store;
    const seen = new Set<string>();
    for (const { msg: m } of items) {
      const key = m.d + "\u0000" + m.b;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!this.newDevice && !devices.get(m.d)) this.newDevice = true;
      if (!boots.get(m.d, m.b)) this.newBoots.add(m.d);
      if (m.t !== "event") this.clockLogged.add(m.d);
    }
  }

  /** After the batch's handlers, in its transaction: enforces the caps, and expires what is due. */
  after(now: number): void {
    const { prune } = this.o.store;
    const l = this.o.limits;
    const dropped = new Map<PruneKind, number>();
    const add = (kind: PruneKind, n: number) => n > 0 && dropped.set(kind, (dropped.get(kind) ?? 0) + n);
    const gone = (kind: PruneKind, serials: string[]) => {
      add(kind, serials.length);
      if (this.o.forget) for (const s of serials) this.o.forget(s);
    };
    if (this.newDevice) gone("pending_capped", prune.dropOldestPending(prune.pendingCount() - l.pendingDevices));
    for (const serial of this.newBoots) add("boots_capped", prune.dropOldestBoots(serial, prune.bootCount(serial) - l.bootsPerDevice));
    for (const serial of this.clockLogged) add("clock_log_trimmed", prune.trimClockLog(serial, l.clockLogPerDevice));
    this.newDevice = false;
    this.newBoots.clear();
    this.clockLogged.clear();
    const expired = now - this.lastSweep >= (this.o.sweepMs ?? 60_000);
    if (expired) {
      this.lastSweep = now;
      gone("pending_expired", prune.expirePending(now - l.pendingDeviceTtlMs));
      add("boots_expired", prune.expireBoots(now - l.bootTtlMs));
    }
    for (const [kind, n] of dropped) {
      prune.count(kind, n, now);
      this.unlogged.set(kind, (this.unlogged.get(kind) ?? 0) + n);
    }
    if (this.unlogged.size > 0 && now - this.lastLog >= (this.o.logMs ?? 60_000)) {
      this.lastLog = now;
      const counts = Object.fromEntries(this.unlogged);
      this.unlogged = new Map();
      this.o.log.warn({ dropped: counts, limits: l }, "pending devices, spare boots or clock-log rows over their limits or expired were dropped (no paired device or stored event is touched; counts in loyalty status)");
    }
  }
}
