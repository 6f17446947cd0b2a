/**
 * Pure pieces: the LED table (firmware/src/ui.ts) and the MQTT client (firmware/src/mqtt.ts) over a scripted
 * socket and the fake timer port: the bytes it writes, how it splits what arrives, keepalive and reconnects.
 * tests/firmware/mqtt-broker.test.ts runs the same client against real brokers.
 */
import { describe, expect, it } from "vitest";
import { createMqtt, field, packet, type MqttSocket } from "../../firmware/src/mqtt.ts";
import { createUi, mask, onPress } from "../../firmware/src/ui.ts";
import { fakeTimers } from "./fakes.ts";

describe("LED state", () => {
  it.each([
    ["unpaired blinks red", { p: false, k: true }, [2, 0]],
    ["idle is dark", { p: true, k: true }, [0, 0]],
    ["link down is red", { p: true, k: false }, [2, 2]],
  ])("%s", (_n, s, want) => {
    const ui = Object.assign(createUi(), s);
    expect([mask(ui, 500), mask(ui, 1500)]).toEqual(want);
  });

  it("a short press opens the window (green blink), an answer in it shows thank-you, then idle", () => {
    const ui = Object.assign(createUi(), { p: true, k: true });
    onPress(ui, "short", 1000, 30000, 1800000, false);
    expect([mask(ui, 1200), mask(ui, 1700)]).toEqual([1, 0]);
    onPress(ui, "yes", 5000, 30000, 1800000, false);
    expect(mask(ui, 6000)).toBe(1);
    expect(mask(ui, 7500)).toBe(0);
    onPress(ui, "no", 8000, 30000, 1800000, false);
    expect(mask(ui, 8500)).toBe(0);
  });

  it("a long press toggles force-majeure, which ends by itself after Fmax", () => {
    const ui = Object.assign(createUi(), { p: true, k: true });
    onPress(ui, "long", 0, 30000, 60000, false);
    expect(mask(ui, 2100)).toBe(2);
    expect(mask(ui, 2500)).toBe(0);
    expect(mask(ui, 60100)).toBe(0);
    onPress(ui, "long", 70000, 30000, 60000, false);
    expect(mask(ui, 72100)).toBe(2);
    onPress(ui, "long", 80000, 30000, 60000, false);
    expect(mask(ui, 82100)).toBe(0);
  });
});

