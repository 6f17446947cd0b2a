/**
 * 100,000 random and corrupted frames, half on a pseudo-terminal and half on MQTT: the gateway stays up, counts
 * each by its reason, and a valid event sent in the middle is still stored and acked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/app.ts";
import type { Connected } from "../../gateway/testkit/transports.ts";
import { deviceEnd, gatewayEnd } from "../../protocol/endpoints.ts";
import { badLine, prng } from "../support/corrupt.ts";
import { pairedOnBothLinks, type BothLinks } from "../support/both-links.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";

const PER_TRANSPORT = 50_000;
let links: BothLinks;
let gw: Gateway;
let serialDev: Connected;
let mqttDev: Connected;

beforeAll(async () => {
  links = await pairedOnBothLinks({ serial: "FLOOD-S", mqtt: "FLOOD-M" });
  ({ gw, serialDev, mqttDev } = links);
});

afterAll(async () => {
  await links?.close();
});

/** A valid event frame of `serial`, the seed every bad line is made from. */
function validFrame(serial: string, boot: string): string {
  const r = deviceEnd().encode({ t: "event", d: serial, b: boot, n: 999_999, k: "yes", ts: Date.now(), sync: 1 });
  if (!r.ok) throw new Error(r.reason);
  return r.line.slice(0, -1);
}

/** Rejections by code, as the gateway's decoder judges each line (a frame for another device on MQTT: wrong_device). */
function expectedCodes(lines: string[], topicDevice?: string): Map<string, number> {
  const end = gatewayEnd();
  const codes = new Map<string, number>();
  for (const l of lines) {
    const r = end.decode(l);
    const code = r.ok ? (topicDevice !== undefined && r.msg.d !== topicDevice ? "wrong_device" : "accepted") : r.code;
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  return codes;
}

async function flood(c: Connected, seed: number, oneMessagePerLine: boolean): Promise<void> {
  const t = c.terminal;
  const rnd = prng(seed);
  const frame = validFrame(t.serial, t.boot);
  const lines = Array.from({ length: PER_TRANSPORT }, () => badLine(frame, rnd));
  const expected = expectedCodes(lines, oneMessagePerLine ? t.serial : undefined);
  expect(expected.get("accepted")).toBeUndefined();
  const before = new Map([...expected.keys()].map((code) => [code, gw.ingest.rejects.total(code)]));
  const storedBefore = gw.store.events.count();

  const half = PER_TRANSPORT / 2;

  for (let i = 0; i < PER_TRANSPORT; i += 5000) {
    if (oneMessagePerLine) await Promise.all(lines.slice(i, i + 5000).map((l) => c.writeRaw(l)));
    else await c.writeRaw(lines.slice(i, i + 5000).join("\n") + "\n");
    if (i + 5000 === half) t.press("yes");
  }
  const counted = (code: string) => gw.ingest.rejects.total(code) - (before.get(code) ?? 0);
  await waitFor("every bad line counted", () => [...expected].every(([code, n]) => counted(code) >= n), 150_000);
  await t.drained();
  for (const [code, n] of expected) expect([code, counted(code)]).toEqual([code, n]);
  expect(gw.store.events.count()).toBe(storedBefore + 1);
}

describe("a flood of bad input", () => {
  it("on a serial port is counted by reason; a valid event in the middle is stored and acked", { timeout: 180_000 }, async () => {
    await flood(serialDev, 1, false);
  });

  it("on MQTT is counted by reason; a valid event in the middle is stored and acked", { timeout: 180_000 }, async () => {
    await flood(mqttDev, 2, true);
  });
});
