/**
 * The built firmware's protocol session on a simulated Pico, against the scripted gateway (docs/protocol.md
 * "Messages" and "Delivery"): pairing, clock, acks, retransmission, link loss, reboot replay, a full outbox.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { bundle, CONFIG, pair, serialPeer, SERIAL } from "./helpers.ts";

let code = "";
beforeAll(async () => {
  code = await bundle({ board: "pico" });
});

const EPOCH = 1763884800000;

describe("firmware session", () => {
  it("unpaired: hello at boot and every 10 s, no survey events, unpaired LED", () => {
    const p = serialPeer(code);
    p.board.advance(35_000);
    const hellos = p.read().filter((m) => m.t === "hello");
    expect(hellos.length).toBe(4);
    expect(hellos[0]).toMatchObject({ d: SERIAL, fw: "0.1.0", pv: "1.0", role: "combo", cap: ["serial", "led", "flash", "repl"] });
    p.board.press("seller", 100);
    p.board.press("yes", 100);
    p.board.advance(5000);
    expect(p.events()).toEqual([]);
    const seen = new Set<boolean>();
    for (let i = 0; i < 10; i++) {
      p.board.advance(250);
      seen.add(p.board.leds().red);
    }
    expect([...seen].sort()).toEqual([false, true]);
  });

  it("config is kept in flash across a reboot; unpair erases it and hellos resume", () => {
    const p = serialPeer(code);
    pair(p);
    expect(JSON.parse(p.board.flash.files.get("lbc")!.data)).toMatchObject({ tid: CONFIG.tid, l: 3000 });
    p.board.advance(30_000);
    expect(p.read().filter((m) => m.t === "hello")).toHaveLength(0);
    p.board.reboot();
    p.board.advance(30_000);
    expect(p.read().filter((m) => m.t === "hello")).toHaveLength(1);
    p.board.press("no", 100);
    p.board.advance(500);
    expect(p.events().map((e) => e.k)).toEqual(["no"]);
    p.send({ t: "unpair", d: SERIAL });
    expect(p.board.flash.files.has("lbc")).toBe(false);
    p.board.advance(20_500);
    expect(p.read().filter((m) => m.t === "hello").length).toBeGreaterThanOrEqual(2);
  });

  it("query answers hello, identify blinks, a frame for another device is ignored", () => {
    const p = serialPeer(code);
    pair(p);
    p.send({ t: "query", d: SERIAL });
    expect(p.read().map((m) => m.t)).toEqual(["hello"]);
    p.send({ t: "query", d: "someone-else" });
    expect(p.read()).toEqual([]);
    p.board.advance(1000);
    const idle = JSON.stringify(p.board.leds());
    p.send({ t: "identify", d: SERIAL, s: 2 });
    const states = new Set<string>();
    for (let i = 0; i < 8; i++) {
      p.board.advance(125);
      states.add(JSON.stringify(p.board.leds()));
    }
    /* Both LEDs blink together for s seconds, then the LEDs go back to what they showed. */
    expect([...states].sort()).toEqual([JSON.stringify({ green: false, red: false }), JSON.stringify({ green: true, red: true })]);
    p.board.advance(2000);
    expect(JSON.stringify(p.board.leds())).toBe(idle);
  });

  it("clock sync arriving late: uptime with sync 0 before, epoch ms with sync 1 after", () => {
    const p = serialPeer(code);
    pair(p);
    p.board.advance(4900);
    p.board.press("seller", 100);
    p.board.advance(5000);
    p.send({ t: "time", d: SERIAL, ms: EPOCH });
    p.board.advance(2000);
    p.board.press("yes", 100);
    p.board.advance(500);
    const ev = p.events();
    expect(ev.map((e) => [e.k, e.sync])).toEqual([["short", 0], ["yes", 1]]);
    expect(ev[0]!.ts).toBe(4900);
    expect(ev[1]!.ts).toBe(EPOCH + 2000);
  });

  it("retransmits unacked events with backoff 2 s doubling to 60 s; an ack stops it", () => {
    const p = serialPeer(code);
    pair(p);
    p.board.press("yes", 50);
    const times: number[] = [];
    p.board.onLine((l) => {
      if (l.includes('"event"')) times.push(Math.round(p.board.clock.now()));
    });
    p.board.advance(300_000);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    /* The session ticks once a second, so the first retry comes 2..3 s after the first send. */
    expect(gaps[0]).toBeGreaterThanOrEqual(2000);
    expect(gaps[0]).toBeLessThanOrEqual(3000);
    expect(gaps.slice(1, 7)).toEqual([4000, 8000, 16000, 32000, 60000, 60000]);
    p.ackAll();
    const before = times.length;
    p.board.advance(200_000);
    expect(times.length).toBe(before);
  });

  it("status every hb with q, drop and mem; ack empties q; nack with b and n drops and counts", () => {
    const p = serialPeer(code);
    pair(p);
    p.send({ ...CONFIG, hb: 5000 });
    for (const b of ["yes", "no", "unsure"] as const) p.board.press(b, 100);
    p.board.advance(5100);
    const ev = p.events();
    let st = p.got.filter((m) => m.t === "status").pop();
    expect(st).toMatchObject({ q: 3, drop: 0 });
    expect((st as { mem: number }).mem).toBeGreaterThan(0);
    p.send({ t: "ack", d: SERIAL, b: ev[0]!.b, n: [1, 2] });
    p.send({ t: "nack", d: SERIAL, code: "bad_message", b: ev[0]!.b, n: 3 });
    p.board.advance(5000);
    st = p.read().filter((m) => m.t === "status").pop();
    expect(st).toMatchObject({ q: 0, drop: 1 });
  });

  it("link loss and recovery: the backlog is kept, resent at once when the link returns, and drained in order", () => {
    const p = serialPeer(code);
    pair(p);
    for (let i = 0; i < 10; i++) {
      p.board.press(i % 2 ? "yes" : "seller", 100);
      p.board.advance(1000);
    }
    p.board.advance(60_000);
    expect(p.board.leds().red).toBe(true);
    p.read();
    p.send({ t: "time", d: SERIAL, ms: EPOCH });
    const resent = p.read().filter((m) => m.t === "event");
    expect(resent.length).toBeGreaterThanOrEqual(4);
    for (let i = 0; i < 5; i++) {
      p.ackAll();
      p.board.advance(100);
    }
    expect(p.events().map((e) => e.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    p.board.advance(60_000);
    expect(p.read().filter((m) => m.t === "status").pop()).toMatchObject({ q: 0, drop: 0 });
    expect(p.board.leds().red).toBe(false);
  });

  it("after a reboot the outbox is replayed with each event's original boot id and number", () => {
    const p = serialPeer(code);
    pair(p);
    for (const b of ["seller", "yes", "no"] as const) p.board.press(b, 100);
    p.board.advance(500);
    const before = p.events();
    const oldBoot = before[0]!.b;
    p.ackAll();
    p.board.press("unsure", 100);
    p.board.advance(300);
    p.board.reboot();
    p.board.advance(1000);
    const hello = p.read().find((m) => m.t === "hello");
    expect(hello && hello.b).not.toBe(oldBoot);
    p.board.advance(3000);
    const replay = p.sent().filter((e) => e.k === "unsure");
    expect(replay.length).toBeGreaterThanOrEqual(2);
    expect(replay.every((e) => e.b === oldBoot && e.n === 4)).toBe(true);
    p.board.press("yes", 100);
    p.board.advance(300);
    const fresh = p.events().pop()!;
    expect(fresh.b).toBe(hello!.b);
    expect(fresh.n).toBe(1);
  });

  it("a full outbox drops the oldest events and reports how many", () => {
    const p = serialPeer(code);
    pair(p);
    p.send({ ...CONFIG, hb: 1000 });
    const presses = 220;
    for (let i = 0; i < presses; i++) {
      p.board.press("yes", 60);
      p.board.advance(150);
    }
    p.board.advance(1000);
    const st = p.read().filter((m) => m.t === "status").pop() as { q: number; drop: number };
    expect(st.drop).toBeGreaterThan(0);
    expect(st.q + st.drop).toBe(presses);
    expect(p.board.errors).toEqual([]);
    p.read();
    for (let i = 0; i < 80; i++) {
      p.ackAll();
      p.board.advance(50);
    }
    const delivered = p.events();
    const ns = delivered.map((e) => e.n);
    expect(ns[ns.length - 1]).toBe(presses);
    expect(new Set(ns).size).toBe(ns.length);
    p.board.advance(1500);
    p.read();
    const last = p.got.filter((m) => m.t === "status").pop() as { q: number; drop: number };
    expect(last.q).toBe(0);
    expect(delivered.length + last.drop).toBeGreaterThanOrEqual(presses);
  });
});
