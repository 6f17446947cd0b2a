/**
 * The gateway's configuration: one zod schema, defaults that work with no file at all (docs/configuration.md).
 * The type is inferred from the schema, so the two cannot drift.
 */
import { Cron } from "croner";
import { z } from "zod";
import { DEFAULT_TOPIC_PREFIX } from "../../protocol/topics.ts";
import { DEFAULT_HUB_PREFIX, hubStoreId } from "../hub/wire.ts";
import { isLoopbackHost } from "../http/loopback.ts";
import { gatewayHttpSchema } from "./http-schema.ts";
import { LOG_LEVELS } from "../log.ts";

/** A nightly job's cron expression, read in a time zone (croner checks it); 00:05 by default. Also the hub's. */
export const nightlyCron = z
  .string()
  .default("5 0 * * *")
  .refine((c) => {
    try {
      new Cron(c, { paused: true }).stop();
      return true;
    } catch {
      return false;
    }
  }, "not a cron expression (e.g. 5 0 * * * for 00:05 every day)");

/** The files a nightly job writes per report. Also the hub's. */
export const nightlyFormats = z.array(z.enum(["html", "csv", "json"])).min(1).default(["html", "csv", "json"]);

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "not an IANA time zone (e.g. Europe/Moscow)");

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a day YYYY-MM-DD");

