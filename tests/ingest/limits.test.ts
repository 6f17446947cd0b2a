/**
 * Caps and expiry of pending devices, spare boots and clock logs (docs/gateway.md#floods), through the ingest on a
 * real SQLite file with a controlled clock: what goes quiet expires, a paired device, its events and the boots they
 * belong to stay however old, and the log says what was dropped once per minute, not once per frame.
 */
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { Ingest } from "../../gateway/ingest/ingest.ts";
import type { IngestLimits } from "../../gateway/ingest/limits.ts";
import type { Link } from "../../gateway/ingest/link.ts";
import type { TerminalSettings } from "../../gateway/surveys/model.ts";
import { pair } from "../../gateway/terminals/manage.ts";
import { deviceEnd } from "../../protocol/endpoints.ts";
import type { UpMsg } from "../../protocol/schemas.ts";
import { tempStore } from "../support/store.ts";

const T0 = Date.UTC(2026, 10, 23, 9);
const DAY = 86_400_000;
const DEFAULTS: TerminalSettings = { questionKind: "staff", questionText: "", employee: null, windowMs: 30_000, longMs: 3000, fmMaxMs: 1_800_000, heartbeatMs: 60_000 };
const LIMITS: IngestLimits = { pendingDevices: 3, pendingDeviceTtlMs: 7 * DAY, bootsPerDevice: 4, bootTtlMs: 30 * DAY, clockLogPerDevice: 50 };

function setup() {
  const store = tempStore();
  let now = T0;
  const lines: { msg: string; dropped?: Record<string, number> }[] = [];
  const log = pino({ level: "info" }, { write: (s: string) => void lines.push(JSON.parse(s) as (typeof lines)[number]) });
  const ingest = new Ingest({ store, log, now: () => now, defaults: DEFAULTS, batchMs: 1000, batchMax: 10_000, nackIntervalMs: 0, clockToleranceMs: 2000, limits: LIMITS });
  const dev = deviceEnd();
  const l: Link = { id: "serial:/dev/d", kind: "serial", write: () => undefined };
  const send = (...ms: UpMsg[]) => {
    for (const m of ms) {
      const r = dev.encode(m);
      if (!r.ok) throw new Error(r.reason);
      ingest.receive(r.line, l);
    }
    ingest.flush();
  };
  const hello = (d: string, b = "b1"): UpMsg => ({ t: "hello", d, b, fw: "1", pv: "1.0", role: "combo", cap: [], up: 1000 });
  const devices = () => store.devices.all().map((d) => d.serial);
  const boots = (d: string) => (store.db.prepare("SELECT boot FROM boots WHERE serial = ? ORDER BY boot").pluck().all(d) as string[]);
  const dropped = () => Object.fromEntries(store.prune.counts().map((c) => [c.kind, c.count]));
  const warnings = () => lines.filter((x) => x.dropped !== undefined);
  return { store, send, hello, devices, boots, dropped, warnings, tick: (ms: number) => (now += ms), now: () => now };
}

describe("ingest limits", () => {
  it("caps pending devices by dropping the least recently heard, never a paired one, and logs once per minute", () => {
    const { store, send, hello, devices, dropped, warnings, tick } = setup();
    send(hello("P"));
    pair(store, { serial: "P", store: "s", point: "p", question: "staff", timeZone: "UTC" }, T0);
    for (const d of ["A", "B", "C"]) {
      tick(1000);
      send(hello(d));
    }
    expect(warnings()).toHaveLength(0);
    tick(1000);
    send(hello("A")); /* heard again: now the most recent */
    tick(1000);
    send(hello("D"), hello("E"));
    expect(devices()).toEqual(["A", "D", "E", "P"]);
    expect(store.prune.pendingCount()).toBe(3);
    expect(dropped()).toEqual({ pending_capped: 2 });
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.dropped).toEqual({ pending_capped: 2 });
    for (const d of ["F", "G", "H"]) {
      tick(1000);
      send(hello(d));
    }
    expect(warnings()).toHaveLength(1); /* within the minute: counted, not logged again */
    tick(60_000);
    send(hello("I"));
    expect(warnings()).toHaveLength(2);
    expect(warnings()[1]!.dropped).toEqual({ pending_capped: 4 });
    expect(dropped()).toEqual({ pending_capped: 6 });
    expect(devices()).toContain("P");
  });

  it("caps a device's boots without touching the current one or one that carries an event; trims its clock log", () => {
    const { store, send, hello, boots, dropped } = setup();
    send(hello("P", "b00"));
    pair(store, { serial: "P", store: "s", point: "p", question: "staff", timeZone: "UTC" }, T0);
    send({ t: "event", d: "P", b: "b00", n: 1, k: "yes", ts: T0, sync: 1 });
    for (let i = 1; i <= 60; i++) send(hello("P", `b${String(i).padStart(2, "0")}`));
    expect(boots("P")).toEqual(["b00", "b58", "b59", "b60"]);
    expect(store.events.count()).toBe(1);
    expect(dropped()).toMatchObject({ boots_capped: 57, clock_log_trimmed: 61 - LIMITS.clockLogPerDevice });
    expect(store.db.prepare("SELECT count(*) FROM clock_log WHERE serial = 'P'").pluck().get()).toBe(LIMITS.clockLogPerDevice);
  });

  it("expires pending devices gone quiet and old spare boots; a paired device, its events and their boots stay", () => {
    const { store, send, hello, devices, boots, dropped, tick } = setup();
    send(hello("P", "old"));
    pair(store, { serial: "P", store: "s", point: "p", question: "staff", timeZone: "UTC" }, T0);
    send({ t: "event", d: "P", b: "old", n: 1, k: "yes", ts: T0, sync: 1 });
    send(hello("P", "spare"), hello("P", "current"), hello("Q"));
    tick(6 * DAY);
    send(hello("R"));
    expect(devices()).toEqual(["P", "Q", "R"]);
    tick(DAY + 1000);
    send(hello("S"));
    expect(devices()).toEqual(["P", "R", "S"]);
    expect(dropped()).toEqual({ pending_expired: 1 });
    tick(30 * DAY);
    send({ t: "status", d: "P", b: "current", up: 5000, q: 0, drop: 0 });
    expect(boots("P")).toEqual(["current", "old"]);
    expect(devices()).toEqual(["P"]);
    expect(dropped()).toEqual({ pending_expired: 3, boots_expired: 1 });
    expect(store.events.count()).toBe(1);
  });
});
