/** Starts a real gateway for a test: a temporary SQLite file, the embedded broker on a free port, silent logs. */
import { startGateway, type Gateway } from "../../gateway/app.ts";
import type { ConfigInput } from "../../gateway/config/schema.ts";
import { createLogger, silentLogger } from "../../gateway/log.ts";
import { testConfig } from "../../gateway/testkit/config.ts";

/** Set LB_TEST_LOG=/path/to/file to get the gateway's debug log of a test run. */
export async function testGateway(overrides: ConfigInput = {}): Promise<Gateway> {
  const file = process.env.LB_TEST_LOG;
  return startGateway(testConfig(overrides), { log: file ? createLogger((process.env.LB_TEST_LOG_LEVEL as "debug" | undefined) ?? "debug", file) : silentLogger() });
}
