/**
 * The embedded MQTT broker (aedes) for installations without one: plain TCP on 127.0.0.1 by default, and a TLS
 * listener beside it when given a certificate (broker-cert.ts); both check the same credentials.
 * QoS 1 sessions are kept in memory, so they last as long as the gateway process; devices keep their events
 * until the gateway acks them, so a restart loses nothing. Every client is a device with its own credential and
 * reaches only its own topics (broker-access.ts); a device whose credential is revoked is disconnected.
 */
import { createServer, type AddressInfo, type Server } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { Aedes, type AedesPublishPacket, type Client } from "aedes";
import { GatewayError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { DEFAULT_TOPIC_PREFIX } from "../../protocol/topics.ts";
import { brokerAccess, loginOf, type CheckCredential } from "./broker-access.ts";

/**
 * Subscribing and publishing inside the broker's process, without an MQTT client: no loopback socket, no packets
 * encoded and parsed twice. Messages are QoS 1 towards devices. A subscriber sees what is published after it
 * subscribed and, with `retained`, then the retained messages of its topic, as an MQTT subscription would (a
 * device that connected before the gateway subscribed has left its `online` there).
 */
export interface LocalBus {
  /** Resolves once subscribed, with a function that unsubscribes (resolving once nothing more is delivered). */
  subscribe(topic: string, onMessage: (topic: string, payload: Buffer) => void, opts?: { retained?: boolean }): Promise<() => Promise<void>>;
  /** Resolves once the broker has taken the message (delivery to each client follows). */
  publish(topic: string, payload: string, retain?: boolean): Promise<void>;
}

/** The retained messages matching `topic`, from the broker's persistence (aedes sets it, untyped, on the instance). */
const retainedOf = (aedes: Aedes, topic: string) =>
  (aedes as unknown as { persistence: { createRetainedStream(pattern: string): AsyncIterable<AedesPublishPacket> } }).persistence.createRetainedStream(topic);

export interface EmbeddedBrokerOptions {
  host: string;
  /** 0 for any free port. */
  port: number;
  /** Whether the plain listener on `port` runs; default true (ESP8266 boards have no TLS, docs/operations.md "TLS"). */
  plain?: boolean | undefined;
  /** A TLS listener on `tls.port` (0 for any free port) with this certificate and key (PEM). */
  tls?: { port: number; cert: string; key: string } | undefined;
  log: Logger;
  /** Whether a device's secret is its current credential (the gateway: the database's `device_credentials`). */
  check: CheckCredential;
  /** Topic prefix; default `lb`. */
  prefix?: string | undefined;
  /** The gateway's own client id, which no client may take; default `loyalty-gateway`. */
  gatewayClientId?: string | undefined;
  /** How often connected devices' credentials are checked again, so a revoked one is disconnected (ms); default 2000. */
  recheckMs?: number | undefined;
}

/** Default of `recheckMs`: `loyalty unpair` runs in another process, so the broker looks again this often. */
const RECHECK_MS = 2000;

/** The broker as a part of the gateway: listening between start() and stop(). */
export class EmbeddedBroker {
  private aedes: Aedes | undefined;
  private servers: Server[] = [];
  private bus: LocalBus | undefined;
  private listening = 0;
  private listeningTls = 0;
  private recheck: NodeJS.Timeout | undefined;

  constructor(private readonly opts: EmbeddedBrokerOptions) {}

  /** `mqtt://host:port` clients connect to (the TLS one, `mqtts://`, when the plain listener is off). */
  get url(): string {
    return this.listening ? `mqtt://${this.opts.host}:${this.port}` : this.tlsUrl;
  }

  /** The plain listener's port (the one chosen when asked for 0); 0 when it is off. */
  get port(): number {
    return this.listening;
  }

  /** The TLS listener's port; 0 when there is none. */
  get tlsPort(): number {
    return this.listeningTls;
  }

  /** `mqtts://host:port`, or "" when there is no TLS listener. */
  get tlsUrl(): string {
    return this.listeningTls ? `mqtts://${this.opts.host}:${this.listeningTls}` : "";
  }

  /** The broker's own subscribe and publish, for the gateway in the same process. */
  get local(): LocalBus {
    if (!this.bus) throw new Error("the embedded broker is not started");
    return this.bus;
  }

  async start(): Promise<void> {
    const opts = this.opts;
    const access = brokerAccess({ prefix: opts.prefix ?? DEFAULT_TOPIC_PREFIX, check: opts.check, gatewayClientId: opts.gatewayClientId ?? "loyalty-gateway", log: opts.log });
    const aedes = await Aedes.createBroker({ concurrency: 1000, drainTimeout: 30_000, queueLimit: 1000, ...access });
    aedes.on("clientError", (client, err) => opts.log.debug({ client: client?.id, err: err.message }, "broker client error"));
    aedes.on("connectionError", (_client, err) => opts.log.debug({ err: err.message }, "broker connection error"));
    try {
      /* noDelay: without it Nagle's algorithm holds back small frames (acks) for tens of milliseconds. */
      if (opts.plain !== false) this.listening = await this.listen(createServer({ noDelay: true }, aedes.handle), opts.port, "");
      if (opts.tls) this.listeningTls = await this.listen(createTlsServer({ cert: opts.tls.cert, key: opts.tls.key, noDelay: true }, aedes.handle), opts.tls.port, " (TLS)");
    } catch (e) {
      await this.closeServers();
      aedes.close();
      throw e;
    }
    this.aedes = aedes;
    this.bus = localBus(aedes, opts.log);
    this.recheck = setInterval(() => this.disconnectRevoked(), opts.recheckMs ?? RECHECK_MS);
    this.recheck.unref();
    opts.log.info({ host: opts.host, port: this.listening || "off", tlsPort: this.listeningTls || "off" }, "embedded MQTT broker listening");
  }

  private async listen(server: Server, port: number, what: string): Promise<number> {
    const host = this.opts.host;
    const log = this.opts.log;
    await new Promise<void>((resolve, reject) => {
      const failed = (err: NodeJS.ErrnoException) =>
        reject(
          err.code === "EADDRINUSE"
            ? new GatewayError("conflict", `${host}:${port}${what} is already in use (another MQTT broker, or another gateway?): choose another port${what ? " with mqtt.embedded.tls.port" : " with --mqtt-port, or use that broker with --mqtt-url mqtt://" + host + ":" + port}`)
            : new GatewayError("config", `the embedded MQTT broker cannot listen on ${host}:${port}${what}: ${err.message}`),
        );
      server.once("error", failed);
      server.listen(port, host, () => {
        server.off("error", failed);
        resolve();
      });
    });
    /* A TLS handshake that fails (a client without TLS, a wrong certificate) is one client's problem, logged. */
    server.on("tlsClientError", (err: Error) => log.debug({ err: err.message }, "TLS handshake failed"));
    server.on("error", (err) => log.error({ err: err.message }, `embedded MQTT broker socket error${what}`));
    this.servers.push(server);
    return (server.address() as AddressInfo).port;
  }

  private closeServers(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    return Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())))).then(() => undefined);
  }

  /** Closes the connection of every device whose credential no longer holds (revoked, or replaced by a re-flash). */
  disconnectRevoked(): void {
    const aedes = this.aedes;
    if (!aedes) return;
    for (const client of Object.values((aedes as unknown as { clients: Record<string, Client> }).clients)) {
      const login = loginOf(client);
      if (!login || this.opts.check(login.serial, login.secret)) continue;
      this.opts.log.info({ device: login.serial, client: client.id }, "device credential revoked: disconnected");
      client.close();
    }
  }

  stop(): Promise<void> {
    clearInterval(this.recheck);
    const aedes = this.aedes;
    this.aedes = undefined;
    return new Promise<void>((resolve) => {
      if (!aedes) return resolve();
      aedes.close(() => void this.closeServers().then(resolve));
    });
  }
}

