/**
 * Unsynced events of a boot the gateway never heard live (docs/gateway.md#clocks, docs/decisions.md "An unsynced
 * event whose boot was never heard live is untimed"): a terminal whose cable was out for a whole boot reboots and
 * replays that boot's outbox. Those presses have no date, so they must open, fill and start nothing; they are
 * stored, acked once, and shown to the expert. The ingest runs on a real SQLite file with a controlled clock.
 */
import { describe, expect, it } from "vitest";
import { Ingest } from "../../gateway/ingest/ingest.ts";
import type { Link } from "../../gateway/ingest/link.ts";
import { silentLogger } from "../../gateway/log.ts";
import { configSchema } from "../../gateway/config/schema.ts";
import { makeReport } from "../../gateway/reports/report.ts";
import { reviewUntimed } from "../../gateway/review/list.ts";
import { AHEAD_MARGIN_MS } from "../../gateway/time/event-time.ts";
import { rebuildQueued } from "../../gateway/surveys/rebuild.ts";
import type { TerminalSettings } from "../../gateway/surveys/model.ts";
import { pair, unpair } from "../../gateway/terminals/manage.ts";
import { deviceEnd } from "../../protocol/endpoints.ts";
import type { DownMsg, EventMsg, UpMsg } from "../../protocol/schemas.ts";
import { tempStore } from "../support/store.ts";

const T0 = Date.UTC(2026, 10, 23, 9);
const DEFAULTS: TerminalSettings = { questionKind: "staff", questionText: "", employee: null, windowMs: 30_000, longMs: 3000, fmMaxMs: 1_800_000, heartbeatMs: 60_000 };
const ALL = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] as const;

/** Device D, paired as terminal s.p, now in boot NOW (its hello arrived at T0 with 1 s of uptime); OLD was never heard. */
function setup() {
  const store = tempStore();
  let now = T0;
  const ingest = new Ingest({ store, log: silentLogger(), now: () => now, defaults: DEFAULTS, batchMs: 1000, batchMax: 10_000, nackIntervalMs: 0, clockToleranceMs: 2000 });
  const dev = deviceEnd();
  const written: string[] = [];
  const l: Link = { id: "serial:/dev/d", kind: "serial", write: (t) => void written.push(t) };
  const send = (m: UpMsg) => {
    const r = dev.encode(m);
    if (!r.ok) throw new Error(r.reason);
    ingest.receive(r.line, l);
    ingest.flush();
  };
  const acks = () => written.map((w) => dev.decode(w)).flatMap((r) => (r.ok && r.msg.t === "ack" ? [r.msg] : [])) as Extract<DownMsg, { t: "ack" }>[];
  const ev = (b: string, n: number, k: EventMsg["k"], ts: number, sync: 0 | 1): EventMsg => ({ t: "event", d: "D", b, n, k, ts, sync });
  send({ t: "hello", d: "D", b: "NOW", fw: "1", pv: "1.0", role: "combo", cap: [], up: 1000 });
  pair(store, { serial: "D", store: "s", point: "p", question: "staff", timeZone: "UTC" }, 0);
  const derived = () => {
    rebuildQueued(store, DEFAULTS);
    return {
      surveys: store.derived.surveys("s.p", ...ALL).map((s) => ({ opened: s.openedAt, answer: s.answer, by: s.answerEventId })),
      periods: store.derived.periods("s.p", ...ALL).length,
      unsolicited: store.derived.unsolicitedCount("s.p", ...ALL),
    };
  };
  const rows = () => store.db.prepare("SELECT boot, seq, kind, untimed, at_ms AS at FROM events ORDER BY id").all();
  const nacks = () => written.map((w) => dev.decode(w)).flatMap((r) => (r.ok && r.msg.t === "nack" ? [r.msg] : []));
  /** The day's surveys in the report (the gateway's own report path: rebuild, rollups, build). */
  const reported = (day: string) => makeReport(store, configSchema.parse({ database: store.db.name }), { from: day, to: day, groupBy: [] }, now).total.representativeness.surveys;
  return { store, ingest, send, acks, nacks, ev, derived, rows, reported, tick: (ms: number) => (now += ms) };
}

