/**
 * The ingest core on a real SQLite file with links that record what they are sent (the transports are tested
 * with real ports and brokers in the integration tests). A controlled clock makes the offsets exact.
 */
import { describe, expect, it } from "vitest";
import { Ingest } from "../../gateway/ingest/ingest.ts";
import type { Link } from "../../gateway/ingest/link.ts";
import { silentLogger } from "../../gateway/log.ts";
import { rebuildDerived } from "../../gateway/surveys/rebuild.ts";
import { pair } from "../../gateway/terminals/manage.ts";
import { crc32 } from "../../protocol/crc32.ts";
import { deviceEnd } from "../../protocol/endpoints.ts";
import { hex8 } from "../../protocol/frame.ts";
import type { DownMsg, UpMsg } from "../../protocol/schemas.ts";
import { tempStore } from "../support/store.ts";

/** The gateway clock at the start of each test: a real date, since `time` must carry one. */
const T0 = Date.UTC(2026, 10, 23, 9);

function setup() {
  const store = tempStore();
  let now = T0;
  const ingest = new Ingest({
    store,
    log: silentLogger(),
    now: () => now,
    defaults: { questionKind: "staff", questionText: "", employee: null, windowMs: 30_000, longMs: 3000, fmMaxMs: 1_800_000, heartbeatMs: 60_000 },
    batchMs: 1000,
    batchMax: 10_000,
    nackIntervalMs: 0,
    clockToleranceMs: 2000,
  });
  const dev = deviceEnd();
  const link = (id: string, kind: Link["kind"] = "serial", device?: string) => {
    const written: string[] = [];
    const l: Link & { written: string[]; got(): DownMsg[] } = {
      id,
      kind,
      ...(device ? { device } : {}),
      written,
      write: (t) => void written.push(t),
      got: () => written.map((w) => dev.decode(w.startsWith("\x10") ? (JSON.parse(w.slice(4, -2)) as string) : w)).flatMap((r) => (r.ok ? [r.msg] : [])),
    };
    return l;
  };
  const send = (l: Link, m: UpMsg) => {
    const r = dev.encode(m);
    if (!r.ok) throw new Error(r.reason);
    ingest.receive(r.line, l);
  };
  return { store, ingest, link, send, tick: (ms: number) => (now += ms), at: () => now };
}

