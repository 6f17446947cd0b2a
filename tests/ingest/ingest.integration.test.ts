/**
 * The gateway with real parts: a socat pseudo-terminal pair opened through `serialport`, a real MQTT broker
 * (the embedded one, and Debian's mosquitto), a SQLite file. Scripted terminals speak docs/protocol.md over
 * each transport.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/app.ts";
import { overGatewayMqtt, overSerial, type Connected } from "../../gateway/testkit/transports.ts";
import { pair } from "../../gateway/terminals/manage.ts";
import { ptyPair, type PtyPair } from "../../gateway/testkit/socat.ts";
import { testGateway } from "../support/gateway.ts";
import { startMosquitto, type Mosquitto } from "../../gateway/testkit/mosquitto.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";

describe.each(["embedded", "mosquitto"] as const)("ingest over serial and MQTT (%s broker)", (brokerKind) => {
  let pty: PtyPair;
  let gw: Gateway;
  let serialDev: Connected;
  let mqttDev: Connected;
  let mosquitto: Mosquitto | undefined;

  beforeAll(async () => {
    pty = await ptyPair();
    if (brokerKind === "mosquitto") mosquitto = await startMosquitto();
    gw = await testGateway({ serial: { ports: [{ path: pty.gateway }] }, ingest: { deriveIntervalMs: 60_000 }, ...(mosquitto ? { mqtt: { url: mosquitto.url } } : {}) });
    await waitFor("the gateway to open the pseudo-terminal", () => gw.serial[0]?.isOpen);
    serialDev = await overSerial({ serial: "SERIAL-A" }, pty.device);
    mqttDev = await overGatewayMqtt({ serial: "MQTT-B" }, gw);
  });

  afterAll(async () => {
    await serialDev?.close();
    await mqttDev?.close();
    await gw?.stop();
    await pty?.close();
    await mosquitto?.stop();
  });

  it("lists devices that say hello as pending, then pairs them and sends config", async () => {
    serialDev.terminal.hello();
    mqttDev.terminal.hello();
    await waitFor("both devices in the devices table", () => gw.store.devices.all().length === 2);
    expect(gw.store.devices.get("SERIAL-A")).toMatchObject({ link: "serial:" + pty.gateway, role: "combo" });
    expect(gw.store.devices.get("MQTT-B")).toMatchObject({ link: "mqtt:MQTT-B" });
    await waitFor("time to reach both devices", () => serialDev.terminal.synced && mqttDev.terminal.synced);
    expect(serialDev.terminal.config).toBeUndefined();

    /* Paired ten minutes ago, so that the next test's presses lie between the pairing and now (docs/protocol.md,
       Delivery 8: a synced time ahead of its arrival is untimed). */
    const now = Date.now() - 600_000;
    pair(gw.store, { serial: "SERIAL-A", store: "msk-01", point: "till-1", question: "staff", questionText: "Довольны ли вы?", employee: "elena", timeZone: "Europe/Moscow" }, now);
    pair(gw.store, { serial: "MQTT-B", store: "msk-01", point: "till-2", question: "office", timeZone: "Europe/Moscow" }, now);
    gw.workers.commands();
    await waitFor("config on both devices", () => serialDev.terminal.config && mqttDev.terminal.config);
    expect(serialDev.terminal.config).toMatchObject({ tid: "msk-01.till-1", q: "staff", qt: "Довольны ли вы?", w: 30000, l: 3000, fm: 1800000 });
    expect(mqttDev.terminal.config).toMatchObject({ tid: "msk-01.till-2", q: "office" });
  });

  it("stores every event once, acks it, and derives surveys and force-majeure", async () => {
    const a = serialDev.terminal;
    const b = mqttDev.terminal;
    /* Times after the pairing, so the settings recorded at pairing are in force, and 200 s before now at the latest. */
    const t0 = Math.floor((Date.now() - 500_000) / 1000) * 1000;
    const s = (sec: number) => t0 + sec * 1000;
    a.press("short", s(0));
    a.press("yes", s(2));
    a.press("short", s(40));
    a.press("long", s(100));
    a.press("short", s(110));
    a.press("no", s(112));
    a.press("long", s(200));
    b.press("yes", s(1));
    b.press("short", s(5));
    b.press("unsure", s(6));
    b.press("unsure", s(7));
    await Promise.all([a.drained(), b.drained()]);
    expect(gw.store.events.count()).toBe(11);

    const acked = new Set(a.received.flatMap((m) => (m.t === "ack" ? m.n : [])));
    expect([...acked].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7]);

    gw.workers.derive();
    const surveysA = gw.store.derived.surveys("msk-01.till-1", s(-1), s(1000));
    expect(surveysA.map((x) => [(x.openedAt - t0) / 1000, x.answer, x.questionKind, x.employee])).toEqual([
      [0, "yes", "staff", "elena"],
      [40, "silent", "staff", "elena"],
      [110, "no", "staff", "elena"],
    ]);
    expect(gw.store.derived.periods("msk-01.till-1", s(-1), s(1000)).map((p) => [(p.start - t0) / 1000, (p.end - t0) / 1000, p.endReason])).toEqual([[100, 200, "long"]]);
    const surveysB = gw.store.derived.surveys("msk-01.till-2", s(-1), s(1000));
    expect(surveysB.map((x) => [(x.openedAt - t0) / 1000, x.answer, x.extraEventIds.length])).toEqual([[5, "unsure", 1]]);
    expect(gw.store.derived.unsolicitedCount("msk-01.till-2", s(-1), s(1000))).toBe(1);
  });

  it("stores a duplicate delivery once and acks it each time", async () => {
    const b = mqttDev.terminal;
    const before = gw.store.events.count();
    const n = b.press("yes");
    await b.drained();
    const acked = () => b.received.filter((m) => m.t === "ack" && m.n.includes(n)).length;
    const first = acked();
    const dup = gw.store.db.prepare("SELECT count(*) AS c FROM events WHERE serial = ? AND seq = ?");
    /* Replay the very same frame twice, as a device that missed the ack would. */
    const line = (b as unknown as { encode(m: object): string }).encode({ t: "event", d: b.serial, b: b.boot, n, k: "yes", ts: Date.now(), sync: 1 });
    for (const more of [1, 2]) {
      b.outbox.set(n, line);
      b.resend();
      await waitFor("the ack of the repeated event", () => acked() >= first + more);
    }
    expect(gw.store.events.count()).toBe(before + 1);
    expect((dup.get(b.serial, n) as { c: number }).c).toBe(1);
  });
});