describe("MQTT client", () => {
  const bytes = (s: string) => [...s].map((c) => c.charCodeAt(0));

  /* A socket the test plays the broker on: what the client wrote, and a way to answer or hang up. */
  function rig(opts: { refuse?: number } = {}) {
    const t = fakeTimers();
    let refuse = opts.refuse ?? 0;
    const socks: { wrote: string[]; ended: boolean; h: { [ev: string]: (d?: unknown) => void }; api: MqttSocket; ready: () => void }[] = [];
    const got: string[] = [];
    const ups: boolean[] = [];
    const mq = createMqtt({
      open: (ready) => {
        if (refuse > 0) {
          refuse--;
          throw new Error("Unable to create socket");
        }
        const s = { wrote: [] as string[], ended: false, h: {} as { [ev: string]: (d?: unknown) => void }, api: undefined as unknown as MqttSocket, ready };
        s.api = {
          write: (d) => void s.wrote.push(d),
          end: () => void (s.ended = true),
          on: (ev, fn) => void (s.h[ev] = fn as (d?: unknown) => void),
        };
        socks.push(s);
        return s.api;
      },
      id: "lb-x",
      u: "x",
      k: "0123456789abcdef0123456789abcdef",
      top: "lb/v1/dev/x/",
      timers: t.timers,
      msg: (p) => void got.push(p),
      up: (u) => void ups.push(u),
    });
    const last = () => socks[socks.length - 1]!;
    const feed = (d: string) => last().h.data!.call(last().api, d);
    return { t, mq, socks, last, feed, got, ups };
  }

  it("connects with protocol MQTT level 4, username and password, a retained QoS 1 will and a 30 s keepalive, then goes online and subscribes", () => {
    const r = rig();
    r.last().ready();
    const c = r.last().wrote[0]!;
    expect(bytes(c.slice(0, 14))).toEqual([0x10, c.length - 2, 0, 4, 77, 81, 84, 84, 4, 0xee, 0, 30, 0, 4]);
    /* Will topic and message, then username (the serial) and password (the device's secret), in that order (3.1.3). */
    expect(c.endsWith(field("lb/v1/dev/x/state") + field("offline") + field("x") + field("0123456789abcdef0123456789abcdef"))).toBe(true);
    expect(r.mq.pub("t", "x")).toBe(false);
    r.feed("\x20\x02\x00\x00");
    expect(r.ups).toEqual([true]);
    /* `online` retained at QoS 1 (packet id 1) and the subscription at QoS 1 (packet id 2), in one write. */
    expect(r.last().wrote.slice(1)).toEqual([packet(0x33, field("lb/v1/dev/x/state") + "\x00\x01online") + packet(0x82, "\x00\x02" + field("lb/v1/dev/x/down") + "\x01")]);
  });

  it("publishes at QoS 1 with a fresh packet id; a long payload gets a two-byte length", () => {
    const r = rig();
    r.feed("\x20\x02\x00\x00");
    const payload = "x".repeat(200);
    expect(r.mq.pub("a/b", payload)).toBe(true);
    const p = r.last().wrote[r.last().wrote.length - 1]!;
    expect(bytes(p.slice(0, 3))).toEqual([0x32, (5 + 2 + 200) % 128 | 128, 1]);
    expect(p).toBe(packet(0x32, field("a/b") + p.substr(8, 2) + payload));
  });

  it("reassembles packets split across reads, acks a QoS 1 message, and drops a link whose length field is malformed", () => {
    const r = rig();
    const msg = packet(0x32, field("lb/v1/dev/x/down") + "\x00\x09" + "~LB1|frame") + "\xd0\x00";
    r.feed("\x20\x02\x00\x00" + msg.slice(0, 5));
    expect(r.got).toEqual([]);
    r.feed(msg.slice(5));
    expect(r.got).toEqual(["~LB1|frame"]);
    expect(r.last().wrote).toContain("\x40\x02\x00\x09");
    r.feed("\x30\xff\xff\xff\xff\x01");
    expect(r.last().ended).toBe(true);
    expect(r.ups).toEqual([true, false]);
  });

  it("pings every keepalive and drops the link when a ping goes unanswered; reconnects after 1 s, then 2 s", () => {
    const r = rig();
    r.feed("\x20\x02\x00\x00");
    r.t.advance(30000);
    expect(r.last().wrote[r.last().wrote.length - 1]).toBe("\xc0\x00");
    r.feed("\xd0\x00");
    r.t.advance(30000);
    expect(r.socks).toHaveLength(1);
    r.t.advance(30000);
    expect(r.socks[0]!.ended).toBe(true);
    r.t.advance(999);
    expect(r.socks).toHaveLength(1);
    r.t.advance(1);
    expect(r.socks).toHaveLength(2);
    r.last().h.close!.call(r.last().api);
    r.t.advance(1999);
    expect(r.socks).toHaveLength(2);
    r.t.advance(1);
    expect(r.socks).toHaveLength(3);
  });

  it("leaves a connection whose broker never answers CONNACK after one keepalive, and connects again", () => {
    const r = rig();
    r.last().ready();
    r.t.advance(29999);
    expect(r.socks[0]!.ended).toBe(false);
    r.t.advance(1);
    expect(r.socks[0]!.ended).toBe(true);
    expect(r.ups).toEqual([]);
    r.t.advance(1000);
    expect(r.socks).toHaveLength(2);
    /* A CONNACK in time cancels that timer: only the keepalive's pings follow. */
    r.feed("\x20\x02\x00\x00");
    r.t.advance(30000);
    expect(r.socks[1]!.ended).toBe(false);
    expect(r.last().wrote[r.last().wrote.length - 1]).toBe("\xc0\x00");
    expect(r.t.pending()).toBe(1);
  });

  it("a refused connection (net.connect throws on Linux) is retried with backoff, and a stale socket's events are ignored", () => {
    const r = rig({ refuse: 2 });
    expect(r.socks).toHaveLength(0);
    r.t.advance(1000);
    expect(r.socks).toHaveLength(0);
    r.t.advance(2000);
    expect(r.socks).toHaveLength(1);
    const old = r.last();
    old.h.close!.call(old.api);
    r.t.advance(4000);
    expect(r.socks).toHaveLength(2);
    old.h.data!.call(old.api, "\x20\x02\x00\x00");
    expect(r.ups).toEqual([]);
    r.feed("\x20\x02\x00\x00");
    expect(r.ups).toEqual([true]);
  });
});
