/** The installer's pure parts: the REPL text forms and the self-test's steps per terminal shape. */
import { describe, expect, it } from "vitest";
import { findAnswer, parseProbe, storageWrites, CHUNK } from "../../gateway/installer/repl-text.ts";
import { EARLIER_PRESS_MS, isTestSurvey, runSelfTest, selfTestSteps, silentDevices, testPresses } from "../../gateway/installer/self-test.ts";
import type { StoredEvent } from "../../gateway/store/events.ts";
import { parseBroker, parseWifi } from "../../gateway/installer/flash-options.ts";

describe("REPL text", () => {
  it("finds an answer between the Espruino tools' markers, past any noise", () => {
    expect(findAnswer('=undefined\r\n>~LB1|...|00\r\n< << ["2v25"] >> >\r\nrest')).toEqual({ json: '["2v25"]', rest: "\r\nrest" });
    expect(findAnswer("< << [1,2")).toBeUndefined();
  });

  it("writes a file in 384-byte chunks that reassemble to the same bytes, the first one sized", () => {
    const bytes = Buffer.from("x".repeat(CHUNK * 2 + 10) + "é", "utf8");
    const writes = storageWrites(bytes, ".bootcde");
    expect(writes.map((w) => w.end)).toEqual([CHUNK, CHUNK * 2, bytes.length]);
    expect(writes[0]?.expr).toMatch(new RegExp(`^require\\("Storage"\\)\\.write\\("\\.bootcde",atob\\(".*"\\),0,${bytes.length}\\)$`));
    expect(writes[1]?.expr).toMatch(/,384\)$/);
    const back = Buffer.concat(writes.map((w) => Buffer.from(/atob\("(.*)"\)/.exec(w.expr)?.[1] ?? "", "base64")));
    expect(back.equals(bytes)).toBe(true);
  });

  it.each([
    [["2v25", "PICO_R1_3", "s1", "function", "object"], { version: "2v25", board: "PICO_R1_3", serial: "s1", replEntry: true, firmware: true }],
    [["2v19.52", "ESP32", "s2", "undefined", "undefined"], { version: "2v19.52", board: "ESP32", serial: "s2", replEntry: false, firmware: false }],
    [[null, "PICO_R1_3"], undefined],
    ["OK", undefined],
    [undefined, undefined],
  ])("reads the probe answer %j", (value, expected) => {
    expect(parseProbe(value)).toEqual(expected);
  });
});

describe("flash options", () => {
  it.each([
    ["10.0.0.2", { host: "10.0.0.2", port: 1883, url: "mqtt://10.0.0.2:1883", tls: false }],
    ["gw.local:1884", { host: "gw.local", port: 1884, url: "mqtt://gw.local:1884", tls: false }],
    ["mqtt://10.0.0.2:2000", { host: "10.0.0.2", port: 2000, url: "mqtt://10.0.0.2:2000", tls: false }],
    ["mqtts://10.0.0.2", { host: "10.0.0.2", port: 8883, url: "mqtts://10.0.0.2:8883", tls: true }],
    ["mqtts://gw.local:9883", { host: "gw.local", port: 9883, url: "mqtts://gw.local:9883", tls: true }],
  ])("reads the broker %s", (text, expected) => expect(parseBroker(text)).toEqual(expected));

  it("keeps a password with colons, and allows an open network", () => {
    expect(parseWifi("shop:a:b")).toEqual({ ssid: "shop", pass: "a:b" });
    expect(parseWifi("guest:")).toEqual({ ssid: "guest", pass: "" });
    expect(() => parseWifi(":x")).toThrow(/^--wifi ':x': expected ssid:password/);
  });
});

describe("self-test steps", () => {
  it.each([
    [["combo"], ["short", "yes", "no", "unsure", "long", "long"]],
    [["keypad", "seller"], ["short", "yes", "no", "unsure", "long", "long"]],
    [["keypad"], ["yes", "no", "unsure"]],
    [["seller"], ["short", "long", "long"]],
  ])("for a terminal of %j", (roles, kinds) => {
    expect(selfTestSteps(roles, 3000).map((s) => s.kind)).toEqual(kinds);
  });

  it("a keypad-only board thanks every answer; a combo only the one inside the window", () => {
    expect(selfTestSteps(["keypad"], 3000).map((s) => s.led)).toEqual(Array(3).fill("green LED on for 2 s: thank you"));
    expect(selfTestSteps(["combo"], 3000)[2]?.led).toMatch(/^no change/);
    expect(selfTestSteps(["combo"], 3000)[4]?.ask).toMatch(/^Hold the seller button for 3 s/);
  });

  it("warns about devices not heard for two heartbeats", () => {
    const devices = [
      { serial: "fresh", lastSeenMs: 100_000 },
      { serial: "stale", lastSeenMs: 100_000 - 120_001 },
      { serial: "never", lastSeenMs: undefined },
    ];
    expect(silentDevices(devices, 100_000, 60_000)).toEqual(["stale", "never"]);
  });

  it("skips presses stamped before their step (an outbox replay) and names the test's own presses", async () => {
    const now = 10_000_000;
    const ev = (id: number, kind: StoredEvent["kind"], atMs: number) => ({ id, kind, atMs, receivedMs: now, serial: "d", boot: "b", seq: id, btn: null, ts: atMs, synced: true, terminalId: "t", link: "x" }) as StoredEvent;
    /* A short press from an hour ago arrives first (replayed), then the installer's presses. */
    const arriving = [ev(1, "short", now - 3_600_000), ev(2, "short", now + 100), ev(3, "long", now + 200), ev(4, "long", now + 300)];
    const said: string[] = [];
    const results = await runSelfTest(selfTestSteps(["seller"], 1000), {
      since: (after) => arriving.filter((e) => e.id > after).slice(0, 1),
      lastId: () => 0,
      say: (t) => void said.push(t),
      sleep: async () => undefined,
      now: () => now,
      pollMs: 1,
      stepTimeoutMs: 1000,
    });
    expect(results.map((r) => r.event?.id)).toEqual([2, 3, 4]);
    expect(said.join("")).toContain("skipped a press from before this step: short from d at ");
    expect(EARLIER_PRESS_MS).toBe(60_000);
    const presses = testPresses(results);
    expect(presses).toEqual({ short: [2], answers: [], long: [3, 4] });
    /* A survey is the test's when its answer is one of the test's keys, or it has none. */
    expect(isTestSurvey({ answerEventId: null }, presses)).toBe(true);
    expect(isTestSurvey({ answerEventId: 99 }, presses)).toBe(false);
    expect(isTestSurvey({ answerEventId: 7 }, { ...presses, answers: [7] })).toBe(true);
  });
});

