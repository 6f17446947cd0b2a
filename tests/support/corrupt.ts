/**
 * Seeded generators of bad lines for flood tests: random bytes, truncated frames, flipped bits, over-long lines,
 * wrong CRCs, other protocol versions and schema-violating payloads, all built from one valid frame.
 */
import { crc32 } from "../../protocol/crc32.ts";
import { hex8 } from "../../protocol/frame.ts";

/** The demo history's seeded mulberry32 (gateway/demo/history.ts), so a failing flood can be replayed. */
export { seeded as prng } from "../../gateway/demo/history.ts";

const reframe = (payload: string, major: number) => {
  const body = major + "|" + payload;
  return "~LB" + body + "|" + hex8(crc32(body));
};

/** One bad line (no `\n` inside) derived from `valid`, a frame line without its `\n`. */
export function badLine(valid: string, rnd: () => number): string {
  const int = (n: number) => Math.floor(rnd() * n);
  const payload = valid.slice(valid.indexOf("|") + 1, valid.lastIndexOf("|"));
  switch (int(7)) {
    case 0: {
      let s = "";
      const n = 1 + int(300);
      for (let i = 0; i < n; i++) {
        const b = int(256);
        s += String.fromCharCode(b === 10 ? 11 : b);
      }
      return s;
    }
    case 1:
      return valid.slice(0, 1 + int(valid.length - 1));
    case 2: {
      const i = int(valid.length);
      const c = valid.charCodeAt(i) ^ (1 << int(8));
      return valid.slice(0, i) + String.fromCharCode(c === 10 ? 11 : c) + valid.slice(i + 1);
    }
    case 3:
      return "=".repeat(300 + int(6000)) + valid;
    case 4:
      return valid.slice(0, -8) + hex8(parseInt(valid.slice(-8), 16) + 1 + int(1000));
    case 5:
      return reframe(payload, 2 + int(50));
    default: {
      const broken = JSON.parse(payload) as Record<string, unknown>;
      const keys = Object.keys(broken).filter((k) => k !== "t");
      broken[keys[int(keys.length)] as string] = [null, -1, 1.5, "", { x: 1 }][int(5)];
      return reframe(JSON.stringify(broken), 1);
    }
  }
}
