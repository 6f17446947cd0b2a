/**
 * The built firmware (dist bundle) on a simulated Espruino Pico: presses as the gateway sees them.
 * Fake clock: every duration below is simulated time.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { bundle, pair, serialPeer, SERIAL } from "./helpers.ts";

let code = "";
beforeAll(async () => {
  code = await bundle({ board: "pico" });
});

function paired() {
  const p = serialPeer(code);
  pair(p);
  p.board.advance(100);
  p.read();
  return p;
}

describe("firmware presses", () => {
  it("a short press is one event with the press start time, unsynced uptime", () => {
    const p = paired();
    p.board.advance(900);
    p.board.press("seller", 200);
    p.board.advance(500);
    const ev = p.events();
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ t: "event", d: SERIAL, n: 1, k: "short", ts: 1000, sync: 0 });
    expect(p.board.errors).toEqual([]);
  });

  it("a bouncing contact gives one press (setWatch debounce)", () => {
    const p = paired();
    p.board.press("yes", 300, { bounce: 6 });
    p.board.advance(1000);
    expect(p.events().map((e) => e.k)).toEqual(["yes"]);
  });

  it("a long press is reported when L is reached, while still held, with the LED confirmation", () => {
    const p = paired();
    const start = 1000;
    p.board.advance(start - 100);
    p.board.pressAndHold("seller");
    p.board.advance(2990);
    expect(p.events()).toHaveLength(0);
    p.board.advance(100);
    const ev = p.events();
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ k: "long", ts: start });
    p.board.advance(200);
    expect(p.board.leds()).toEqual({ green: true, red: true });
    p.board.release("seller");
    p.board.advance(500);
    expect(p.events()).toHaveLength(1);
  });

  it("exactly L is long, one millisecond less is short", () => {
    const a = paired();
    a.board.press("seller", 3000);
    a.board.advance(4000);
    expect(a.events().map((e) => e.k)).toEqual(["long"]);
    const b = paired();
    b.board.press("seller", 2999);
    b.board.advance(4000);
    expect(b.events().map((e) => e.k)).toEqual(["short"]);
  });

  it("a button held over 60 s is reported stuck once", () => {
    const p = paired();
    p.board.pressAndHold("no");
    p.board.advance(200_000);
    p.board.release("no");
    p.board.advance(1000);
    expect(p.events().map((e) => [e.k, e.btn])).toEqual([
      ["no", undefined],
      ["stuck", "no"],
    ]);
  });

  it("several keys pressed together are all recorded, in order, with distinct numbers", () => {
    const p = paired();
    p.board.pressAndHold("seller");
    p.board.advance(10);
    p.board.pressAndHold("yes");
    p.board.pressAndHold("unsure");
    p.board.advance(10);
    p.board.pressAndHold("no");
    p.board.advance(500);
    for (const b of ["seller", "yes", "no", "unsure"] as const) p.board.release(b);
    p.board.advance(500);
    const ev = p.events();
    expect(ev.map((e) => e.k).sort()).toEqual(["no", "short", "unsure", "yes"]);
    expect(ev.map((e) => e.n)).toEqual([1, 2, 3, 4]);
  });

  it("LEDs follow the survey: please-rate blinks green, the answer shows thank-you, force-majeure blinks red", () => {
    const p = paired();
    p.send({ t: "ack", d: SERIAL, b: "x", n: [1] });
    p.board.press("seller", 100);
    let green = 0;
    for (let i = 0; i < 8; i++) {
      p.board.advance(250);
      if (p.board.leds().green) green++;
    }
    expect(green).toBeGreaterThan(1);
    expect(green).toBeLessThan(8);
    p.board.press("yes", 100);
    p.board.advance(300);
    expect(p.board.leds()).toEqual({ green: true, red: false });
    p.ackAll();
    p.board.advance(3000);
    p.board.press("seller", 3500);
    p.board.advance(5000);
    p.ackAll();
    let red = 0;
    for (let i = 0; i < 40; i++) {
      p.board.advance(100);
      if (p.board.leds().red) red++;
    }
    expect(red).toBeGreaterThan(0);
    expect(red).toBeLessThan(40);
  });
});
