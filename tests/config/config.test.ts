import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../gateway/config/load.ts";

const file = (text: string) => {
  const p = join(mkdtempSync(join(tmpdir(), "lb-cfg-")), "gateway.json");
  writeFileSync(p, text);
  return p;
};
const problems = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe("configuration", () => {
  it("works with no file, no environment and no flags", () => {
    const c = loadConfig({ env: {} });
    expect(c).toMatchObject({
      database: "./data/loyalty.sqlite",
      mqtt: { embedded: { enabled: true, host: "127.0.0.1", port: 1883 }, topicPrefix: "lb" },
      serial: { ports: [] },
      terminalDefaults: { windowMs: 30_000, longMs: 3000, fmMaxMs: 1_800_000 },
    });
  });

  it("layers file, environment and flags, later winning", () => {
    const p = file(JSON.stringify({ database: "/file.db", timeZone: "Asia/Vladivostok", serial: { ports: [{ path: "/dev/ttyACM0" }] } }));
    const c = loadConfig({ file: p, env: { LOYALTY_DB: "/env.db", LOYALTY_MQTT_PORT: "1999" }, overrides: { timeZone: "Europe/Kaliningrad" } });
    expect([c.database, c.timeZone, c.mqtt.embedded.port, c.serial.ports]).toEqual(["/env.db", "Europe/Kaliningrad", 1999, [{ path: "/dev/ttyACM0", baudRate: 115200 }]]);
  });

  it("reports every problem as where: path: message", () => {
    const p = file(JSON.stringify({ timeZone: "Mars/Olympus", serial: { ports: [{ path: "" }] }, mqtt: { url: "http://x" }, extra: 1 }));
    expect(problems(() => loadConfig({ file: p, env: { LOYALTY_DEMO: "maybe" } })).sort()).toEqual(
      [
        "env LOYALTY_DEMO: expected true or false, got 'maybe'",
        `${p}: (root): unknown field "extra"`,
        `${p}: mqtt.url: expected mqtt://, mqtts://, ws:// or wss://`,
        `${p}: serial.ports.0.path: expected at least 1 character`,
        `${p}: timeZone: not an IANA time zone (e.g. Europe/Moscow)`,
      ].sort(),
    );
  });

  it("names an unreadable or malformed file", () => {
    expect(problems(() => loadConfig({ file: "/no/such/file.json", env: {} }))[0]).toMatch(/^\/no\/such\/file\.json: cannot read: /);
    const p = file("{ not json");
    expect(problems(() => loadConfig({ file: p, env: {} }))[0]).toMatch(new RegExp(`^${p}: not valid JSON`));
  });
});
