/** `loyalty gateway`: flags to config, start the gateway (app.ts), run until SIGINT or SIGTERM, stop it cleanly. */
import type { Command } from "commander";
import { startGateway } from "../app.ts";
import { createLogger } from "../log.ts";
import { webFirstRun } from "../web/first-run.ts";
import { demoSummary } from "./demo-text.ts";
import type { CliIo } from "./io.ts";
import { configFrom } from "./open.ts";

interface GatewayFlags {
  config?: string;
  db?: string;
  serial?: string[];
  mqttUrl?: string;
  mqttPort?: string;
  tz?: string;
  logLevel?: string;
  demo?: boolean;
}

export function registerGateway(program: Command, io: CliIo): void {
  program
    .command("gateway")
    .description("run the gateway (no config needed: SQLite under ./data, embedded MQTT broker on 127.0.0.1:1883)")
    .option("-c, --config <file>", "JSON config file (docs/configuration.md)")
    .option("--db <path>", "SQLite database file")
    .option("--serial <path...>", "serial ports to read (e.g. /dev/ttyACM0)")
    .option("--mqtt-url <url>", "use this MQTT broker instead of the embedded one")
    .option("--mqtt-port <port>", "port of the embedded broker")
    .option("--tz <zone>", "the store's IANA time zone, e.g. Europe/Moscow")
    .option("--log-level <level>", "fatal, error, warn, info, debug, trace or silent")
    .option("--demo", "also run two simulated terminals (real firmware, serial and MQTT) that replay yesterday and press live (what `npm start` does)")
    .action(async (f: GatewayFlags) => {
      const overrides: Record<string, unknown> = {};
      if (f.db) overrides.database = f.db;
      if (f.tz) overrides.timeZone = f.tz;
      if (f.logLevel) overrides.log = { level: f.logLevel };
      /* The demo narrates on stdout; the gateway's own log keeps to warnings unless asked (docs/demo.md). */
      else if (f.demo && !f.config && !process.env.LOYALTY_LOG_LEVEL) overrides.log = { level: "warn" };
      if (f.serial) overrides.serial = { ports: f.serial.map((path) => ({ path })) };
      if (f.mqttUrl || f.mqttPort) overrides.mqtt = { ...(f.mqttUrl ? { url: f.mqttUrl } : {}), ...(f.mqttPort ? { embedded: { port: Number(f.mqttPort) } } : {}) };
      if (f.demo) overrides.demo = { enabled: true };
      const config = configFrom({ config: f.config }, overrides);
      const log = createLogger(config.log.level, config.log.file);
      const gw = await startGateway(config, { log, say: (line) => io.out(line + "\n") });
      /* Before the lines that end in "Stop with Ctrl+C": the signal handlers below are set right after them. */
      io.out(await webFirstRun(gw.store, { url: gw.http?.url, demo: gw.demo !== undefined, db: config.database, now: Date.now() }));
      if (gw.demo) io.out(demoSummary({ demo: gw.demo, database: config.database, httpUrl: gw.http?.url }));
      else io.out(`In another terminal try:  npx loyalty status    npx loyalty pair    npx loyalty terminals    npx loyalty report${gw.http ? `\nReports and the review API: ${gw.http.url}/report` : ""}\nStop with Ctrl+C.\n`);
      await new Promise<void>((resolve) => {
        const done = (signal: string) => {
          log.info({ signal }, "shutting down");
          resolve();
        };
        process.once("SIGINT", () => done("SIGINT"));
        process.once("SIGTERM", () => done("SIGTERM"));
      });
      await gw.stop();
    });
}