describe("ingest", () => {
  it("converts unsynced times with the offset learned for the boot, and re-times them when it improves", () => {
    const { store, ingest, link, send, tick } = setup();
    const l = link("serial:/dev/x");
    send(l, { t: "hello", d: "D", b: "B1", fw: "1", pv: "1.0", role: "combo", cap: [], up: 1000 });
    ingest.flush();
    pair(store, { serial: "D", store: "s", point: "p", question: "staff", timeZone: "UTC" }, 0);
    tick(5000);
    send(l, { t: "event", d: "D", b: "B1", n: 1, k: "short", ts: 5000, sync: 0 });
    ingest.flush();
    const at = () => store.db.prepare("SELECT at_ms AS at FROM events WHERE seq = 1").get();
    expect(at()).toEqual({ at: T0 - 1000 + 5000 });
    expect(store.db.prepare("SELECT untimed FROM events").get()).toEqual({ untimed: 0 });
    rebuildDerived(store, "s.p", 0, () => ({ questionKind: "staff", questionText: "", employee: null, windowMs: 30_000, longMs: 3000, fmMaxMs: 1_800_000, heartbeatMs: 60_000 }));
    tick(3500);
    send(l, { t: "status", d: "D", b: "B1", up: 10_000, q: 0, drop: 0 });
    ingest.flush();
    expect(store.boots.offset("D", "B1")).toBe(T0 - 1500);
    expect(at()).toEqual({ at: T0 - 1500 + 5000 });
    expect(store.derived.queued()).toEqual([{ terminalId: "s.p", fromMs: T0 + 3500 }]);
  });

  it("stores an unsynced event of a boot never heard live as untimed, bounded by its arrival, and acks it", () => {
    const { store, ingest, link, send } = setup();
    const l = link("serial:/dev/y");
    store.devices.seen("E", "x", 0);
    pair(store, { serial: "E", store: "s", point: "q", question: "staff", timeZone: "UTC" }, 0);
    send(l, { t: "event", d: "E", b: "OLD", n: 7, k: "yes", ts: 2000, sync: 0 });
    ingest.flush();
    expect(store.db.prepare("SELECT at_ms AS at, untimed FROM events").get()).toEqual({ at: T0, untimed: 1 });
    expect(store.derived.queued()).toEqual([]);
    expect(ingest.stats.untimed).toBe(1);
    expect(l.got()).toEqual([{ t: "ack", d: "E", b: "OLD", n: [7] }]);
  });

  it("refuses events of a device that is not paired, keeping them on the device", () => {
    const { store, ingest, link, send } = setup();
    const l = link("serial:/dev/z");
    send(l, { t: "event", d: "P", b: "B", n: 1, k: "yes", ts: 1_763_884_800_000, sync: 1 });
    ingest.flush();
    expect(store.events.count()).toBe(0);
    expect(l.got()).toEqual([{ t: "nack", d: "P", code: "not_paired" }]);
    expect(store.devices.get("P")).toMatchObject({ serial: "P", link: "serial:/dev/z" });
  });

  it("answers hello with time and, once paired, config; in the REPL form when the device asks for it", () => {
    const { store, ingest, link, send, at } = setup();
    const l = link("serial:/dev/r");
    send(l, { t: "hello", d: "R", b: "B", fw: "1", pv: "1.0", role: "combo", cap: ["repl"], up: 5 });
    ingest.flush();
    expect(l.written.every((w) => w.startsWith('\x10LB("~LB1|'))).toBe(true);
    expect(l.got()).toEqual([{ t: "time", d: "R", ms: at() }]);
    pair(store, { serial: "R", store: "s", point: "r", question: "recommend", timeZone: "UTC" }, at());
    send(l, { t: "hello", d: "R", b: "B", fw: "1", pv: "1.0", role: "combo", cap: ["repl"], up: 6 });
    ingest.flush();
    expect(l.got().slice(1)).toEqual([
      { t: "time", d: "R", ms: at() },
      { t: "config", d: "R", tid: "s.r", role: "combo", q: "recommend", qt: "", w: 30_000, l: 3000, fm: 1_800_000, hb: 60_000 },
    ]);
  });

  it("refuses a frame whose device differs from its MQTT topic, and answers the sender as it names itself", () => {
    const { store, ingest, link, send } = setup();
    const l = link("mqtt:T", "mqtt", "T");
    send(l, { t: "hello", d: "OTHER", b: "B", fw: "1", pv: "1.0", role: "combo", cap: [], up: 5 });
    ingest.flush();
    expect(store.devices.all()).toEqual([]);
    expect(ingest.rejects.total("wrong_device")).toBe(1);
    /* On the topic written to, for the `d` the sender gave: that device's firmware takes it (one for T it would not). */
    expect(l.got()).toEqual([{ t: "nack", d: "OTHER", code: "wrong_device" }]);
  });

  it("sends time again when a device clock is off by more than the tolerance, and logs the offset", () => {
    const { store, ingest, link, send, at } = setup();
    const l = link("serial:/dev/c");
    send(l, { t: "status", d: "C", b: "B", up: 50, q: 0, drop: 0, clk: T0 - 300 });
    ingest.flush();
    expect(l.got()).toEqual([]);
    send(l, { t: "status", d: "C", b: "B", up: 60, q: 0, drop: 0, clk: T0 - 5000 });
    ingest.flush();
    expect(l.got()).toEqual([{ t: "time", d: "C", ms: at() }]);
    expect(store.boots.recent("C", 5).map((r) => [r.kind, r.valueMs]).sort()).toEqual([
      ["offset", 300],
      ["offset", 5000],
      ["time_sent", at()],
    ]);
  });

  it("sends time and config again when a paired device comes back online over MQTT", () => {
    const { store, ingest, link, at } = setup();
    const l = link("mqtt:M", "mqtt", "M");
    store.devices.seen("M", l.id, 0);
    pair(store, { serial: "M", store: "s", point: "m", question: "office", timeZone: "UTC" }, 0);
    ingest.deviceOnline("M", l);
    expect(l.got()).toEqual([
      { t: "time", d: "M", ms: at() },
      { t: "config", d: "M", tid: "s.m", role: "combo", q: "office", qt: "", w: 30_000, l: 3000, fm: 1_800_000, hb: 60_000 },
    ]);
    expect(ingest.sendTo("M", { t: "query", d: "M" })).toBe(true);
  });

  it("stores an event recorded after an unpair in no terminal and acks it, and tells the device to unpair", () => {
    const { store, ingest, link, send, at } = setup();
    const l = link("serial:/dev/u");
    store.devices.seen("U", l.id, 0);
    pair(store, { serial: "U", store: "s", point: "u", question: "staff", timeZone: "UTC" }, at() - 60_000);
    store.terminals.endPairing("U", at() - 30_000);
    send(l, { t: "event", d: "U", b: "B", n: 5, k: "yes", ts: at() - 10_000, sync: 1 });
    send(l, { t: "hello", d: "U", b: "B", fw: "1", pv: "1.0", role: "combo", cap: [], up: 5 });
    ingest.flush();
    expect(store.db.prepare("SELECT terminal_id AS t FROM events WHERE serial = 'U'").all()).toEqual([{ t: null }]);
    expect(l.got().map((m) => m.t)).toEqual(["ack", "time", "unpair"]);
  });

  it("refuses for good an event that passes the CRC but breaks the schema, naming it, so the device drops it", () => {
    const { ingest, link, send } = setup();
    const l = link("serial:/dev/v");
    send(l, { t: "status", d: "V", b: "B", up: 1, q: 1, drop: 0 });
    ingest.flush();
    ingest.receive(frameOf('{"t":"event","d":"V","b":"B","n":9,"k":"maybe","ts":1,"sync":0}'), l);
    expect(l.got()).toContainEqual({ t: "nack", d: "V", code: "bad_message", b: "B", n: 9 });
  });

  /* Before the ingest became a pipeline, a valid frame whose payload was JSON null threw a TypeError in the refusal. */
  it.each([
    ["null", "null"],
    ["a number", "42"],
    ["an array", '[{"t":"event","d":"W","b":"B","n":1}]'],
    ["an event without b and n", '{"t":"event","d":"W","k":"yes","ts":1,"sync":0}'],
  ])("answers a valid frame whose payload is %s with bad_message, refusing nothing for good", (_what, payload) => {
    const { ingest, link, send } = setup();
    const l = link("serial:/dev/w");
    send(l, { t: "status", d: "W", b: "B", up: 1, q: 1, drop: 0 });
    ingest.flush();
    expect(() => ingest.receive(frameOf(payload), l)).not.toThrow();
    ingest.flush();
    expect(ingest.rejects.total("bad_message")).toBe(1);
    expect(l.got().filter((m) => m.t === "nack")).toEqual([{ t: "nack", d: "W", code: "bad_message" }]);
  });

  it("lets a benchmark watch each line, each group commit and each message sent (bench/probe.ts), until told to stop", () => {
    const { store, ingest, link, send } = setup();
    const l = link("serial:/dev/p");
    store.devices.seen("P", l.id, 0);
    pair(store, { serial: "P", store: "s", point: "p", question: "staff", timeZone: "UTC" }, 0);
    const seen: string[] = [];
    ingest.watch({ received: () => void seen.push("line"), committed: (ms) => void seen.push(ms >= 0 ? "commit" : "?"), sent: (_l, m) => void seen.push(m.t) });
    ingest.flush();
    send(l, { t: "event", d: "P", b: "B", n: 1, k: "yes", ts: 5000, sync: 0 });
    send(l, { t: "event", d: "P", b: "B", n: 2, k: "no", ts: 6000, sync: 0 });
    ingest.flush();
    expect(seen).toEqual(["line", "line", "ack", "commit"]);
    ingest.watch(undefined);
    send(l, { t: "event", d: "P", b: "B", n: 3, k: "yes", ts: 7000, sync: 0 });
    ingest.flush();
    expect(seen).toHaveLength(4);
  });

  it("does not count a device as reachable after its MQTT state turns offline", () => {
    const { store, ingest, link } = setup();
    const l = link("mqtt:O", "mqtt", "O");
    store.devices.seen("O", l.id, 0);
    ingest.deviceOnline("O", l);
    expect(ingest.sendTo("O", { t: "query", d: "O" })).toBe(true);
    ingest.deviceOffline("O");
    expect(ingest.sendTo("O", { t: "query", d: "O" })).toBe(false);
    ingest.deviceOnline("NEVER-SEEN", l);
    expect(ingest.reachableDevices()).toEqual([]);
  });
});

/** A frame with a correct CRC around any payload. */
function frameOf(payload: string): string {
  const body = "1|" + payload;
  return "~LB" + body + "|" + hex8(crc32(body)) + "\n";
}
