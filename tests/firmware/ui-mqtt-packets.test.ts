/** Pure pieces: the LED table (firmware/src/ui.ts) and MQTT packet building/splitting (firmware/src/mqtt-packets.ts). */
import { describe, expect, it } from "vitest";
import { connect, id16, publish, split, subscribe } from "../../firmware/src/mqtt-packets.ts";
import { createUi, mask, onPress } from "../../firmware/src/ui.ts";

describe("LED state", () => {
  it.each([
    ["unpaired blinks red", { p: false, k: true }, [2, 0]],
    ["idle is dark", { p: true, k: true }, [0, 0]],
    ["link down is red", { p: true, k: false }, [2, 2]],
  ])("%s", (_n, s, want) => {
    const ui = Object.assign(createUi(), s);
    expect([mask(ui, 500), mask(ui, 1500)]).toEqual(want);
  });

  it("a short press opens the window (green blink), an answer in it shows thank-you, then idle", () => {
    const ui = Object.assign(createUi(), { p: true, k: true });
    onPress(ui, "short", 1000, 30000, 1800000, false);
    expect([mask(ui, 1200), mask(ui, 1700)]).toEqual([1, 0]);
    onPress(ui, "yes", 5000, 30000, 1800000, false);
    expect(mask(ui, 6000)).toBe(1);
    expect(mask(ui, 7500)).toBe(0);
    onPress(ui, "no", 8000, 30000, 1800000, false);
    expect(mask(ui, 8500)).toBe(0);
  });

  it("a long press toggles force-majeure, which ends by itself after Fmax", () => {
    const ui = Object.assign(createUi(), { p: true, k: true });
    onPress(ui, "long", 0, 30000, 60000, false);
    expect(mask(ui, 2100)).toBe(2);
    expect(mask(ui, 2500)).toBe(0);
    expect(mask(ui, 60100)).toBe(0);
    onPress(ui, "long", 70000, 30000, 60000, false);
    expect(mask(ui, 72100)).toBe(2);
    onPress(ui, "long", 80000, 30000, 60000, false);
    expect(mask(ui, 82100)).toBe(0);
  });
});

describe("MQTT packets", () => {
  const bytes = (s: string) => [...s].map((c) => c.charCodeAt(0));

  it("CONNECT carries the protocol name, level 4, will flags (QoS 1, retain), keepalive, id and will", () => {
    const p = connect("lb-x", 30, "w/t", "offline");
    expect(bytes(p.slice(0, 14))).toEqual([0x10, p.length - 2, 0, 4, 77, 81, 84, 84, 4, 0x2e, 0, 30, 0, 4]);
    expect(p.endsWith("\x00\x03w/t\x00\x07offline")).toBe(true);
  });

  it("PUBLISH at QoS 1 with a packet id, and a long payload gets a two-byte length", () => {
    const payload = "x".repeat(200);
    const p = publish("a/b", payload, 7, false);
    expect(bytes(p.slice(0, 3))).toEqual([0x32, (5 + 2 + 200) % 128 | 128, 1]);
    const got: [number, string][] = [];
    expect(split(p, (h, body) => got.push([h, body]))).toBe("");
    expect(got[0]![0]).toBe(0x32);
    expect(id16(got[0]![1], 5)).toBe(7);
  });

  it("splits several packets and keeps a partial one", () => {
    const two = subscribe(1, "t") + "\x90\x03\x00\x01\x01" + "\xd0";
    const got: number[] = [];
    expect(split(two, (h) => got.push(h >> 4))).toBe("\xd0");
    expect(got).toEqual([8, 9]);
    expect(split("\x30\xff\xff\xff\xff\x01", () => undefined)).toBeUndefined();
  });
});
