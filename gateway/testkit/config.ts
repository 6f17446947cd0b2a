/** A gateway configuration for a test or benchmark: a temporary SQLite file and reports folder, free ports, Moscow time. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../config/load.ts";
import type { Config, ConfigInput } from "../config/schema.ts";

export function testConfig(overrides: ConfigInput = {}): Config {
  const dir = mkdtempSync(join(tmpdir(), "lb-gw-"));
  return loadConfig({
    env: {},
    overrides: {
      database: join(dir, "loyalty.sqlite"),
      timeZone: "Europe/Moscow",
      reports: { folder: join(dir, "reports") },
      ...overrides,
      http: { port: 0, ...(overrides.http ?? {}) },
      mqtt: { embedded: { port: 0, tls: { port: 0 } }, ...(overrides.mqtt ?? {}) },
    } as Record<string, unknown>,
  });
}
