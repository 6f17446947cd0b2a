/**
 * MQTT ingest (docs/protocol.md#mqtt): the `mqtt` client with a persistent session (clean: false), QoS 1,
 * subscribed to every device's up and state topics, or, with the embedded broker, that broker's own subscribe and
 * publish in this process (broker.ts `LocalBus`); replies go to the device's down topic. The gateway's own
 * availability is a retained topic with a last will.
 */
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { MAX_UP_LINE } from "../../protocol/constants.ts";
import { allDevicesTopic, deviceOfTopic, downTopic, gatewayStateTopic } from "../../protocol/topics.ts";
import type { Logger } from "../log.ts";
import type { LocalBus } from "./broker.ts";
import type { Link, LinkSink } from "./link.ts";
import { setBounded } from "./bounded.ts";

export interface MqttOptions {
  url: string;
  clientId: string;
  prefix: string;
  username?: string | undefined;
  password?: string | undefined;
  /** PEM text for TLS (mqtts://). */
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  rejectUnauthorized?: boolean | undefined;
}

export class MqttIngest {
  private client: MqttClient | undefined;
  private readonly links = new Map<string, Link>();
  private readonly unsubscribe: (() => Promise<void>)[] = [];
  readonly states = new Map<string, string>();

  constructor(
    private readonly opts: MqttOptions,
    private readonly sink: LinkSink,
    private readonly log: Logger,
    /** The embedded broker's own bus: used instead of a client (opts.url is then only what devices connect to). */
    private readonly local?: LocalBus,
  ) {}

  /** Connects and resolves once subscribed (or rejects if the first connection fails). */
  async start(): Promise<void> {
    const o = this.opts;
    const local = this.local;
    if (local) {
      this.unsubscribe.push(await local.subscribe(allDevicesTopic(o.prefix, "up"), (topic, payload) => this.onMessage(topic, payload)));
      this.unsubscribe.push(await local.subscribe(allDevicesTopic(o.prefix, "state"), (topic, payload) => this.onMessage(topic, payload), { retained: true }));
      await local.publish(gatewayStateTopic(o.prefix), "online", true);
      this.log.info({ url: o.url }, "MQTT: subscribed inside the embedded broker");
      return;
    }
    return this.connect();
  }

  private connect(): Promise<void> {
    const o = this.opts;
    const options: IClientOptions = {
      clientId: o.clientId,
      clean: false,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      will: { topic: gatewayStateTopic(o.prefix), payload: Buffer.from("offline"), qos: 1, retain: true },
      ...(o.username !== undefined ? { username: o.username } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
      ...(o.ca !== undefined ? { ca: o.ca } : {}),
      ...(o.cert !== undefined ? { cert: o.cert } : {}),
      ...(o.key !== undefined ? { key: o.key } : {}),
      ...(o.rejectUnauthorized !== undefined ? { rejectUnauthorized: o.rejectUnauthorized } : {}),
    };
    const client = mqtt.connect(o.url, options);
    this.client = client;
    client.on("message", (topic, payload) => this.onMessage(topic, payload));
    client.on("close", () => this.log.debug({ url: o.url }, "MQTT connection closed"));
    client.once("close", () => {
      if (client.connected || !startPending) return;
      startPending = false;
      this.log.error({ url: o.url }, "MQTT broker unreachable at start; the gateway runs and keeps trying");
      startResolve();
    });
    client.on("offline", () => this.log.warn({ url: o.url }, "MQTT broker unreachable; reconnecting"));
    client.on("reconnect", () => this.log.debug({ url: o.url }, "MQTT reconnecting"));
    let startPending = true;
    let startResolve: () => void = () => undefined;
    return new Promise((resolve, reject) => {
      startResolve = resolve;
      let first = true;
      client.on("error", (err) => {
        this.log.warn({ url: o.url, err: err.message }, "MQTT error");
        /* A broker that is down at start must not stop the serial terminals: keep reconnecting in the background. */
        if (first && startPending) {
          first = false;
          startPending = false;
          this.log.error({ url: o.url, err: err.message }, "MQTT broker unreachable at start; the gateway runs and keeps trying");
          resolve();
        }
      });
      client.on("connect", (ack) => {
        this.log.info({ url: o.url, sessionPresent: ack.sessionPresent }, "MQTT connected");
        client.publish(gatewayStateTopic(o.prefix), "online", { qos: 1, retain: true });
        client.subscribe([allDevicesTopic(o.prefix, "up"), allDevicesTopic(o.prefix, "state")], { qos: 1 }, (err) => {
          if (err) this.log.error({ err: err.message }, "MQTT subscribe failed");
          if (first) {
            first = false;
            startPending = false;
            if (err) reject(err);
            else resolve();
          }
        });
      });
    });
  }

  async stop(): Promise<void> {
    /* Nothing more reaches the ingest; then the retained state says so before the broker closes. */
    await Promise.all(this.unsubscribe.splice(0).map((off) => off()));
    await this.local?.publish(gatewayStateTopic(this.opts.prefix), "offline", true);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (client.connected) await client.publishAsync(gatewayStateTopic(this.opts.prefix), "offline", { qos: 1, retain: true }).catch(() => undefined);
    await client.endAsync();
  }

  private linkFor(device: string): Link {
    let link = this.links.get(device);
    if (!link) {
      const topic = downTopic(this.opts.prefix, device);
      link = {
        id: "mqtt:" + device,
        kind: "mqtt",
        device,
        write: (text) => (this.local ? void this.local.publish(topic, text) : this.client?.publish(topic, text, { qos: 1 })),
      };
      setBounded(this.links, device, link);
    }
    return link;
  }

  private onMessage(topic: string, payload: Buffer): void {
    const device = deviceOfTopic(this.opts.prefix, topic);
    if (device === undefined) return;
    if (topic.endsWith("/state")) {
      const state = payload.toString("latin1").slice(0, 16);
      setBounded(this.states, device, state);
      this.log.info({ device, state }, "device availability");
      if (state === "online") this.sink.deviceOnline?.(device, this.linkFor(device));
      else if (state === "offline") this.sink.deviceOffline?.(device);
      return;
    }
    /* The length limit applies before anything is decoded, even before the payload becomes a string. */
    this.sink.receive(payload.subarray(0, MAX_UP_LINE + 3).toString("latin1"), this.linkFor(device));
  }
}
