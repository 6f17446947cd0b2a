import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";
import { goldenFrames } from "../protocol/golden.ts";

const run = runCli;

describe("loyalty frame", () => {
  it("decodes every valid golden frame, up and down", async () => {
    for (const f of goldenFrames().filter((g) => g.expect === "ok")) {
      const r = await run("frame", "decode", f.line);
      expect(r.code).toBe(0);
      expect((await run("frame", "encode", r.out.trim())).out).toBe(f.line + "\n");
    }
  });

  it("prints the code and reason of a rejected frame and exits 2", async () => {
    const r = await run("frame", "decode", "=undefined");
    expect(r).toEqual({ code: 2, out: "", err: "no_marker: no ~LB in line\n" });
  });

  it("refuses to encode an invalid message", async () => {
    const r = await run("frame", "encode", '{"t":"time","d":"A1","ms":5}');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^bad_message: time ms: /);
    expect((await run("frame", "encode", "{")).err).toMatch(/^bad_json: /);
  });

  it("runs as the installed bin", () => {
    const bin = fileURLToPath(new URL("../../bin/loyalty.js", import.meta.url));
    const out = execFileSync(bin, ["frame", "encode", '{"t":"query","d":"A1"}'], { encoding: "utf8" });
    expect(out).toMatch(/^~LB1\|\{"t":"query","d":"A1"\}\|[0-9a-f]{8}\n$/);
  });
});
