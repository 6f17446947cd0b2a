/** The buttons' press state machine alone (firmware/src/press.ts), on a fake timer port: no sleeps. */
import { describe, expect, it } from "vitest";
import { createButtons } from "../../firmware/src/press.ts";
import { fakeTimers } from "./fakes.ts";

const SELLER = 0;
const UNSURE = 3;

function setup(long = 3000) {
  const t = fakeTimers();
  const out: [string, number, number, number][] = [];
  const p = createButtons({ timers: t.timers, held: { c: { l: long } }, emit: (k, s, b) => out.push([k, s, b, t.now()]) });
  return { t, p, out };
}

describe("press state machine", () => {
  it.each([
    [2999, "short"],
    [3000, "long"],
    [3001, "long"],
    [10, "short"],
  ])("a seller press held %i ms is %s, stamped with the press start", (hold, kind) => {
    const s = setup();
    s.t.advance(500);
    s.p.edge(SELLER, true, 500);
    s.t.advance(hold);
    s.p.edge(SELLER, false, 500 + hold);
    expect(s.out.map((e) => [e[0], e[1]])).toEqual([[kind, 500]]);
  });

  it("a long press is reported at L while still held, once", () => {
    const s = setup(1500);
    s.p.edge(SELLER, true, 0);
    s.t.advance(1499);
    expect(s.out).toEqual([]);
    s.t.advance(1);
    expect(s.out).toEqual([["long", 0, SELLER, 1500]]);
    s.t.advance(5000);
    s.p.edge(SELLER, false, 6500);
    expect(s.out).toHaveLength(1);
  });

  it("a customer key is reported at the press by its name; holding it 60 s reports stuck once", () => {
    const s = setup();
    s.p.edge(UNSURE, true, 100);
    expect(s.out).toEqual([["unsure", 100, UNSURE, 0]]);
    s.t.advance(200000);
    s.p.edge(UNSURE, false, 200100);
    expect(s.out.map((e) => e[0])).toEqual(["unsure", "stuck"]);
    expect(s.out[1]![2]).toBe(UNSURE);
  });

  it("repeated edges of the same level are ignored and release cancels the timers", () => {
    const s = setup();
    s.p.edge(SELLER, true, 0);
    s.p.edge(SELLER, true, 10);
    s.p.edge(SELLER, false, 100);
    s.p.edge(SELLER, false, 120);
    expect(s.out.map((e) => e[0])).toEqual(["short"]);
    expect(s.t.pending()).toBe(0);
  });

  it("keeps each button apart: a key pressed while the seller button is held does not end the seller's press", () => {
    const s = setup();
    s.p.edge(SELLER, true, 0);
    s.p.edge(1, true, 500);
    s.p.edge(1, false, 600);
    s.t.advance(3000);
    s.p.edge(SELLER, false, 4000);
    expect(s.out.map((e) => [e[0], e[1], e[2]])).toEqual([
      ["yes", 500, 1],
      ["long", 0, SELLER],
    ]);
    expect(s.t.pending()).toBe(0);
  });

  describe("debouncing raw edges on their own times", () => {
    /* Raw edges as setWatch without debounce gives them: [button, down, time], each handed in when the loop runs. */
    const feed = (s: ReturnType<typeof setup>, edges: [number, boolean, number][]) => {
      for (const [b, down, t] of edges) {
        if (t > s.t.now()) s.t.advance(t - s.t.now());
        s.p.raw(b, down, t);
      }
    };

    it("a contact bounce at both ends is one press, stamped at the last edge of the bounce", () => {
      const s = setup();
      feed(s, [[1, true, 100], [1, false, 102], [1, true, 104], [1, false, 300], [1, true, 303], [1, false, 306]]);
      s.t.advance(100);
      expect(s.out.map((e) => [e[0], e[1]])).toEqual([["yes", 104]]);
      expect(s.p.st.s[1]).toBe(-1);
      expect(s.t.pending()).toBe(0);
    });

    it("a glitch shorter than the debounce is no press", () => {
      const s = setup();
      feed(s, [[2, true, 100], [2, false, 130]]);
      s.t.advance(100);
      expect(s.out).toEqual([]);
      expect(s.t.pending()).toBe(0);
    });

    it("a press whose both edges arrive at once, after the loop was busy, still counts with its real times", () => {
      const s = setup();
      /* The loop was busy from 90 to 400 ms: both edges of a 150 ms seller press are handed in at 400. */
      s.t.advance(400);
      s.p.raw(SELLER, true, 100);
      s.p.raw(SELLER, false, 250);
      s.t.advance(100);
      expect(s.out.map((e) => [e[0], e[1]])).toEqual([["short", 100]]);
      /* And a key pressed for 80 ms while the loop was busy. */
      s.t.advance(1000);
      s.p.raw(3, true, 1300);
      s.p.raw(3, false, 1380);
      s.t.advance(100);
      expect(s.out.map((e) => [e[0], e[1]])).toEqual([["short", 100], ["unsure", 1300]]);
      expect(s.t.pending()).toBe(0);
    });

    it("a long press on the seller button still reaches L through raw edges", () => {
      const s = setup(600);
      feed(s, [[SELLER, true, 0], [SELLER, false, 3], [SELLER, true, 5]]);
      s.t.advance(700);
      expect(s.out.map((e) => [e[0], e[1]])).toEqual([["long", 5]]);
      feed(s, [[SELLER, false, 900]]);
      s.t.advance(100);
      expect(s.out.map((e) => e[0])).toEqual(["long"]);
      expect(s.t.pending()).toBe(0);
    });
  });
});
