/**
 * protocol/endpoints.ts: a received event that breaks the schema comes with the nack that refuses it for good
 * (docs/protocol.md, `nack` with `b` and `n`), whether the codec's field check or the zod schema caught it; any
 * other failure refuses nothing.
 */
import { describe, expect, it } from "vitest";
import { crc32 } from "../../protocol/crc32.ts";
import { deviceEnd, gatewayEnd } from "../../protocol/endpoints.ts";
import { hex8 } from "../../protocol/frame.ts";

const frameOf = (payload: object | null) => {
  const body = "1|" + JSON.stringify(payload);
  return "~LB" + body + "|" + hex8(crc32(body));
};
const event = { t: "event", d: "D1", b: "B1", n: 7, k: "yes", ts: 5000, sync: 0 };
const refusal = { t: "nack", d: "D1", code: "bad_message", b: "B1", n: 7 };

describe("gatewayEnd: refusing a bad event for good", () => {
  it.each([
    ["a kind outside the table (the codec's field check)", { ...event, k: "maybe" }, refusal],
    ["btn on a key press (the zod schema)", { ...event, btn: "yes" }, refusal],
    ["a missing field other than b and n", { ...event, ts: undefined }, refusal],
    ["a boot id that is no token", { ...event, b: "has space", k: "maybe" }, undefined],
    ["no sequence number", { ...event, n: undefined, k: "maybe" }, undefined],
    ["sequence number 0", { ...event, n: 0, k: "maybe" }, undefined],
    ["a status, not an event", { t: "status", d: "D1", b: "B1", up: -1, q: 0, drop: 0 }, undefined],
    ["a down message sent up", { t: "ack", d: "D1", b: "B1", n: [] }, undefined],
  ])("%s", (_what, payload, expected) => {
    const r = gatewayEnd().decode(frameOf(payload));
    expect(r).toMatchObject({ ok: false, code: "bad_message" });
    expect(r.ok ? undefined : r.refusal).toEqual(expected);
  });

  it("refuses nothing when the payload is not an object", () => {
    for (const p of [null, [event]]) {
      const r = gatewayEnd().decode(frameOf(p));
      expect(r).toEqual({ ok: false, code: "bad_message", reason: "payload is not a JSON object" });
    }
  });

  it("is the gateway's rule only: a device's end never refuses", () => {
    const r = deviceEnd().decode(frameOf({ t: "nack", d: "D1", code: "nope", b: "B1", n: 7 }));
    expect(r).toMatchObject({ ok: false, code: "bad_message" });
    expect(r.ok ? undefined : r.refusal).toBeUndefined();
  });
});
