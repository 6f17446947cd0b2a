/** `loyalty gateway`: runs the gateway until SIGINT or SIGTERM, then shuts down cleanly. */
import type { Command } from "commander";
import { startGateway } from "../app.ts";
import { startDemo, DEMO_TERMINAL } from "../demo/demo.ts";
import { createLogger } from "../log.ts";
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
    .option("--demo", "also run a simulated terminal that presses buttons (what `npm start` does)")
    .action(async (f: GatewayFlags) => {
      const overrides: Record<string, unknown> = {};
      if (f.db) overrides.database = f.db;
      if (f.tz) overrides.timeZone = f.tz;
      if (f.logLevel) overrides.log = { level: f.logLevel };
      if (f.serial) overrides.serial = { ports: f.serial.map((path) => ({ path })) };
      if (f.mqttUrl || f.mqttPort) overrides.mqtt = { ...(f.mqttUrl ? { url: f.mqttUrl } : {}), ...(f.mqttPort ? { embedded: { port: Number(f.mqttPort) } } : {}) };
      if (f.demo) overrides.demo = { enabled: true };
      const config = configFrom({ config: f.config }, overrides);
      const log = createLogger(config.log.level, config.log.file);
      const gw = await startGateway(config, { log });
      const demo = config.demo.enabled ? await startDemo(gw, log.child({ part: "demo" }), config.timeZone) : undefined;
      io.out(
        [
          `Gateway running. Database: ${config.database}. MQTT: ${gw.mqttUrl || "off"}. Serial: ${config.serial.ports.map((p) => p.path).join(", ") || "none"}.`,
          demo ? `A simulated terminal (${DEMO_TERMINAL}) is pressing buttons; every press is logged.` : "",
          "In another terminal try:  npx loyalty status    npx loyalty pair    npx loyalty terminals",
          "Stop with Ctrl+C.",
          "",
        ]
          .filter((l, i, all) => l !== "" || i === all.length - 1)
          .join("\n"),
      );
      await new Promise<void>((resolve) => {
        const done = (signal: string) => {
          log.info({ signal }, "shutting down");
          resolve();
        };
        process.once("SIGINT", () => done("SIGINT"));
        process.once("SIGTERM", () => done("SIGTERM"));
      });
      await demo?.stop();
      await gw.stop();
    });
}