const reference = z
  .object({
    inkOffice: z.number().min(0).max(100),
    inkStaff: z.number().min(0).max(100),
    close: z.number().min(0).max(100).default(5),
    muchHigher: z.number().min(0).max(100).default(10),
  })
  .strict();

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
          .object({
            enabled: z.boolean().default(true),
            host: z.string().default("127.0.0.1"),
            port: z.number().int().min(0).max(65535).default(1883),
            /** The plain listener on `port`; off once no ESP8266 (no TLS in Espruino 2v29) is left (docs/operations.md "TLS"). */
            plain: z.boolean().default(true),
            /** The TLS listener: on by default when the broker listens beyond loopback (where WiFi terminals reach it). */
            tls: z
              .object({
                enabled: z.boolean().optional(),
                port: z.number().int().min(0).max(65535).default(8883),
                /** PEM certificate and key; when both are absent, a self-signed pair is generated beside the database. */
                cert: z.string().min(1).optional(),
                key: z.string().min(1).optional(),
              })
              .strict()
              .prefault({})
              .refine((t) => (t.cert === undefined) === (t.key === undefined), { message: "give both cert and key, or neither (a certificate is then generated)" }),
          })
          .strict()
          .prefault({})
          .transform((e) => ({ ...e, tls: { ...e.tls, enabled: e.tls.enabled ?? !isLoopbackHost(e.host) } }))
          .refine((e) => e.plain || e.tls.enabled, { message: "plain and tls.enabled are both off: devices could not connect (turn one on, or set enabled: false)", path: ["plain"] }),
        topicPrefix: z.string().regex(/^[A-Za-z0-9_-]+$/).default(DEFAULT_TOPIC_PREFIX),
        clientId: z.string().min(1).max(23).default("loyalty-gateway"),
      })
      .strict()
      .prefault({}),
    ingest: z
      .object({
        batchMs: z.number().int().min(0).max(1000).default(2),
        batchMax: z.number().int().min(1).default(2000),
        nackIntervalMs: z.number().int().min(0).default(1000),
        deriveIntervalMs: z.number().int().min(10).default(1000),
        /** Caps and expiry of what unpaired devices leave behind (docs/gateway.md#floods). */
        limits: z
          .object({
            /** Pending devices (never paired, no event) kept; past it the least recently heard are dropped. */
            pendingDevices: z.number().int().min(1).default(500),
            /** A pending device not heard for this long is dropped (it comes back with its next hello). */
            pendingDeviceTtlMs: z.number().int().min(60_000).default(7 * 86_400_000),
            /** Boots kept per device; past it the oldest without a stored event (and not the current one) go. */
            bootsPerDevice: z.number().int().min(2).default(100),
            /** A boot without a stored event, not its device's current one, is dropped after this long. */
            bootTtlMs: z.number().int().min(3_600_000).default(30 * 86_400_000),
            /** Clock-log rows (clock corrections sent, offsets observed) kept per device, newest first. */
            clockLogPerDevice: z.number().int().min(50).default(1000),
          })
          .strict()
          .prefault({}),
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
    /** Index settings (docs/indices.md). */
    indices: z
      .object({
        /** Correction coefficient for silent customers: one value, or a history of values by the day they take effect. */
        k: z
          .union([z.number().min(0).max(1), z.array(z.object({ from: day, k: z.number().min(0).max(1) }).strict()).min(1)])
          .default(0.8),
        /** Samples smaller than this are flagged. */
        minSample: z.number().int().min(1).default(30),
        /** «Уровень форс-мажора» above this share warns that the period is unfit for judging quality. */
        fmThreshold: z.number().min(0).max(1).default(0.1),
        /** Which reference values the diagnosis uses. */
        businessType: z.string().default("retail"),
        references: z
          .record(z.string(), reference)
          .default({
            retail: { inkOffice: 20, inkStaff: 20, close: 5, muchHigher: 10 },
            bank: { inkOffice: 15, inkStaff: 15, close: 5, muchHigher: 10 },
          }),
      })
      .strict()
      .prefault({})
      .refine((i) => i.businessType in i.references, { message: "businessType has no entry in references", path: ["businessType"] }),
    reports: z
      .object({
        folder: z.string().min(1).default("./reports"),
        /** Days in the HTML report's trend charts. */
        trendDays: z.number().int().min(2).max(366).default(30),
        nightly: z
          .object({
            enabled: z.boolean().default(true),
            /** Cron expression, read in each store's time zone. */
            cron: nightlyCron,
            formats: nightlyFormats,
            /**
             * How long after start the job waits before writing the nights it missed (ms, default 5 min): the
             * terminals first deliver what they kept while the gateway was down.
             */
            catchUpDelayMs: z.number().int().min(0).max(86_400_000).default(300_000),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** Reports and the review API over HTTP. */
    http: gatewayHttpSchema(8080),
    /** The SMTP server alerts and scheduled reports are mailed through (docs/alerts.md#delivery); no host: no e-mail. */
    smtp: z
      .object({
        host: z.string().min(1).optional(),
        port: z.number().int().min(1).max(65535).default(587),
        /** TLS from the start (port 465); false: STARTTLS when the server offers it. */
        secure: z.boolean().default(false),
        user: z.string().optional(),
        pass: z.string().optional(),
        from: z.string().min(3).default("loyalty@localhost"),
      })
      .strict()
      .prefault({}),
    /** Alert rules are evaluated as data arrives and on a timer (docs/alerts.md). */
    alerts: z
      .object({
        enabled: z.boolean().default(true),
        /** The timer that catches what no data brings (a terminal gone silent), ms. */
        checkIntervalMs: z.number().int().min(100).max(3_600_000).default(30_000),
        /** After a commit or rebuild, wait this long for more before evaluating (ms): a burst is one evaluation. */
        settleMs: z.number().int().min(0).max(60_000).default(250),
        webhook: z
          .object({
            timeoutMs: z.number().int().min(100).max(120_000).default(5000),
            /** Attempts after the first, each after twice the previous wait. */
            retries: z.number().int().min(0).max(10).default(3),
            backoffMs: z.number().int().min(10).max(600_000).default(1000),
          })
          .strict()
          .prefault({}),
        /** Reports mailed on a schedule, read in `timeZone`, with the HTML report attached. */
        reports: z
          .array(
            z
              .object({
                every: z.enum(["daily", "weekly", "monthly"]),
                /** Local time of sending, HH:MM. */
                at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM, e.g. 07:00").default("07:00"),
                to: z.array(z.email("an e-mail address, e.g. manager@example.com")).min(1),
                stores: z.array(z.string().min(1)).default([]),
                groupBy: z.string().default("store,terminal"),
              })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .prefault({}),
    /** Forwarding to the chain's hub (docs/hub.md): off until `url` is set. */
    hub: z
      .object({
        /** The hub's MQTT broker, e.g. mqtts://hub.example:8883. */
        url: z.string().regex(/^(mqtts?|tcp|tls|wss?):\/\//, "expected mqtt://, mqtts://, ws:// or wss://").optional(),
        username: z.string().optional(),
        password: z.string().optional(),
        /** A CA certificate file (PEM) for an mqtts:// hub whose certificate no system CA signs. */
        ca: z.string().min(1).optional(),
        /** This store gateway's id at the hub (usually its store's id); required with `url`, never changed after. */
        storeId: hubStoreId.optional(),
        topicPrefix: z.string().regex(/^[A-Za-z0-9_-]+$/).default(DEFAULT_HUB_PREFIX),
        /** Outbox rows per batch. */
        batchMax: z.number().int().min(1).max(10_000).default(1000),
        /** How long an unacked batch waits before it is sent again; doubled after each wait, up to maxBackoffMs. */
        ackTimeoutMs: z.number().int().min(100).default(10_000),
        /** The longest wait between reconnects to the hub's broker and between resends of an unacked batch. */
        maxBackoffMs: z.number().int().min(100).default(60_000),
        /** How often the outbox is looked at for new rows. */
        pollMs: z.number().int().min(10).default(200),
        /** An empty batch when there is nothing to send, so the hub knows the store is there. */
        heartbeatMs: z.number().int().min(100).default(30_000),
        /** MQTT keepalive: a silent connection (a WAN cut) is dropped 1.5 × this after the broker last answered, and made again. */
        /** Batches sent to the hub before the first is acked: their reads, hops and commits overlap (docs/hub.md). */
        inFlight: z.number().int().min(1).max(32).default(4),
        keepaliveS: z.number().int().min(1).max(65_535).default(60),
      })
      .strict()
      .prefault({})
      .refine((h) => h.url === undefined || h.storeId !== undefined, { message: "hub.url is set: give hub.storeId too (this store's id at the hub)", path: ["storeId"] }),
    /** Run a simulated terminal inside the gateway so a newcomer sees it work (README's first command). */
    demo: z
      .object({
        enabled: z.boolean().default(false),
        /** The demo's live loop: a press every this many ms after the replay; 0 for none (docs/demo.md). */
        liveGapMs: z.number().int().min(0).max(3_600_000).default(5000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
