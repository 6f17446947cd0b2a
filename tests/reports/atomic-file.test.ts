/**
 * reports/atomic-file.ts under kill -9: a real child process writes a report of 128 MB (so that writing and
 * flushing it takes long enough to be killed in the middle) over a complete older one, and is killed with SIGKILL
 * the moment its temporary file appears. The final name must then hold the old report or the new one, whole, never
 * a part; the temporary file left behind is removed by `removeLeftovers`.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { removeLeftovers, writeFileAtomic } from "../../gateway/reports/atomic-file.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "lb-atomic-"));
  dirs.push(d);
  return d;
};

const SIZE = 128 * 1024 * 1024;
const module = fileURLToPath(new URL("../../gateway/reports/atomic-file.ts", import.meta.url));

/** Starts a process that writes SIZE bytes of `fill` and an end line to `path` with writeFileAtomic. */
function writer(path: string, fill: string) {
  const code = `import { register } from "tsx/esm/api"; register();
const { writeFileAtomic } = await import(${JSON.stringify(module)});
writeFileAtomic(${JSON.stringify(path)}, ${JSON.stringify(fill)}.repeat(${SIZE}) + "\\nEND\\n");`;
  return spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: "ignore" });
}

describe("writeFileAtomic", () => {
  it("leaves the old report or the new one under the final name when the writer is killed -9 while writing", async () => {
    const dir = tempDir();
    const path = join(dir, "2026-11-22.json");
    writeFileSync(path, "old report\nEND\n");
    const child = writer(path, "n");
    let tempSeen = false;
    const watcher = watch(dir, () => {
      if (!tempSeen && readdirSync(dir).some((f) => f.startsWith(".2026-11-22.json."))) {
        tempSeen = true;
        child.kill("SIGKILL");
      }
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, s) => resolve(s)));
    watcher.close();
    /* The kill landed while the temporary file existed, i.e. during the write: otherwise this test proved nothing. */
    expect([tempSeen, signal]).toEqual([true, "SIGKILL"]);
    const size = statSync(path).size;
    expect(size === "old report\nEND\n".length || size === SIZE + 5).toBe(true);
    expect(readFileSync(path, "utf8").endsWith("\nEND\n")).toBe(true);
    const left = removeLeftovers(dir);
    expect(left.every((f) => /^\.2026-11-22\.json\.\d+\.tmp$/.test(f))).toBe(true);
    expect(readdirSync(dir)).toEqual(["2026-11-22.json"]);
  });

  it("replaces a file whole and leaves nothing else behind; a missing folder has no leftovers", () => {
    const dir = tempDir();
    const path = join(dir, "r.csv");
    writeFileAtomic(path, "a;b\n");
    writeFileAtomic(path, "c;d\n");
    expect(readFileSync(path, "utf8")).toBe("c;d\n");
    expect(readdirSync(dir)).toEqual(["r.csv"]);
    expect(removeLeftovers(join(dir, "nope"))).toEqual([]);
    expect(() => writeFileAtomic(join(dir, "nope", "r.csv"), "x")).toThrow(/ENOENT/);
    expect(existsSync(join(dir, "nope"))).toBe(false);
  });
});
