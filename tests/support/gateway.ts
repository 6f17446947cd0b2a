/** Starts a real gateway for a test: a temporary SQLite file, the embedded broker on a free port, silent logs. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGateway, type Gateway } from "../../gateway/app.ts";
import { loadConfig } from "../../gateway/config/load.ts";
import type { ConfigInput } from "../../gateway/config/schema.ts";
import { silentLogger } from "../../gateway/log.ts";

export function testConfig(overrides: ConfigInput = {}) {
  const dir = mkdtempSync(join(tmpdir(), "lb-gw-"));
  return loadConfig({
    env: {},
    overrides: {
      database: join(dir, "loyalty.sqlite"),
      timeZone: "Europe/Moscow",
      ...overrides,
      mqtt: { embedded: { port: 0 }, ...(overrides.mqtt ?? {}) },
    } as Record<string, unknown>,
  });
}

export async function testGateway(overrides: ConfigInput = {}): Promise<Gateway> {
  return startGateway(testConfig(overrides), { log: silentLogger() });
}
