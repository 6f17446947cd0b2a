/**
 * Property tests of the codec (issue: 100,000 cases in the normal test command). Every rejection must come back
 * as `{ ok: false, code, reason }` with the right code, and nothing may throw.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DECODE_ERRORS, MAX_UP_LINE } from "../../protocol/constants.ts";
import { crc32 } from "../../protocol/crc32.ts";
import { deviceEnd, gatewayEnd } from "../../protocol/endpoints.ts";
import { hex8 } from "../../protocol/frame.ts";
import { downSchema, upSchema } from "../../protocol/schemas.ts";
import { downMessage, token, upMessage } from "./arbitraries.ts";

const gateway = gatewayEnd();
const device = deviceEnd();

/** A frame with a correct CRC around any payload and version. */
const frameOf = (payload: string, major: number | string = 1) => {
  const body = major + "|" + payload;
  return "~LB" + body + "|" + hex8(crc32(body));
};
const upLine = (m: Parameters<typeof device.encode>[0]) => {
  const r = device.encode(m);
  if (!r.ok) throw new Error("arbitrary produced an invalid message: " + r.reason);
  return r.line.slice(0, -1);
};
const isPrintable = (c: number) => c >= 0x20 && c <= 0x7e;

describe("codec properties", () => {
  it("round-trips every valid up message (gateway reads what a device writes)", () => {
    fc.assert(
      fc.property(upMessage, (m) => {
        const line = upLine(m);
        expect(line.length).toBeLessThanOrEqual(MAX_UP_LINE);
        expect(gateway.decode(line + "\n")).toEqual({ ok: true, msg: upSchema.parse(m) });
      }),
      { numRuns: 10_000 },
    );
  });

  it("round-trips every valid down message (a device reads what the gateway writes)", () => {
    fc.assert(
      fc.property(downMessage, (m) => {
        const r = gateway.encode(m);
        expect(r.ok).toBe(true);
        if (r.ok) expect(device.decode(r.line)).toEqual({ ok: true, msg: downSchema.parse(m) });
      }),
      { numRuns: 10_000 },
    );
  });

  it("rejects random bytes with a decode code and never throws", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (bytes, withMarker) => {
        const line = (withMarker ? "~LB1|" : "") + Buffer.from(bytes).toString("latin1");
        const r = gateway.decode(line);
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(DECODE_ERRORS).toContain(r.code);
          expect(typeof r.reason).toBe("string");
          if (line.length > MAX_UP_LINE + 1) expect(r.code).toBe("too_long");
        }
      }),
      { numRuns: 25_000 },
    );
  });

  it("rejects truncated frames", () => {
    fc.assert(
      fc.property(upMessage, fc.nat(), (m, cut) => {
        const line = upLine(m);
        const short = line.slice(0, cut % line.length);
        const r = gateway.decode(short + "\n");
        expect(r.ok).toBe(false);
        if (!r.ok) expect(short.length < 3 ? ["no_marker"] : ["no_marker", "bad_frame", "bad_crc"]).toContain(r.code);
      }),
      { numRuns: 10_000 },
    );
  });

  it("rejects every frame with one flipped bit", () => {
    fc.assert(
      fc.property(upMessage, fc.nat(), fc.integer({ min: 0, max: 7 }), (m, at, bit) => {
        const line = upLine(m);
        const i = at % line.length;
        const c = line.charCodeAt(i) ^ (1 << bit);
        const flipped = line.slice(0, i) + String.fromCharCode(c) + line.slice(i + 1);
        const r = gateway.decode(flipped + "\n");
        expect(r.ok).toBe(false);
        if (r.ok) return;
        if (i >= 3 && !isPrintable(c)) expect(r.code).toBe("not_ascii");
        else if (i < 3 && flipped.indexOf("~LB") < 0) expect(r.code).toBe("no_marker");
        else expect(["no_marker", "not_ascii", "bad_frame", "bad_crc"]).toContain(r.code);
      }),
      { numRuns: 15_000 },
    );
  });

  it("rejects over-long lines before parsing them", () => {
    fc.assert(
      fc.property(upMessage, fc.integer({ min: 1, max: 5000 }), (m, extra) => {
        const line = upLine(m);
        const noise = "=".repeat(MAX_UP_LINE - line.length + extra);
        expect(gateway.decode(noise + line + "\n")).toMatchObject({ ok: false, code: "too_long" });
      }),
      { numRuns: 5_000 },
    );
  });

  it("rejects wrong CRCs", () => {
    fc.assert(
      fc.property(upMessage, fc.integer({ min: 1, max: 0xffffffff }), (m, delta) => {
        const line = upLine(m);
        const good = parseInt(line.slice(-8), 16);
        const bad = line.slice(0, -8) + hex8(good + delta);
        expect(gateway.decode(bad)).toMatchObject({ ok: false, code: "bad_crc" });
      }),
      { numRuns: 5_000 },
    );
  });

  it("rejects other major versions with a valid CRC", () => {
    fc.assert(
      fc.property(upMessage, fc.integer({ min: 0, max: 999 }).filter((v) => v !== 1), (m, major) => {
        const line = upLine(m);
        const payload = line.slice(line.indexOf("|") + 1, line.lastIndexOf("|"));
        expect(gateway.decode(frameOf(payload, major))).toMatchObject({ ok: false, code: "bad_version" });
      }),
      { numRuns: 5_000 },
    );
  });

  it("reports the frame's own failure when its payload holds a marker too (a case the property found)", () => {
    const m = { t: "hello" as const, d: ".", b: "a", fw: "~LB ", pv: "0.0", role: "combo" as const, cap: [], up: 0 };
    const line = upLine(m);
    const payload = line.slice(line.indexOf("|") + 1, line.lastIndexOf("|"));
    expect(gateway.decode(frameOf(payload, 0))).toMatchObject({ ok: false, code: "bad_version" });
    expect(gateway.decode(line)).toMatchObject({ ok: true });
  });

  const wrongValue = fc.constantFrom<unknown>(null, -1, 1.5, "", "has space", [], {}, true, "x".repeat(80), 2 ** 60);
  it("rejects payloads that break the schema", () => {
    fc.assert(
      fc.property(upMessage, fc.nat(), wrongValue, fc.boolean(), (m, pick, value, drop) => {
        const fields = Object.keys(m).filter((k) => k !== "t" && k !== "mem" && k !== "vcc" && k !== "btn");
        const key = fields[pick % fields.length] as string;
        const broken: Record<string, unknown> = { ...m };
        if (drop) delete broken[key];
        else broken[key] = value;
        /* An array of ascii is a valid `cap`; skip the few values that happen to fit the field. */
        fc.pre(!upSchema.safeParse(broken).success);
        const r = gateway.decode(frameOf(JSON.stringify(broken)));
        expect(r).toMatchObject({ ok: false, code: "bad_message" });
      }),
      { numRuns: 10_000 },
    );
  });

  it("never throws on any JSON payload in a valid frame, and accepts only what the schema accepts", () => {
    const payload = fc.oneof(
      fc.jsonValue(),
      fc.record({ t: fc.constantFrom("hello", "event", "status", "ack", "time", "nope"), d: token, n: fc.jsonValue() }),
    );
    fc.assert(
      fc.property(payload, (p) => {
        const json = JSON.stringify(p);
        fc.pre(json !== undefined && json.length < 200);
        const ascii = json.replace(/[^\x20-\x7e]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
        const r = gateway.decode(frameOf(ascii));
        if (r.ok) expect(upSchema.safeParse(p).success).toBe(true);
        else expect(["bad_json", "unknown_type", "bad_message", "too_long"]).toContain(r.code);
      }),
      { numRuns: 5_000 },
    );
  });
});
