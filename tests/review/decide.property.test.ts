/**
 * The chain's review rules (gateway/review/decide.ts, docs/decisions.md "Review sync: the later review wins"): the
 * state in force is the latest entry's after-state whatever order the entries arrive in, so a store and the hub
 * that hold the same entries show the same state; a review made after its side saw others is ordered after them.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inForce, orderAt, periodAfter, surveyAfter, undoRefusal } from "../../gateway/review/decide.ts";

const entry = fc.record({
  uid: fc.uuid(),
  atMs: fc.integer({ min: 0, max: 50 }),
  undoes: fc.constant(null),
  undoneBy: fc.constant(null),
  after: fc.record({ valid: fc.boolean(), reason: fc.constantFrom(null, "a", "b") }),
});

describe("the review rules both sides apply", () => {
  it("put the same entry in force whatever order the entries arrive in", () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { minLength: 12, maxLength: 12 }), (entries, keys) => {
        const shuffled = entries.map((e, i) => [keys[i]!, e] as const).sort((x, y) => x[0] - y[0]).map(([, e]) => e);
        expect(inForce(shuffled)).toBe(inForce(entries));
      }),
    );
  });

  it("order a new review after every entry its side knows, even one stamped by a clock ahead", () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), fc.integer({ min: 0, max: 60 }), fc.uuid(), (entries, now, uid) => {
        const mine = { uid, atMs: orderAt(now, entries), undoes: null, undoneBy: null, after: { valid: false, reason: "mine" } };
        expect(mine.atMs).toBeGreaterThanOrEqual(now);
        expect(inForce([...entries, mine])).toBe(mine);
      }),
    );
  });

  it("refuse what the store refused before: an invalid mark without a reason, an end outside the period, an undo out of turn", () => {
    expect(() => surveyAfter(false, "  ")).toThrow(/with a reason/);
    expect(surveyAfter(true, "ignored")).toEqual({ valid: true, reason: null });
    expect(() => periodAfter(1000, { status: "unreviewed", endMs: null }, "confirmed", 999)).toThrow(/after the period's start/);
    expect(periodAfter(1000, { status: "confirmed", endMs: 5000 }, "rejected", null)).toEqual({ status: "rejected", endMs: 5000 });
    const a = { name: "a", uid: "a", atMs: 1, undoes: null as string | null, undoneBy: null as string | null, after: { valid: false, reason: "x" } };
    const b = { ...a, name: "b", uid: "b", atMs: 2 };
    expect(undoRefusal(a, "survey", [a, b])).toBe("review a was followed by review b of the same survey: undo that first");
    expect(undoRefusal(b, "survey", [a, b])).toBeUndefined();
    expect(undoRefusal({ ...b, undoneBy: "c" }, "survey", [a, b])).toBe("review b was undone already");
    expect(undoRefusal({ ...b, undoes: "a" }, "fm", [a, b])).toBe("review b is an undo itself: review the period again instead");
  });
});
