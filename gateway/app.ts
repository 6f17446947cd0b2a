/**
 * The one place that builds the gateway from its configuration: store, ingest, broker, MQTT, serial ports,
 * periodic jobs, and the demo terminal. Constructors only assign; all I/O starts in startGateway and ends in stop.
 */
import type { Config } from "./config/schema.ts";
import { startEmbeddedBroker, type EmbeddedBroker } from "./ingest/broker.ts";
import { Ingest } from "./ingest/ingest.ts";
import { MqttIngest } from "./ingest/mqtt.ts";
import { SerialLink } from "./ingest/serial.ts";
import { realSerialPorts } from "./ingest/serial-port.ts";
import { PortDetector } from "./ingest/port-detector.ts";
import type { Logger } from "./log.ts";
import { openStore, type Store } from "./store/store.ts";
import { Workers } from "./workers.ts";
import { terminalDefaults } from "./terminals/config.ts";
import { startHttp, type HttpServer } from "./http/server.ts";
import { NightlyReports } from "./reports/nightly.ts";

export interface Gateway {
  readonly store: Store;
  readonly ingest: Ingest;
  readonly workers: Workers;
  /** The broker URL in use (embedded or external). */
  readonly mqttUrl: string;
  readonly serial: SerialLink[];
  /** The reports and review API, when enabled. */
  readonly http: HttpServer | undefined;
  readonly nightly: NightlyReports | undefined;
  /** Opens one more serial port now (the port detector, the demo's pseudo-terminal). */
  openSerial(path: string, baudRate?: number): void;
  stop(): Promise<void>;
}

export interface GatewayDeps {
  log: Logger;
  now?: () => number;
}

/** Serial line length kept whole before a line is cut (see ingest/line-guard.ts). */
const SERIAL_MAX_LINE = 4096;

export async function startGateway(config: Config, deps: GatewayDeps): Promise<Gateway> {
  const log = deps.log;
  const now = deps.now ?? Date.now;
  const store = openStore(config.database);
  log.info({ database: config.database, events: store.events.count() }, "database open");
  const defaults = terminalDefaults(config);
  const ingest = new Ingest({
    store,
    log: log.child({ part: "ingest" }),
    now,
    defaults,
    batchMs: config.ingest.batchMs,
    batchMax: config.ingest.batchMax,
    nackIntervalMs: config.ingest.nackIntervalMs,
    clockToleranceMs: config.clock.toleranceMs,
  });
  const workers = new Workers({ store, ingest, log: log.child({ part: "jobs" }), now, defaults, deriveIntervalMs: config.ingest.deriveIntervalMs, clockSyncMs: config.clock.syncIntervalMs });

  let broker: EmbeddedBroker | undefined;
  let mqtt: MqttIngest | undefined;
  const serial: SerialLink[] = [];
  let detector: PortDetector | undefined;
  let http: HttpServer | undefined;
  let nightly: NightlyReports | undefined;
  const stop = async () => {
    nightly?.stop();
    await http?.close();
    workers.stop();
    detector?.stop();
    /* Commit and ack what has arrived while the links can still carry the acks, then close them. */
    ingest.flush();
    await Promise.all(serial.map((s) => s.stop()));
    await mqtt?.stop();
    ingest.stop();
    workers.flushRejects();
    workers.derive();
    await broker?.close();
    store.close();
    log.info("gateway stopped");
  };
  try {
    let url = config.mqtt.url;
    if (url === undefined && config.mqtt.embedded.enabled) {
      broker = await startEmbeddedBroker({ ...config.mqtt.embedded, log: log.child({ part: "broker" }) });
      url = broker.url;
    }
    if (url !== undefined) {
      const m = config.mqtt;
      mqtt = new MqttIngest(
        { url, clientId: m.clientId, prefix: m.topicPrefix, username: m.username, password: m.password, ca: m.tls?.ca, cert: m.tls?.cert, key: m.tls?.key, rejectUnauthorized: m.tls?.rejectUnauthorized },
        ingest,
        log.child({ part: "mqtt" }),
        broker?.local,
      );
      await mqtt.start();
    }
    const serialLog = log.child({ part: "serial" });
    const ports = realSerialPorts();
    const openPort = (path: string, baudRate = 115200) => {
      const link = new SerialLink({ path, baudRate, retryMs: config.serial.retryMs, maxLine: SERIAL_MAX_LINE, openPort: ports }, ingest, serialLog);
      serial.push(link);
      link.start();
    };
    for (const p of config.serial.ports) openPort(p.path, p.baudRate);
    if (config.serial.autodetect.enabled) {
      detector = new PortDetector(config.serial.autodetect, serialLog, (path) => {
        if (!serial.some((s) => s.id === "serial:" + path)) openPort(path, 115200);
      });
      detector.start();
    }
    workers.start();
    if (config.reports.nightly.enabled) {
      nightly = new NightlyReports({ store, config, log: log.child({ part: "nightly" }), now });
      nightly.start();
    }
    if (config.http.enabled) http = await startHttp({ store, config, log: log.child({ part: "http" }), now });
    log.info({ mqtt: url ?? "off", serial: config.serial.ports.map((p) => p.path), timeZone: config.timeZone }, "gateway running");
    return { store, ingest, workers, mqttUrl: url ?? "", serial, openSerial: openPort, http, nightly, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
