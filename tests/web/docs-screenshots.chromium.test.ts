/**
 * The docs' screenshot script (scripts/docs-screenshots.ts, `npm run docs:screenshots`) end to end: the real demo
 * gateway in a child process on the screenshots' clock (scripts/screenshots/shifted-clock.ts), real Chromium, into
 * temporary folders. Each page's PNG is there, is a PNG and has the width it was taken at, and a second run writes
 * the same bytes, so taking them again changes docs/web/ only when a page changed. (The pages show times to the
 * minute and the demo's clock starts on a whole minute: a run that took over a minute to its last picture would
 * differ.)
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { docsScreenshots } from "../../scripts/docs-screenshots.ts";
import { shots } from "../../scripts/screenshots/shoot.ts";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk (the first one, right after the signature). */
function pngSize(b: Buffer): { width: number; height: number } | undefined {
  if (b.length < 24 || !b.subarray(0, 8).equals(SIGNATURE) || b.toString("latin1", 12, 16) !== "IHDR") return undefined;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe("npm run docs:screenshots", () => {
  it("saves a PNG of each page at its width, from the demo gateway, the same bytes on a second run", { timeout: 300_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), "lb-shots-test-"));
    const again = mkdtempSync(join(tmpdir(), "lb-shots-test-"));
    onTestFinished(() => {
      rmSync(out, { recursive: true, force: true });
      rmSync(again, { recursive: true, force: true });
    });
    const files = await docsScreenshots(out);
    const expected = shots("2026-01-01");
    expect(files.map((f) => basename(f))).toEqual(expected.map((s) => s.file));
    expect(expected.map((s) => `${s.path.split("?")[0]} ${s.width}`)).toEqual(["/ 1280", "/review 1280", "/terminals 1280", "/alerts 1280", "/users 1280", "/ 390", "/review 390"]);
    for (const s of expected) {
      const size = pngSize(readFileSync(join(out, s.file)));
      expect(size, s.file).toBeDefined();
      expect(size!.width, s.file).toBe(s.width);
      expect(size!.height, s.file).toBeGreaterThan(0);
    }
    await docsScreenshots(again);
    for (const s of expected) expect(readFileSync(join(again, s.file)).equals(readFileSync(join(out, s.file))), `${s.file} the same on a second run`).toBe(true);
  });
});
