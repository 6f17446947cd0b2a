/**
 * The one place that builds the gateway from its configuration and starts and stops it. Each part's constructor
 * only assigns; its I/O happens in start() and stop() (lifecycle.ts). Parts start in the order below and stop in
 * the reverse order, so that everything that can still carry an ack or a rebuild is stopped after what feeds it.
 */
import { Delivery } from "./alerts/delivery.ts";
import { AlertEngine } from "./alerts/engine.ts";
import { ScheduledReports } from "./alerts/scheduled-reports.ts";
import type { Config } from "./config/schema.ts";
import type { Demo } from "./demo/demo.ts";
import { HubForwarder } from "./hub/forwarder.ts";
import { HttpServer } from "./http/server.ts";
import { EmbeddedBroker, type LocalBus } from "./ingest/broker.ts";
import { brokerCertificate } from "./ingest/broker-cert.ts";
import { Ingest } from "./ingest/ingest.ts";
import { MqttIngest } from "./ingest/mqtt.ts";
import { PortDetector } from "./ingest/port-detector.ts";
import { SerialPorts, type SerialLink } from "./ingest/serial.ts";
import { realSerialPorts } from "./ingest/serial-port.ts";
import { Lifecycle, type Part } from "./lifecycle.ts";
import type { Logger } from "./log.ts";
import { NightlyReports } from "./reports/nightly.ts";
import { indexSettings } from "./reports/settings.ts";
import { openStore, type Store } from "./store/store.ts";
import { terminalDefaults } from "./terminals/config.ts";
import { LiveHub } from "./web/dashboard/live.ts";
import { Workers } from "./workers.ts";

export interface Gateway {
  readonly store: Store;
  readonly ingest: Ingest;
  readonly workers: Workers;
  /** The broker URL in use (embedded or external); "" when MQTT is off. */
  readonly mqttUrl: string;
  /** The embedded broker, when the gateway runs it. */
  readonly broker: EmbeddedBroker | undefined;
  readonly serial: SerialLink[];
  /** The reports and review API, when enabled. */
  readonly http: HttpServer | undefined;
  /** The web dashboard's push (server-sent events), when HTTP is on. */
  readonly live: LiveHub | undefined;
  readonly nightly: NightlyReports | undefined;
  /** The alert engine (docs/alerts.md), unless `alerts.enabled` is false. */
  readonly alerts: AlertEngine | undefined;
  /** Sends alerts and scheduled reports by e-mail and webhook. */
  readonly delivery: Delivery;
  readonly scheduledReports: ScheduledReports | undefined;
  /** The forwarder to the chain hub, when `hub.url` is set (docs/hub.md). */
  readonly hub: HubForwarder | undefined;
  /** The simulated terminals, when `demo.enabled` (`npm start`). */
  readonly demo: Demo | undefined;
  /** Opens one more serial port now (the port detector, the demo's pseudo-terminal). */
  openSerial(path: string, baudRate?: number): void;
  /** Closes a port opened with openSerial (the demo's, when it stops). */
  closeSerial(path: string): Promise<void>;
  stop(): Promise<void>;
}

export interface GatewayDeps {
  log: Logger;
  now?: () => number;
  /** What a person watching reads (the CLI prints it): that the gateway runs, and the demo's narration. */
  say?: (line: string) => void;
}

/** The gateway while app.ts fills it in. */
type Assembling = { -readonly [K in keyof Gateway]: Gateway[K] };

/** Serial line length kept whole before a line is cut (see ingest/line-guard.ts). */
const SERIAL_MAX_LINE = 4096;

