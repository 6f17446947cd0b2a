import { describe, expect, it } from "vitest";
import { setBounded } from "../../gateway/ingest/bounded.ts";

describe("setBounded", () => {
  it("keeps a map under its bound by starting again, and updates known keys in place", () => {
    const m = new Map<string, number>();
    for (let i = 0; i < 25; i++) setBounded(m, "k" + i, i, 10);
    expect(m.size).toBe(5);
    expect([...m.keys()]).toEqual(["k20", "k21", "k22", "k23", "k24"]);
    for (let i = 0; i < 5; i++) setBounded(m, "k20", 99, 5);
    expect(m.get("k20")).toBe(99);
  });
});
