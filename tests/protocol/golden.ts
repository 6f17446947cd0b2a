/** Reads the golden frames out of docs/protocol.md: each ```frames <code>``` block, one frame per line. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface GoldenFrame {
  /** `ok`, `ok-lenient`, or the decode error code the frame must produce. */
  expect: string;
  line: string;
}

export const PROTOCOL_DOC = fileURLToPath(new URL("../../docs/protocol.md", import.meta.url));

export function goldenFrames(path = PROTOCOL_DOC): GoldenFrame[] {
  const text = readFileSync(path, "utf8");
  const frames: GoldenFrame[] = [];
  const block = /^```frames ([a-z_-]+)\n([\s\S]*?)^```$/gm;
  for (const m of text.matchAll(block)) {
    for (const line of (m[2] as string).split("\n")) if (line.length > 0) frames.push({ expect: m[1] as string, line });
  }
  return frames;
}
