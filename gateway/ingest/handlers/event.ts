/**
 * `event` (docs/gateway.md, "Events and terminals"): the time it happened (unsynced events through the boot's
 * offset), the terminal it belongs to by the pairing history, stored once and acked after the commit; an event of
 * a device that was never paired is refused with `nack not_paired`, so the device keeps it. An unsynced event of
 * a boot never heard live (docs/gateway.md#clocks) is stored untimed: acked, kept, shown to the expert, and in no
 * survey or period, since its replay's arrival says nothing of when it was pressed. A synced event whose time is
 * ahead of its arrival past the clock tolerance, or before 2020, is stored untimed too (gateway/time/event-time.ts):
 * a wrong device clock must not put a press on a far day, and a refused event would be lost by the device.
 */
import type { EventMsg } from "../../../protocol/schemas.ts";
import type { BootRow } from "../../store/boots.ts";
import type { PairingRow } from "../../store/terminals.ts";
import type { Collected, Item } from "../item.ts";
import { syncedTimeFault, type UntimedReason } from "../../time/event-time.ts";
import { observeOffset } from "./clock.ts";
import type { HandlerContext } from "./context.ts";

export function onEvent(ctx: HandlerContext, m: EventMsg, it: Item, batch: Collected): void {
  const s = ctx.store;
  batch.seen.set(m.d, { link: it.link.id, ms: it.receivedMs });
  let at = m.ts;
  let reason: UntimedReason | undefined;
  if (m.sync === 0) {
    observeOffset(ctx, m.d, m.b, it.receivedMs - m.ts, it.receivedMs, false);
    const boot = s.boots.get(m.d, m.b) as BootRow;
    at = m.ts + boot.offsetMs;
    if (boot.liveMs === null) reason = "unheard_boot";
  } else {
    reason = syncedTimeFault(m.ts, it.receivedMs, ctx.clockToleranceMs);
    /* It was pressed before it arrived: the arrival is the latest it can have happened. */
    if (reason !== undefined) at = it.receivedMs;
  }
  const untimed = reason !== undefined;
  const pairing = pairingFor(ctx, m.d, at, batch);
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
    untimed,
    untimedReason: reason,
    atMs: at,
    receivedMs: it.receivedMs,
    terminalId: pairing?.terminalId ?? null,
    link: it.link.id,
  });
  if (stored) {
    ctx.stats.stored++;
    if (untimed) {
      ctx.stats.untimed++;
      if (reason === "unheard_boot") ctx.log.warn({ device: m.d, boot: m.b, seq: m.n, kind: m.k }, "unsynced event of a boot never heard live: stored untimed, in no survey");
      else ctx.log.warn({ device: m.d, boot: m.b, seq: m.n, kind: m.k, ts: m.ts, received: it.receivedMs, reason }, "synced event with a time the device clock cannot have had: stored untimed, in no survey");
    } else if (pairing) batch.rebuildFrom.set(pairing.terminalId, Math.min(batch.rebuildFrom.get(pairing.terminalId) ?? Infinity, at));
    else ctx.log.warn({ device: m.d, boot: m.b, seq: m.n, at }, "event recorded while the device was not paired: stored without a terminal");
  } else ctx.stats.duplicates++;
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
function pairingFor(ctx: HandlerContext, serial: string, at: number, batch: Collected): PairingRow | null | undefined {
  const t = ctx.store.terminals;
  if (!batch.pairings.has(serial)) batch.pairings.set(serial, t.currentPairing(serial));
  const current = batch.pairings.get(serial);
  if (current && current.fromMs <= at) return current;
  const covering = t.pairingAt(serial, at);
  if (covering) return covering;
  const first = t.firstPairing(serial);
  if (!first) return undefined;
  return at < first.fromMs ? current : null;
}