describe("unsynced events of a boot never heard live", () => {
  it("are stored untimed: a replayed short press opens no survey that a real answer fills, a replayed long press starts no period", () => {
    const { send, ev, derived, rows, acks, tick } = setup();
    tick(60_000);
    send(ev("OLD", 1, "short", 5_000, 0));
    send(ev("OLD", 2, "long", 9_000, 0));
    tick(2_000);
    send(ev("NOW", 1, "yes", T0 + 62_000, 1));
    expect(rows()).toEqual([
      { boot: "OLD", seq: 1, kind: "short", untimed: 1, at: T0 + 56_000 },
      { boot: "OLD", seq: 2, kind: "long", untimed: 1, at: T0 + 60_000 },
      { boot: "NOW", seq: 1, kind: "yes", untimed: 0, at: T0 + 62_000 },
    ]);
    expect(derived()).toEqual({ surveys: [], periods: 0, unsolicited: 1 });
    expect(acks().map((a) => [a.b, a.n])).toEqual([["OLD", [1]], ["OLD", [2]], ["NOW", [1]]]);
  });

  it("do not fill a real survey: a replayed answer arriving inside a real window leaves it silent", () => {
    const { send, ev, derived, tick } = setup();
    tick(10_000);
    send(ev("NOW", 1, "short", T0 + 10_000, 1));
    tick(1_000);
    send(ev("OLD", 3, "yes", 12_000, 0));
    expect(derived()).toEqual({ surveys: [{ opened: T0 + 10_000, answer: "silent", by: null }], periods: 0, unsolicited: 0 });
  });

  it("are stored once however often the device replays them, and acked every time", () => {
    const { send, ev, rows, acks, ingest, tick } = setup();
    send(ev("OLD", 4, "no", 3_000, 0));
    tick(5_000);
    send(ev("OLD", 4, "no", 3_000, 0));
    expect(rows()).toHaveLength(1);
    expect(ingest.stats).toMatchObject({ stored: 1, duplicates: 1, untimed: 1 });
    expect(acks().map((a) => [a.b, a.n])).toEqual([["OLD", [4]], ["OLD", [4]]]);
  });

  it("leave the current boot's unsynced events and every synced event placed as before", () => {
    const { send, ev, rows, derived, tick } = setup();
    tick(4_000);
    send(ev("NOW", 1, "short", 4_500, 0));
    send(ev("OLD", 9, "yes", T0 + 5_000, 1));
    expect(rows()).toEqual([
      { boot: "NOW", seq: 1, kind: "short", untimed: 0, at: T0 - 1000 + 4_500 },
      { boot: "OLD", seq: 9, kind: "yes", untimed: 0, at: T0 + 5_000 },
    ]);
    expect(derived().surveys).toEqual([{ opened: T0 + 3_500, answer: "yes", by: 2 }]);
  });

  it("are placed, and their terminal rebuilt, when a live frame of their boot arrives after them (a lost hello)", () => {
    const { send, ev, rows, derived, store, tick } = setup();
    tick(100_000);
    send(ev("NEW", 1, "short", 2_000, 0));
    send(ev("NEW", 2, "yes", 3_000, 0));
    expect(derived().surveys).toEqual([]);
    tick(60_000);
    send({ t: "status", d: "D", b: "NEW", up: 63_500, q: 0, drop: 0 });
    const offset = T0 + 160_000 - 63_500;
    expect(store.boots.offset("D", "NEW")).toBe(offset);
    expect(rows().slice(0, 2)).toEqual([
      { boot: "NEW", seq: 1, kind: "short", untimed: 0, at: offset + 2_000 },
      { boot: "NEW", seq: 2, kind: "yes", untimed: 0, at: offset + 3_000 },
    ]);
    expect(derived().surveys).toEqual([{ opened: offset + 2_000, answer: "yes", by: 2 }]);
  });

  it("are listed for the expert with a count, by the day they arrived", () => {
    const { store, send, ev, tick } = setup();
    tick(60_000);
    send(ev("OLD", 1, "short", 5_000, 0));
    send(ev("OLD", 2, "yes", 6_000, 0));
    const list = reviewUntimed(store, { from: "2026-11-23", to: "2026-11-23" }, "UTC");
    expect(list.total).toBe(2);
    expect(list.items.map((e) => [e.terminal, e.device, e.boot, e.seq, e.kind, e.received, e.latest])).toEqual([
      ["s.p", "D", "OLD", 1, "short", "2026-11-23 09:01:00", "2026-11-23 09:00:59"],
      ["s.p", "D", "OLD", 2, "yes", "2026-11-23 09:01:00", "2026-11-23 09:01:00"],
    ]);
    expect(reviewUntimed(store, { from: "2026-11-22", to: "2026-11-22" }, "UTC").total).toBe(0);
  });

  it("are listed with no terminal when their device was paired to none when they arrived, unless the list is of a store or terminal", () => {
    const { store, send, ev, tick } = setup();
    tick(60_000);
    send(ev("OLD", 1, "short", 5_000, 0));
    unpair(store, "D", tick(1_000));
    tick(1_000);
    send(ev("GONE", 1, "yes", 5_000, 0));
    expect(store.events.untimedTotals()).toEqual({ events: 2, unpaired: 1 });
    const list = reviewUntimed(store, { from: "2026-11-23", to: "2026-11-23" }, "Europe/Moscow");
    expect(list.total).toBe(2);
    expect(list.items.map((e) => [e.terminal, e.store, e.device, e.kind, e.received])).toEqual([
      ["s.p", "s", "D", "short", "2026-11-23 09:01:00"],
      [null, null, "D", "yes", "2026-11-23 12:01:02"],
    ]);
    expect(reviewUntimed(store, { from: "2026-11-23", to: "2026-11-23", terminals: ["s.p"] }, "UTC").total).toBe(1);
    expect(reviewUntimed(store, { from: "2026-11-23", to: "2026-11-23", stores: ["s"] }, "UTC").items.map((e) => e.boot)).toEqual(["OLD"]);
  });
});

