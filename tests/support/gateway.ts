/** Starts a real gateway for a test: a temporary SQLite file, the embedded broker on a free port, silent logs. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGateway, type Gateway } from "../../gateway/app.ts";
import { loadConfig } from "../../gateway/config/load.ts";
import type { ConfigInput } from "../../gateway/config/schema.ts";
import { createLogger, silentLogger } from "../../gateway/log.ts";

export function testConfig(overrides: ConfigInput = {}) {
  const dir = mkdtempSync(join(tmpdir(), "lb-gw-"));
  return loadConfig({
    env: {},
    overrides: {
      database: join(dir, "loyalty.sqlite"),
      timeZone: "Europe/Moscow",
      reports: { folder: join(dir, "reports") },
      ...overrides,
      http: { port: 0, ...(overrides.http ?? {}) },
      mqtt: { embedded: { port: 0 }, ...(overrides.mqtt ?? {}) },
    } as Record<string, unknown>,
  });
}

/** Set LB_TEST_LOG=/path/to/file to get the gateway's debug log of a test run. */
export async function testGateway(overrides: ConfigInput = {}): Promise<Gateway> {
  const file = process.env.LB_TEST_LOG;
  return startGateway(testConfig(overrides), { log: file ? createLogger((process.env.LB_TEST_LOG_LEVEL as "debug" | undefined) ?? "debug", file) : silentLogger() });
}
