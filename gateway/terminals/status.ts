/**
 * What `loyalty status` shows: each device with its terminal, online/offline by heartbeat, health from its last
 * status, clock offset and drift; rejected frames by reason; pending devices and what the flood limits dropped;
 * and how many events are untimed (in no survey, for the expert: docs/reports.md#expert-review). Read-only over the
 * store.
 */
import type { PruneCount } from "../store/prune.ts";
import type { Store } from "../store/store.ts";
import type { TerminalSettings } from "../surveys/model.ts";
import { settingsOf } from "./config.ts";

export interface DeviceStatus {
  serial: string;
  terminal: string | null;
  role: string | null;
  state: "online" | "offline" | "pending";
  lastSeenMs: number;
  link: string | null;
  fw: string | null;
  outbox: number | null;
  dropped: number | null;
  mem: number | null;
  vcc: number | null;
  /** Gateway clock minus device clock at the last status, ms (null before the device reports its clock). */
  clockOffsetMs: number | null;
  /** Device clock drift since the last sync, parts per million (positive: the device runs slow). */
  driftPpm: number | null;
}

export interface StatusReport {
  now: number;
  devices: DeviceStatus[];
  rejects: { link: string; code: string; count: number; lastReason: string | null; lastMs: number | null }[];
  events: number;
  /** Pending devices now (never paired, no stored event). */
  pending: number;
  /** What the flood limits dropped since the database was made, by kind (docs/gateway.md#floods). */
  dropped: PruneCount[];
  /** Untimed events stored, all days; `unpaired`: of them, those that arrived when their device was paired to no terminal. */
  untimed: { events: number; unpaired: number };
}

/** A device is offline after this many heartbeats without a frame. */
export const MISSED_HEARTBEATS = 3;

function drift(log: { atMs: number; kind: string; valueMs: number }[]): number | null {
  const since: { atMs: number; valueMs: number }[] = [];
  for (const r of log) {
    if (r.kind === "time_sent") break;
    since.push(r);
  }
  if (since.length < 2) return null;
  const last = since[0]!;
  const first = since[since.length - 1]!;
  const span = last.atMs - first.atMs;
  return span < 60_000 ? null : Math.round(((last.valueMs - first.valueMs) / span) * 1e6);
}

export function statusReport(store: Pick<Store, "devices" | "terminals" | "settings" | "boots" | "rejects" | "events" | "prune">, defaults: TerminalSettings, now: number): StatusReport {
  const devices = store.devices.all().map((d): DeviceStatus => {
    const pairing = store.terminals.currentPairing(d.serial);
    const hb = pairing ? settingsOf(store, defaults, pairing.terminalId)(now).heartbeatMs : defaults.heartbeatMs;
    const log = store.boots.recent(d.serial, 50);
    const offset = log.find((r) => r.kind === "offset");
    return {
      serial: d.serial,
      terminal: pairing?.terminalId ?? null,
      role: pairing?.role ?? d.role,
      state: !pairing ? "pending" : now - d.lastSeenMs <= MISSED_HEARTBEATS * hb ? "online" : "offline",
      lastSeenMs: d.lastSeenMs,
      link: d.link,
      fw: d.fw,
      outbox: d.outbox,
      dropped: d.dropped,
      mem: d.mem,
      vcc: d.vcc,
      clockOffsetMs: offset?.valueMs ?? null,
      driftPpm: drift(log),
    };
  });
  return { now, devices, rejects: store.rejects.all(), events: store.events.count(), pending: store.prune.pendingCount(), dropped: store.prune.counts(), untimed: store.events.untimedTotals() };
}