describe("synced events with a time their device's clock cannot have had", () => {
  const YEAR = 365.25 * 86_400_000;
  const reasons = (store: ReturnType<typeof setup>["store"]) =>
    store.db.prepare("SELECT seq, untimed, untimed_reason AS reason, at_ms AS at FROM events ORDER BY id").all();

  it("are stored untimed, acked, and counted on no day: 2100-01-01, fifty years ahead, before 2020; the limit itself is timed", () => {
    const { store, send, ev, acks, nacks, reported, derived, ingest, tick } = setup();
    tick(60_000);
    const arrived = T0 + 60_000;
    const fifty = T0 + Math.round(50 * YEAR);
    send(ev("NOW", 1, "short", Date.UTC(2100, 0, 1), 1));
    send(ev("NOW", 2, "short", fifty, 1));
    send(ev("NOW", 3, "short", 5_000, 1));
    send(ev("NOW", 4, "short", arrived + 2000 + AHEAD_MARGIN_MS + 1, 1));
    send(ev("NOW", 5, "short", arrived + 2000 + AHEAD_MARGIN_MS, 1));
    expect(reasons(store)).toEqual([
      { seq: 1, untimed: 1, reason: "ahead", at: arrived },
      { seq: 2, untimed: 1, reason: "ahead", at: arrived },
      { seq: 3, untimed: 1, reason: "before_2020", at: arrived },
      { seq: 4, untimed: 1, reason: "ahead", at: arrived },
      { seq: 5, untimed: 0, reason: null, at: arrived + 2000 + AHEAD_MARGIN_MS },
    ]);
    expect(acks().map((a) => a.n)).toEqual([[1], [2], [3], [4], [5]]);
    expect(nacks()).toEqual([]);
    expect(ingest.stats).toMatchObject({ stored: 5, untimed: 4 });
    expect(derived().surveys).toEqual([{ opened: arrived + 2000 + AHEAD_MARGIN_MS, answer: "silent", by: null }]);
    expect(reported("2026-11-23")).toBe(1);
    expect(reported("2100-01-01")).toBe(0);
    expect(reported(new Date(fifty).toISOString().slice(0, 10))).toBe(0);
  });

  it("do not answer a real survey, and stay untimed when their boot is heard live again", () => {
    const { store, send, ev, derived, tick } = setup();
    tick(10_000);
    send(ev("NOW", 1, "short", T0 + 10_000, 1));
    tick(1_000);
    send(ev("NOW", 2, "yes", T0 + 11_000 + 3_600_000, 1));
    tick(60_000);
    send({ t: "status", d: "D", b: "NOW", up: 72_000, q: 0, drop: 0 });
    send({ t: "hello", d: "D", b: "NOW", fw: "1", pv: "1.0", role: "combo", cap: [], up: 72_500 });
    expect(reasons(store)).toEqual([
      { seq: 1, untimed: 0, reason: null, at: T0 + 10_000 },
      { seq: 2, untimed: 1, reason: "ahead", at: T0 + 11_000 },
    ]);
    expect(derived().surveys).toEqual([{ opened: T0 + 10_000, answer: "silent", by: null }]);
  });

  it("are listed for the expert with why, and the time the device's clock gave", () => {
    const { store, send, ev, tick } = setup();
    tick(60_000);
    send(ev("NOW", 1, "yes", Date.UTC(2100, 0, 1), 1));
    send(ev("OLD", 1, "no", 4_000, 0));
    const list = reviewUntimed(store, { from: "2026-11-23", to: "2026-11-23" }, "UTC");
    expect(list.items.map((e) => [e.boot, e.kind, e.reason, e.deviceClock, e.received, e.latest])).toEqual([
      ["NOW", "yes", "ahead", "2100-01-01 00:00:00", "2026-11-23 09:01:00", "2026-11-23 09:01:00"],
      ["OLD", "no", "unheard_boot", null, "2026-11-23 09:01:00", "2026-11-23 09:01:00"],
    ]);
  });
});
