/** The press state machine alone (firmware/src/press.ts), on a fake timer port: no sleeps. */
import { describe, expect, it } from "vitest";
import { createPress } from "../../firmware/src/press.ts";
import { fakeTimers } from "./fakes.ts";

function setup(btn: string, long = 3000) {
  const t = fakeTimers();
  const out: [string, number, string, number][] = [];
  let confirms = 0;
  const p = createPress({ btn, long: () => long, stuck: 60000, timers: t.timers, emit: (k, s, b) => out.push([k, s, b, t.now()]), confirm: () => confirms++ });
  return { t, p, out, confirms: () => confirms };
}

describe("press state machine", () => {
  it.each([
    [2999, "short"],
    [3000, "long"],
    [3001, "long"],
    [10, "short"],
  ])("a seller press held %i ms is %s, stamped with the press start", (hold, kind) => {
    const s = setup("seller");
    s.t.advance(500);
    s.p.edge(true, 500);
    s.t.advance(hold);
    s.p.edge(false, 500 + hold);
    expect(s.out.map((e) => [e[0], e[1]])).toEqual([[kind, 500]]);
  });

  it("a long press is reported at L while still held, with one confirmation", () => {
    const s = setup("seller", 1500);
    s.p.edge(true, 0);
    s.t.advance(1499);
    expect(s.out).toEqual([]);
    s.t.advance(1);
    expect(s.out).toEqual([["long", 0, "seller", 1500]]);
    expect(s.confirms()).toBe(1);
    s.t.advance(5000);
    s.p.edge(false, 6500);
    expect(s.out).toHaveLength(1);
  });

  it("a customer key is reported at the press; holding it 60 s reports stuck once", () => {
    const s = setup("unsure");
    s.p.edge(true, 100);
    expect(s.out).toEqual([["unsure", 100, "unsure", 0]]);
    s.t.advance(200000);
    s.p.edge(false, 200100);
    expect(s.out.map((e) => e[0])).toEqual(["unsure", "stuck"]);
    expect(s.out[1]![2]).toBe("unsure");
  });

  it("repeated edges of the same level are ignored and release cancels the timers", () => {
    const s = setup("seller");
    s.p.edge(true, 0);
    s.p.edge(true, 10);
    s.p.edge(false, 100);
    s.p.edge(false, 120);
    expect(s.out.map((e) => e[0])).toEqual(["short"]);
    expect(s.t.pending()).toBe(0);
  });
});
