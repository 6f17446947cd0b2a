/**
 * The embedded MQTT broker (aedes) for installations without one: plain TCP on 127.0.0.1 by default.
 * QoS 1 sessions are kept in memory, so they last as long as the gateway process; devices keep their events
 * until the gateway acks them, so a restart loses nothing. Every client is a device with its own credential and
 * reaches only its own topics (broker-access.ts); a device whose credential is revoked is disconnected.
 */
import { createServer, type AddressInfo, type Server } from "node:net";
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
  private server: Server | undefined;
  private bus: LocalBus | undefined;
  private listening = 0;
  private recheck: NodeJS.Timeout | undefined;

  constructor(private readonly opts: EmbeddedBrokerOptions) {}

  /** `mqtt://host:port` clients connect to. */
  get url(): string {
    return `mqtt://${this.opts.host}:${this.port}`;
  }

  /** The port it listens on (the one chosen when asked for 0). */
  get port(): number {
    return this.listening;
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
    /* noDelay: without it Nagle's algorithm holds back small frames (acks) for tens of milliseconds. */
    const server: Server = createServer({ noDelay: true }, aedes.handle);
    await new Promise<void>((resolve, reject) => {
      const failed = (err: NodeJS.ErrnoException) => {
        aedes.close();
        reject(
          err.code === "EADDRINUSE"
            ? new GatewayError("conflict", `${opts.host}:${opts.port} is already in use (another MQTT broker, or another gateway?): choose another port with --mqtt-port, or use that broker with --mqtt-url mqtt://${opts.host}:${opts.port}`)
            : new GatewayError("config", `the embedded MQTT broker cannot listen on ${opts.host}:${opts.port}: ${err.message}`),
        );
      };
      server.once("error", failed);
      server.listen(opts.port, opts.host, () => {
        server.off("error", failed);
        resolve();
      });
    });
    server.on("error", (err) => opts.log.error({ err: err.message }, "embedded MQTT broker socket error"));
    this.aedes = aedes;
    this.server = server;
    this.listening = (server.address() as AddressInfo).port;
    this.bus = localBus(aedes, opts.log);
    this.recheck = setInterval(() => this.disconnectRevoked(), opts.recheckMs ?? RECHECK_MS);
    this.recheck.unref();
    opts.log.info({ host: opts.host, port: this.listening }, "embedded MQTT broker listening");
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
    const { aedes, server } = this;
    this.aedes = undefined;
    this.server = undefined;
    return new Promise<void>((resolve) => {
      if (!aedes || !server) return resolve();
      aedes.close(() => server.close(() => resolve()));
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
