/**
 * The gateway's configuration: one zod schema, defaults that work with no file at all (docs/configuration.md).
 * The type is inferred from the schema, so the two cannot drift.
 */
import { z } from "zod";
import { DEFAULT_TOPIC_PREFIX } from "../../protocol/topics.ts";
import { LOG_LEVELS } from "../log.ts";

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "not an IANA time zone (e.g. Europe/Moscow)");

const hex4 = z.string().regex(/^[0-9a-fA-F]{4}$/, "expected a 4-digit hex USB id, e.g. 0483");

export const configSchema = z
  .object({
    /** SQLite file; its folder is created. */
    database: z.string().min(1).default("./data/loyalty.sqlite"),
    /** The store's IANA time zone (a day is the store's local calendar day). */
    timeZone: timeZone.default(() => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"),
    log: z
      .object({ level: z.enum(LOG_LEVELS).default("info"), file: z.string().optional() })
      .strict()
      .prefault({}),
    serial: z
      .object({
        ports: z
          .array(z.object({ path: z.string().min(1), baudRate: z.number().int().positive().default(115200) }).strict())
          .default([]),
        /** Open every port whose USB vendor id is listed (needs udev's `udevadm`). */
        autodetect: z
          .object({
            enabled: z.boolean().default(false),
            vendorIds: z.array(hex4).default(["0483", "303a", "10c4", "1a86"]),
            intervalMs: z.number().int().min(500).default(5000),
          })
          .strict()
          .prefault({}),
        retryMs: z.number().int().min(50).default(1000),
      })
      .strict()
      .prefault({}),
    mqtt: z
      .object({
        /** An external broker, e.g. mqtts://broker.local:8883; when set, the embedded broker is not started. */
        url: z.string().regex(/^(mqtts?|tcp|tls|wss?):\/\//, "expected mqtt://, mqtts://, ws:// or wss://").optional(),
        username: z.string().optional(),
        password: z.string().optional(),
        tls: z
          .object({ ca: z.string().optional(), cert: z.string().optional(), key: z.string().optional(), rejectUnauthorized: z.boolean().default(true) })
          .strict()
          .optional(),
        embedded: z
          .object({ enabled: z.boolean().default(true), host: z.string().default("127.0.0.1"), port: z.number().int().min(0).max(65535).default(1883) })
          .strict()
          .prefault({}),
        topicPrefix: z.string().regex(/^[A-Za-z0-9_-]+$/).default(DEFAULT_TOPIC_PREFIX),
        clientId: z.string().min(1).max(23).default("loyalty-gateway"),
      })
      .strict()
      .prefault({}),
    ingest: z
      .object({
        batchMs: z.number().int().min(0).max(1000).default(5),
        batchMax: z.number().int().min(1).default(2000),
        nackIntervalMs: z.number().int().min(0).default(1000),
        deriveIntervalMs: z.number().int().min(10).default(1000),
      })
      .strict()
      .prefault({}),
    clock: z
      .object({ syncIntervalMs: z.number().int().min(1000).default(3_600_000), toleranceMs: z.number().int().min(10).default(2000) })
      .strict()
      .prefault({}),
    /** Terminal settings before an installer changes them (methodology defaults). */
    terminalDefaults: z
      .object({
        windowMs: z.number().int().min(1000).max(600_000).default(30_000),
        longMs: z.number().int().min(500).max(60_000).default(3000),
        fmMaxMs: z.number().int().min(60_000).max(86_400_000).default(1_800_000),
        heartbeatMs: z.number().int().min(1000).max(3_600_000).default(60_000),
      })
      .strict()
      .prefault({}),
    /** Run a simulated terminal inside the gateway so a newcomer sees it work (README's first command). */
    demo: z.object({ enabled: z.boolean().default(false) }).strict().prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
