/** `loyalty hub` runs the chain hub until SIGINT or SIGTERM; `loyalty hub status` shows each store's lag (docs/hub.md). */
import type { Command } from "commander";
import pg from "pg";
import { loadHubConfig, type HubConfig } from "../hub/config.ts";
import { Hub } from "../hub/hub.ts";
import { readHubStatus } from "../hub/status.ts";
import { createLogger } from "../log.ts";
import { table } from "../reports/table.ts";
import { ago } from "./ago.ts";
import { registerHubResend } from "./hub-resend-command.ts";
import { registerHubReview } from "./hub-review-command.ts";
import type { CliIo } from "./io.ts";

interface HubFlags {
  config?: string;
  pgUrl?: string;
  mqttUrl?: string;
  logLevel?: string;
}

function hubConfigFrom(f: HubFlags): HubConfig {
  return loadHubConfig({
    file: f.config,
    overrides: {
      ...(f.pgUrl ? { postgres: { url: f.pgUrl } } : {}),
      ...(f.mqttUrl ? { mqtt: { url: f.mqttUrl } } : {}),
      ...(f.logLevel ? { log: { level: f.logLevel } } : {}),
    },
  });
}

function withHubFlags(cmd: Command): Command {
  return cmd
    .option("-c, --config <file>", "the hub's JSON config file (docs/hub.md#running-a-hub)")
    .option("--pg-url <url>", "PostgreSQL, postgres://user:password@host:port/database")
    .option("--mqtt-url <url>", "the hub's MQTT broker, where the stores send");
}

export function registerHub(program: Command, io: CliIo): void {
  const hub = withHubFlags(program.command("hub").description("run the chain hub: every store gateway's rows into one PostgreSQL (docs/hub.md)"))
    .option("--log-level <level>", "fatal, error, warn, info, debug, trace or silent")
    .action(async (f: HubFlags) => {
      const config = hubConfigFrom(f);
      const log = createLogger(config.log.level, config.log.file);
      const h = new Hub(config, { log });
      /* A start that fails (PostgreSQL, the HTTP port) closes what it opened, so the command ends with its reason. */
      await h.start().catch(async (e: unknown) => {
        await h.stop();
        throw e;
      });
      const http = h.http ? ` HTTP: ${h.http.url} (chain reports, status).` : "";
      io.out(`Hub running. PostgreSQL: ${redact(config.postgres.url)}. Broker: ${config.mqtt.url}, topics ${config.mqtt.topicPrefix}/<store>/batch and /ack.${http}\nStop with Ctrl+C; \`loyalty hub status\` shows each store's lag.\n`);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
      await h.stop();
    });
  withHubFlags(hub.command("status").description("each store's lag (rows not yet at the hub), last contact, and alarms"))
    .option("--json", "print JSON instead of a table")
    .action(async (f: HubFlags & { json?: boolean }) => {
      const config = hubConfigFrom({ ...f, ...(hub.opts() as HubFlags), ...stripUndefined(f) });
      const pool = new pg.Pool({ connectionString: config.postgres.url, max: 1 });
      pool.on("error", () => undefined);
      try {
        const now = Date.now();
        const s = await readHubStatus(pool, config.alarms, now, config.indices).catch((e: Error) => {
          throw new Error(`cannot read the hub's database (${redact(config.postgres.url)}): ${e.message}`);
        });
        if (f.json) io.out(JSON.stringify(s, null, 2) + "\n");
        else if (s.stores.length === 0) io.out("No store has forwarded to this hub yet.\n");
        else {
          io.out(table(["store", "committed", "store's last", "lag", "events", "last contact", "last commit"], s.stores.map((x) => [x.store, x.committed, x.last, x.lag, x.events, ago(now, x.lastContactMs), ago(now, x.lastCommitMs)])));
          for (const a of s.alarms) io.out(`ALARM: ${a}\n`);
          for (const w of s.warnings) io.out(`WARNING: ${w}\n`);
        }
        /* Exit code 1 when any store is past a threshold, for a monitoring check. */
        if (s.alarms.length) io.exitCode(1);
      } finally {
        await pool.end();
      }
    });
  registerHubResend(hub, io);
  registerHubReview(hub, io, withHubFlags, (f) => hubConfigFrom({ ...(hub.opts() as HubFlags), ...stripUndefined(f) }));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A URL without its password, for output. */
function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, "$1***@");
}