export async function startGateway(config: Config, deps: GatewayDeps): Promise<Gateway> {
  const log = deps.log;
  const now = deps.now ?? Date.now;
  const say = deps.say ?? (() => undefined);
  /* quick_check at start: a damaged file stops the gateway with what to do (store/damaged.ts), before any part runs. */
  const store = openStore(config.database, { check: true });
  log.info({ database: config.database, events: store.events.count() }, "database open");
  const defaults = terminalDefaults(config);
  const delivery = new Delivery({ store, smtp: config.smtp, webhook: config.alerts.webhook, log: log.child({ part: "delivery" }), now });
  /* Pushes the open dashboards after the same commits, rebuilds and reviews that wake the alert engine, and after the engine opened or closed an alert. */
  const live = config.http.enabled ? new LiveHub({ store, config, log: log.child({ part: "dashboard" }), now, refreshMs: config.http.dashboardRefreshMs }) : undefined;
  const alerts = config.alerts.enabled
    ? new AlertEngine({ store, settings: indexSettings(config), delivery, log: log.child({ part: "alerts" }), now, checkIntervalMs: config.alerts.checkIntervalMs, settleMs: config.alerts.settleMs, timeZone: config.timeZone, changed: () => live?.nudge() })
    : undefined;
  const nudge =
    (alerts || live) &&
    (() => {
      alerts?.nudge();
      live?.nudge();
    });
  const ingest = new Ingest({
    store,
    log: log.child({ part: "ingest" }),
    now,
    defaults,
    batchMs: config.ingest.batchMs,
    batchMax: config.ingest.batchMax,
    nackIntervalMs: config.ingest.nackIntervalMs,
    clockToleranceMs: config.clock.toleranceMs,
    limits: config.ingest.limits,
    committed: nudge,
  });
  const workers = new Workers({ store, ingest, log: log.child({ part: "jobs" }), now, defaults, deriveIntervalMs: config.ingest.deriveIntervalMs, clockSyncMs: config.clock.syncIntervalMs, derived: nudge });
  const serialLog = log.child({ part: "serial" });
  const serial = new SerialPorts({ ports: config.serial.ports, retryMs: config.serial.retryMs, maxLine: SERIAL_MAX_LINE, openPort: realSerialPorts() }, ingest, serialLog);
  const life = new Lifecycle(log);
  const gw: Assembling = {
    store,
    ingest,
    workers,
    mqttUrl: "",
    broker: undefined,
    serial: serial.links,
    http: undefined,
    live,
    nightly: undefined,
    alerts,
    delivery,
    scheduledReports: undefined,
    hub: undefined,
    demo: undefined,
    openSerial: (path, baudRate) => serial.open(path, baudRate),
    closeSerial: (path) => serial.close(path),
    stop: async () => {
      await life.stop();
      log.info("gateway stopped");
    },
  };

  /*
   * A part the gateway cannot run without stops it when it cannot start: a taken port or an unreachable database
   * means the installation is wrong, and the gateway says so rather than run half. The nightly reports and the
   * demo are optional: the gateway's first duty is to store and ack what the devices send, and a report can be
   * written for any past day later (docs/decisions.md, "Which parts the gateway runs without"). What may fail
   * later while running is handled inside each part: serial ports and an external broker are retried until they
   * return, jobs log and run again.
   */
  try {
    life.atStop("store", () => store.close());
    /* Deliveries still retrying are given up (and logged) before the store closes. */
    life.atStop("delivery", () => delivery.stop());
    let url = config.mqtt.url;
    let local: LocalBus | undefined;
    if (url === undefined && config.mqtt.embedded.enabled) {
      const e = config.mqtt.embedded;
      /* The certificate before the broker: a bad path stops the start with a config error naming it. */
      const cert = e.tls.enabled ? await brokerCertificate(e.tls, config.database) : undefined;
      const broker = new EmbeddedBroker({
        host: e.host,
        port: e.port,
        plain: e.plain,
        tls: cert && { port: e.tls.port, cert: cert.cert, key: cert.key },
        log: log.child({ part: "broker" }),
        /* Each device's own credential, from the database that `loyalty flash` registers it in. */
        check: (serial, secret) => store.credentials.check(serial, secret),
        prefix: config.mqtt.topicPrefix,
        gatewayClientId: config.mqtt.clientId,
      });
      await life.start("broker", broker);
      gw.broker = broker;
      url = broker.url;
      local = broker.local;
      if (cert) {
        log.info({ url: broker.tlsUrl, certificate: cert.certPath, sha256: cert.fingerprint, generated: cert.created }, "MQTT over TLS");
        say(`MQTT over TLS: ${broker.tlsUrl}, certificate ${cert.certPath}${cert.created ? " (generated now)" : ""}, SHA-256 fingerprint ${cert.fingerprint}. Installers check it with \`loyalty tls\`.`);
      }
    }
    /* Stopped after the ingest: what the ingest took in last is counted and rebuilt before the store closes. */
    life.atStop("jobs' last run", () => (workers.flushRejects(), workers.derive()));
    life.atStop("ingest", () => ingest.stop());
    if (url !== undefined) {
      const m = config.mqtt;
      const mqtt = new MqttIngest(
        { url, clientId: m.clientId, prefix: m.topicPrefix, username: m.username, password: m.password, ca: m.tls?.ca, cert: m.tls?.cert, key: m.tls?.key, rejectUnauthorized: m.tls?.rejectUnauthorized },
        ingest,
        log.child({ part: "mqtt" }),
        local,
      );
      await life.start("mqtt", mqtt);
    }
    gw.mqttUrl = url ?? "";
    await life.start("serial ports", serial);
    /* Commit and ack what has arrived while the links can still carry the acks; they close right after. */
    life.atStop("last acks", () => ingest.flush());
    if (config.serial.autodetect.enabled) {
      const detector = new PortDetector(config.serial.autodetect, serialLog, (path) => {
        if (!serial.has(path)) serial.open(path, 115200);
      });
      await life.start("port detector", detector);
    }
    await life.start("jobs", workers);
    if (config.hub.url !== undefined) {
      /* Reads the outbox and records acks only; a hub that is away is retried inside (docs/hub.md). */
      const hub = new HubForwarder({ store, config: config.hub, log: log.child({ part: "hub" }), now, onReviews: () => nudge?.(), settings: { terminalDefaults: terminalDefaults(config), indices: config.indices } });
      await life.start("hub forwarder", hub);
      gw.hub = hub;
    }
    if (config.reports.nightly.enabled) {
      const nightly = new NightlyReports({ store, config, log: log.child({ part: "nightly" }), now });
      const failed = await life.startOptional("nightly reports", nightly);
      if (failed) say(`Nightly reports did not start: ${messageOf(failed.error)}. The gateway runs without them; \`loyalty report\` writes any day's report later.`);
      else gw.nightly = nightly;
    }
    if (alerts) await life.start("alerts", alerts);
    if (config.alerts.reports.length) {
      const scheduled = new ScheduledReports({ store, config, delivery, log: log.child({ part: "scheduled-reports" }), now });
      await life.start("scheduled reports", scheduled);
      gw.scheduledReports = scheduled;
    }
    if (config.http.enabled) {
      gw.http = new HttpServer({ store, config, log: log.child({ part: "http" }), now, nudgeAlerts: nudge, live: live! });
      await life.start("http", gw.http);
      /* Stopped before the HTTP server: it ends the event streams, which would keep the server from closing. */
      await life.start("dashboard push", live!);
    }
    log.info({ mqtt: url ?? "off", serial: config.serial.ports.map((p) => p.path), timeZone: config.timeZone }, "gateway running");
    say(`Gateway running. Database: ${config.database}. MQTT: ${url ?? "off"}. Serial: ${config.serial.ports.map((p) => p.path).join(", ") || "none"}. Time zone: ${config.timeZone}.`);
    if (config.demo.enabled) {
      say("Starting the demo: simulated terminals pair, replay yesterday's scripted day, then press live...");
      const failed = await life.startOptional("demo", demoPart(gw, config, { log: log.child({ part: "demo" }), say: (l) => say(`  ${l}`), now }));
      if (failed) say(`The demo did not start: ${messageOf(failed.error)}. The gateway runs without it.`);
    }
    return gw;
  } catch (err) {
    /* A start failure has stopped what started already; this is for anything else thrown on the way up (a constructor). */
    await life.stop().catch(() => undefined);
    throw err;
  }
}

/**
 * The demo as a part. Its modules are loaded when it starts, not with app.ts: they bring esbuild and the Espruino
 * simulator, which a gateway without the demo never needs. `gw.demo` is set once the demo runs.
 */
function demoPart(gw: Assembling, config: Config, o: { log: Logger; say: (line: string) => void; now: () => number }): Part {
  return {
    async start() {
      const [{ Demo }, { localDateBefore }] = await Promise.all([import("./demo/demo.ts"), import("./demo/day.ts")]);
      const date = localDateBefore(o.now(), config.timeZone, 1);
      const demo = new Demo(gw, { timeZone: config.timeZone, timing: config.terminalDefaults, log: o.log, say: o.say, date, live: { gapMs: config.demo.liveGapMs }, history: {} });
      await demo.start();
      gw.demo = demo;
    },
    stop: () => gw.demo?.stop(),
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
