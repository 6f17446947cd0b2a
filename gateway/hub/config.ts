/**
 * The hub's configuration (`loyalty hub --config hub.json`, docs/hub.md#running-a-hub): its own file, one zod
 * schema, the type inferred from it. Problems are reported as `where: path: message` lines (config/load.ts).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { issueLines, inWords } from "../../protocol/zod-words.ts";
import { ConfigError } from "../config/load.ts";
import { httpSchema } from "../config/http-schema.ts";
import { configSchema, nightlyCron, nightlyFormats } from "../config/schema.ts";
import { LOG_LEVELS } from "../log.ts";
import { parseGroupBy } from "../reports/query.ts";
import { DEFAULT_HUB_PREFIX } from "./wire.ts";

export const hubConfigSchema = z
  .object({
    postgres: z
      .object({
        /** postgres://user:password@host:5432/database */
        url: z.string().regex(/^postgres(ql)?:\/\//, "expected postgres://user:password@host:port/database"),
        /** Connections the hub keeps open. */
        poolSize: z.number().int().min(1).max(100).default(4),
      })
      .strict(),
    mqtt: z
      .object({
        url: z.string().regex(/^(mqtts?|tcp|tls|wss?):\/\//, "expected mqtt://, mqtts://, ws:// or wss://"),
        username: z.string().optional(),
        password: z.string().optional(),
        /** A CA certificate file (PEM) for an mqtts:// broker whose certificate no system CA signs. */
        ca: z.string().min(1).optional(),
        /** The hub's client id; its session is kept by the broker, so batches sent while the hub is down wait there. */
        clientId: z.string().min(1).max(64).default("loyalty-hub"),
        topicPrefix: z.string().regex(/^[A-Za-z0-9_-]+$/).default(DEFAULT_HUB_PREFIX),
      })
      .strict(),
    /** When `loyalty hub status` raises an alarm for a store. */
    alarms: z
      .object({
        /** Rows the store has numbered and the hub has not committed. */
        lagRows: z.number().int().min(0).default(10_000),
        /** Time since the store was last heard (its forwarder sends a heartbeat every 30 s by default). */
        silentMs: z.number().int().min(1000).default(600_000),
      })
      .strict()
      .prefault({}),
    log: z.object({ level: z.enum(LOG_LEVELS).default("info"), file: z.string().optional() }).strict().prefault({}),
    /*
     * Derivation and chain reports (docs/hub.md#derivation): the same settings as a store gateway's, with the same
     * defaults. They must be the stores' own for the hub's figures to be theirs.
     */
    /** The time zone of `loyalty report --hub`'s `today`, `yesterday` and `-N` (each store's days are its own). */
    timeZone: configSchema.shape.timeZone,
    /** Terminal settings no pairing or change has set: as the stores' `terminalDefaults`. */
    terminalDefaults: configSchema.shape.terminalDefaults,
    /** Index settings: as the stores' `indices`. */
    indices: configSchema.shape.indices,
    reports: z
      .object({
        /** Days in the trend series. */
        trendDays: z.number().int().min(2).max(366).default(30),
        /** The nightly job's folder (docs/hub.md#chain-reports): `<day>.json`, `.csv`, `.html` of the chain. */
        folder: z.string().min(1).default("./hub-reports"),
        nightly: z
          .object({
            enabled: z.boolean().default(true),
            /** Cron expression, read in the hub's `timeZone`: after the last store's midnight. */
            cron: nightlyCron,
            formats: nightlyFormats,
            /** The dimensions of the nightly chain report, as `loyalty report --group-by`. */
            groupBy: z
              .string()
              .default("region,store")
              .superRefine((g, ctx) => {
                try {
                  parseGroupBy(g);
                } catch (e) {
                  ctx.addIssue({ code: "custom", message: (e as Error).message.replace(/^--group-by: /, "") });
                }
              }),
            /** How long after start the hub waits before writing the nights it missed: the stores first forward what waited. */
            catchUpDelayMs: z.number().int().min(0).max(86_400_000).default(300_000),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** The hub's HTTP API (docs/hub.md#http): chain reports, status, health; loopback only without a token. */
    http: httpSchema(8090),
    derive: z
      .object({
        /** How often the hub re-derives the terminals that batches changed. */
        pollMs: z.number().int().min(50).max(600_000).default(1000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type HubConfig = z.infer<typeof hubConfigSchema>;
export type HubConfigInput = z.input<typeof hubConfigSchema>;

/** Environment variables the hub reads (docs/configuration.md), each over the file. */
const HUB_ENV: Record<string, [string, string] | [string, string, "int"]> = {
  LOYALTY_HUB_PG_URL: ["postgres", "url"],
  LOYALTY_HUB_MQTT_URL: ["mqtt", "url"],
  LOYALTY_HUB_MQTT_USERNAME: ["mqtt", "username"],
  LOYALTY_HUB_MQTT_PASSWORD: ["mqtt", "password"],
  LOYALTY_HUB_HTTP_HOST: ["http", "host"],
  LOYALTY_HUB_HTTP_PORT: ["http", "port", "int"],
  LOYALTY_HUB_HTTP_TOKEN: ["http", "token"],
};

type Json = Record<string, unknown>;

/** Reads the hub's configuration: the file, then the environment, then `overrides` (flags). */
export function loadHubConfig(o: { file?: string | undefined; env?: NodeJS.ProcessEnv; overrides?: Json } = {}): HubConfig {
  const where = o.file ?? "hub config";
  let input: Json = {};
  if (o.file) {
    let text: string;
    try {
      text = readFileSync(o.file, "utf8");
    } catch (e) {
      throw new ConfigError([`${o.file}: cannot read: ${(e as Error).message}`]);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ConfigError([`${o.file}: expected a JSON object`]);
      input = parsed as Json;
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      throw new ConfigError([`${o.file}: not valid JSON: ${(e as Error).message}`]);
    }
  }
  const env = o.env ?? process.env;
  for (const [name, [section, key, type]] of Object.entries(HUB_ENV)) {
    const v = env[name];
    /* A port that is not a number stays text, so the schema names it ("expected a number"). */
    if (v) input[section] = { ...((input[section] as Json | undefined) ?? {}), [key]: type === "int" && /^\d+$/.test(v) ? Number(v) : v };
  }
  for (const [section, value] of Object.entries(o.overrides ?? {})) input[section] = { ...((input[section] as Json | undefined) ?? {}), ...(value as Json) };
  const r = hubConfigSchema.safeParse(input, { error: inWords });
  if (!r.success) throw new ConfigError(issueLines(r.error).map((line) => `${where}: ${line}`));
  return r.data;
}