/** A broker started now (tests, benchmarks). */
export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const broker = new EmbeddedBroker(opts);
  await broker.start();
  return broker;
}

function localBus(aedes: Aedes, log: Logger): LocalBus {
  return {
    subscribe: async (topic, onMessage, o = {}) => {
      /* Topics that had a live message while the retained ones are replayed: theirs is newer than the retained. */
      let live: Set<string> | undefined = o.retained ? new Set() : undefined;
      const handle = (packet: AedesPublishPacket) => {
        try {
          onMessage(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload, "latin1"));
        } catch (err) {
          /* Never into aedes: a throw there would take the broker down with it. */
          log.error({ topic: packet.topic, err }, "a message could not be handled; the broker goes on");
        }
      };
      const deliver = (packet: AedesPublishPacket, done: () => void) => {
        live?.add(packet.topic);
        handle(packet);
        done();
      };
      /* aedes (mqemitter) removes a listener on a later turn: its callback says when it is gone. */
      const unsubscribe = () => new Promise<void>((done) => aedes.unsubscribe(topic, deliver, () => done()));
      await new Promise<void>((resolve, reject) =>
        /* aedes types the callback without an argument, but passes an error for a topic it refuses. */
        (aedes.subscribe as (t: string, f: typeof deliver, done: (err?: Error) => void) => void)(topic, deliver, (err) => (err ? reject(err) : resolve())),
      );
      /* After subscribing, so nothing falls between the two; a retained message is skipped when a live one came first. */
      if (live) {
        for await (const packet of retainedOf(aedes, topic)) if (!live.has(packet.topic)) handle(packet);
        live = undefined;
      }
      return unsubscribe;
    },
    publish: (topic, payload, retain = false) =>
      new Promise<void>((resolve) =>
        aedes.publish({ cmd: "publish", topic, payload: Buffer.from(payload, "latin1"), qos: 1, retain, dup: false }, (err) => {
          if (err) log.warn({ topic, err: err.message }, "embedded broker refused a message");
          resolve();
        }),
      ),
  };
}
