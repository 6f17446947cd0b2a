import { PassThrough } from "node:stream";
import { ReadlineParser } from "@serialport/parser-readline";
import { describe, expect, it } from "vitest";
import { LineGuard } from "../../gateway/ingest/line-guard.ts";

async function through(max: number, chunks: string[]): Promise<string> {
  const g = new LineGuard(max);
  const out: Buffer[] = [];
  g.on("data", (b: Buffer) => out.push(b));
  for (const c of chunks) g.write(Buffer.from(c, "latin1"));
  g.end();
  await new Promise((r) => g.on("end", r));
  return Buffer.concat(out).toString("latin1");
}

describe("LineGuard", () => {
  it.each([
    ["passes short lines untouched", 8, ["ab\ncd", "ef\n"], "ab\ncdef\n"],
    ["cuts a long line after max+1 bytes and drops the rest of it", 4, ["abcdefgh\nok\n"], "abcde\nok\n"],
    ["keeps dropping across chunks until the newline", 4, ["abcdef", "ghij", "kl\nxy\n"], "abcde\nxy\n"],
    ["counts a line split across chunks", 4, ["ab", "cd", "e\n"], "abcde\n"],
    ["allows exactly max bytes", 4, ["abcd\n"], "abcd\n"],
  ])("%s", async (_name, max, chunks, want) => {
    expect(await through(max, chunks)).toBe(want);
  });

  it("keeps a pipe into the readline parser flowing when a whole chunk is dropped", async () => {
    const source = new PassThrough();
    const lines: string[] = [];
    source.pipe(new LineGuard(4)).pipe(new ReadlineParser({ delimiter: "\n", encoding: "latin1" })).on("data", (l: string) => lines.push(l));
    for (const chunk of ["abcdefgh", "ijkl", "mnop", "\nok\n", "next\n"]) {
      source.write(chunk);
      await new Promise((r) => setImmediate(r));
    }
    expect(lines).toEqual(["abcde", "ok", "next"]);
  });

  it("refuses a bad limit, naming it", () => {
    expect(() => new LineGuard(0)).toThrow("maxLine must be a positive integer, got 0");
  });
});
