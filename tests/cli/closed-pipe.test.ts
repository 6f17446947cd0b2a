/**
 * A command whose reader stops early (`loyalty status | head -1`) ends quietly: the closed pipe's EPIPE is no
 * unhandled error with Node's stack on stderr (issue 15, CLI errors in words). The real `loyalty` executable, its
 * stdout a pipe whose reading end this test closes before the command writes.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../gateway/store/store.ts";

const BIN = fileURLToPath(new URL("../../bin/loyalty.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "lb-pipe-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runToClosedPipe(args: string[]): Promise<{ code: number | null; err: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  /* The reader is gone before the command (still loading) writes a byte. */
  child.stdout.destroy();
  let err = "";
  child.stderr.on("data", (b: Buffer) => (err += b.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, err })));
}

describe("output to a closed pipe", () => {
  it.each(["status", "stores list", "--help"])("loyalty %s ends with its own exit code and prints no EPIPE stack", async (line) => {
    const cmd = line.split(" ");
    const db = join(dir, `${cmd.join("-")}.sqlite`);
    openStore(db).close();
    const r = await runToClosedPipe(cmd[0] === "--help" ? cmd : [...cmd, "--db", db]);
    expect(r.err).not.toMatch(/EPIPE|\n\s+at /);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });
});
