/**
 * The size budget of issue 5 "Build": every board, role and transport builds to at most 10 KB minified, inside
 * the Espruino subset.
 */
import { describe, expect, it } from "vitest";
import { BOARDS, ROLES } from "../../firmware/build/boards.ts";
import { BUDGET, buildFirmware, type BuildOptions } from "../../firmware/build/build.ts";

const variants: BuildOptions[] = [];
for (const board of Object.keys(BOARDS)) {
  for (const role of ROLES) for (const transport of ["serial", "mqtt"] as const) variants.push({ board, role, transport });
}
variants.push({ board: "pico", port: "Serial1", raw: true }, { board: "esp32", port: "Serial1", raw: true, transport: "serial" });

describe("firmware size", () => {
  it("the budget is the issue's flat 10 KB", () => {
    expect(BUDGET).toBe(10 * 1024);
  });

  it.each(variants)("%j fits the budget", async (o) => {
    const r = await buildFirmware({ ...o, write: false });
    expect(r.findings).toEqual([]);
    expect(r.budget).toBe(BUDGET);
    expect(r.bytes).toBeLessThanOrEqual(BUDGET);
    expect(r.overBudget).toBe(false);
  });
});
