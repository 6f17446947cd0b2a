/** The flash outbox alone (firmware/src/outbox.ts) over an in-memory Flash. */
import { describe, expect, it } from "vitest";
import { createOutbox, eventLine, type OutEvent } from "../../firmware/src/outbox.ts";
import { memoryFlash } from "./fakes.ts";

const ev = (n: number, b = "boot1") => eventLine(b, n, "yes", 1000 + n, 0, "");
const seq = (e: OutEvent) => +(e.l.split(",")[1] as string);

describe("outbox", () => {
  it("appends one line per event and never rewrites a file per event", () => {
    const fl = memoryFlash();
    const o = createOutbox(fl);
    for (let n = 1; n <= 5; n++) o.add(ev(n));
    expect(fl.files.get("lbo0")).toBe([1, 2, 3, 4, 5].map((n) => "boot1," + n + ",yes," + (1000 + n) + ",0,.").join("\n") + "\n");
    expect(fl.writes).toBe(5);
    expect(o.count()).toBe(5);
  });

  it("keeps at most `max` events in flight, oldest first; acks refill the window", () => {
    const o = createOutbox(memoryFlash());
    for (let n = 1; n <= 6; n++) o.add(ev(n));
    expect(o.fill(4).map(seq)).toEqual([1, 2, 3, 4]);
    expect(o.done("boot1", 2, "a")).toBe(true);
    expect(o.done("boot1", 2, "a")).toBe(false);
    expect(o.fill(4).map(seq)).toEqual([1, 3, 4, 5]);
    expect(o.count()).toBe(5);
  });

  it("compacts a fully acked segment by erasing it, and survives a reload", () => {
    const fl = memoryFlash();
    const o = createOutbox(fl, 4);
    for (let n = 1; n <= 6; n++) o.add(ev(n));
    for (let n = 1; n <= 4; n++) {
      o.fill(4);
      o.done("boot1", n, "a");
    }
    expect([...fl.files.keys()].sort()).toEqual(["lbm", "lbo1"]);
    expect(JSON.parse(fl.files.get("lbm")!)).toEqual({ lo: 1, drop: 0 });
    const again = createOutbox(fl, 4);
    expect(again.count()).toBe(2);
    expect(again.fill(4).map(seq)).toEqual([5, 6]);
  });

  it("a full outbox drops the oldest and counts it; a refused event is dropped and counted", () => {
    const o = createOutbox(memoryFlash(), 4, 3);
    for (let n = 1; n <= 10; n++) o.add(ev(n));
    expect(o.count()).toBeLessThanOrEqual(8);
    expect(o.st.drop + o.count()).toBe(10);
    const first = o.fill(1)[0]!;
    expect(o.done("boot1", seq(first), "x")).toBe(true);
    expect(o.st.drop + o.count()).toBe(10);
  });

  it("an event flash refuses even after the oldest segment went is counted as dropped", () => {
    const fl = memoryFlash();
    const o = createOutbox(fl, 4, 3);
    expect(o.add(ev(1))).toBe(true);
    const open = fl.open;
    fl.open = (n: string, mode: "r" | "a") => {
      const f = open(n, mode);
      return { ...f, write: () => { throw new Error("Unable to write file: flash full"); } };
    };
    expect(o.add(ev(2))).toBe(false);
    expect(o.st.drop).toBe(1);
    expect(o.count()).toBe(1);
  });

  it("ignores a line cut short, and the drop count survives a reload", () => {
    const fl = memoryFlash(new Map([["lbo0", "b,1,yes,5,0,.\nb,2,yes,6,0,.\nb,1,x\nb,3,ye"]]));
    const o = createOutbox(fl);
    expect(o.count()).toBe(1);
    expect(o.st.drop).toBe(1);
    expect(o.fill(4).map(seq)).toEqual([2]);
    expect(fl.files.get("lbo0")!.endsWith("ye\n")).toBe(true);
  });

  it("finishes exactly the acked event: an ack of 1 leaves 10 (no prefix or partial match of the key)", () => {
    const fl = memoryFlash();
    const o = createOutbox(fl);
    for (let n = 1; n <= 10; n++) o.add(ev(n));
    o.fill(4);
    o.done("boot1", 1, "a");
    expect(o.done("boot1", 10, "a")).toBe(false);
    const again = createOutbox(fl);
    expect(again.count()).toBe(9);
    expect(again.fill(10).map(seq)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("keeps acks given out of order across a reload, and refills in order", () => {
    const fl = memoryFlash();
    const o = createOutbox(fl);
    for (let n = 1; n <= 6; n++) o.add(ev(n));
    o.fill(4);
    o.done("boot1", 3, "a");
    o.done("boot1", 1, "x");
    const again = createOutbox(fl);
    expect(again.count()).toBe(4);
    expect(again.st.drop).toBe(1);
    expect(again.fill(4).map(seq)).toEqual([2, 4, 5, 6]);
  });

  it("stores an event as b,n,k,ts,sync,btn. (btn only for stuck)", () => {
    expect(eventLine("b", 1, "yes", 5, 0, "")).toBe("b,1,yes,5,0,.");
    expect(eventLine("b", 9, "stuck", 5, 1, "no")).toBe("b,9,stuck,5,1,no.");
  });
});
