/**
 * The embedded broker's in-process bus (gateway/ingest/broker.ts `LocalBus`), which the gateway uses instead of an
 * MQTT client on that broker: real aedes on a real socket, real mqtt.js clients on the other side.
 */
import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { startEmbeddedBroker, type EmbeddedBroker } from "../../gateway/ingest/broker.ts";
import { silentLogger } from "../../gateway/log.ts";
import { MqttIngest } from "../../gateway/ingest/mqtt.ts";
import { testCredentials } from "../../gateway/testkit/credentials.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";

let broker: EmbeddedBroker | undefined;
const clients: mqtt.MqttClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  await broker?.stop();
  broker = undefined;
});

const creds = testCredentials();
const start = (log = silentLogger()) => startEmbeddedBroker({ host: "127.0.0.1", port: 0, log, prefix: "t", check: creds.check });

/** A device client on the broker, logged in with its own credential (broker-access.ts). */
async function client(url: string, serial: string): Promise<mqtt.MqttClient> {
  const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, clientId: "lb-" + serial, username: serial, password: creds.issue(serial) });
  clients.push(c);
  return c;
}

describe("the embedded broker's in-process bus", () => {
  it("carries QoS 1 both ways between clients and an in-process subscriber, and stops on unsubscribe", async () => {
    broker = await start();
    const got: string[] = [];
    const off = await broker.local.subscribe("t/v1/dev/+/up", (topic, payload) => got.push(`${topic} ${payload.toString("latin1")}`));
    const device = await client(broker.url, "d1");
    const down: string[] = [];
    device.on("message", (topic, payload) => down.push(`${topic} ${payload.toString()}`));
    await device.subscribeAsync("t/v1/dev/d1/down", { qos: 1 });
    await device.publishAsync("t/v1/dev/d1/up", "one", { qos: 1 });
    broker.local.publish("t/v1/dev/d1/down", "ack");
    await waitFor("the reply", () => down.length === 1);
    expect(got).toEqual(["t/v1/dev/d1/up one"]);
    expect(down).toEqual(["t/v1/dev/d1/down ack"]);
    await off();
    await device.publishAsync("t/v1/dev/d1/up", "two", { qos: 1 });
    expect(got).toEqual(["t/v1/dev/d1/up one"]);
  });

  it("survives a subscriber that throws: the publisher still gets its PUBACK and later messages arrive", async () => {
    const errors: unknown[] = [];
    const log = Object.assign(silentLogger(), { error: (o: unknown) => void errors.push(o) }) as ReturnType<typeof silentLogger>;
    broker = await start(log);
    let n = 0;
    await broker.local.subscribe("t/v1/dev/+/up", () => {
      if (++n === 1) throw new Error("handler bug");
    });
    const device = await client(broker.url, "d1");
    await device.publishAsync("t/v1/dev/d1/up", "boom", { qos: 1 });
    await device.publishAsync("t/v1/dev/d1/up", "fine", { qos: 1 });
    expect(n).toBe(2);
    expect(errors).toHaveLength(1);
  });

  it("is how the gateway listens on its embedded broker: it announces itself online, retained, and offline when it stops", async () => {
    broker = await start();
    const mqttIngest = new MqttIngest({ url: broker.url, clientId: "loyalty-gateway", prefix: "t" }, { receive: () => undefined, linkClosed: () => undefined }, silentLogger(), broker.local);
    await mqttIngest.start();
    const states: string[] = [];
    await broker.local.subscribe("t/v1/gw/state", (_t, p) => states.push(p.toString()), { retained: true });
    expect(states).toEqual(["online"]);
    await mqttIngest.stop();
    await waitFor("the offline state", () => states.length === 2);
    expect(states).toEqual(["online", "offline"]);
  });

  it("gives a subscriber that asks for them the retained messages published before it subscribed", async () => {
    broker = await start();
    await (await client(broker.url, "d1")).publishAsync("t/v1/dev/d1/state", "online", { qos: 1, retain: true });
    await (await client(broker.url, "d2")).publishAsync("t/v1/dev/d2/state", "offline", { qos: 1, retain: true });
    const got: string[] = [];
    await broker.local.subscribe("t/v1/dev/+/state", (topic, payload) => got.push(`${topic} ${payload.toString("latin1")}`), { retained: true });
    expect(got.sort()).toEqual(["t/v1/dev/d1/state online", "t/v1/dev/d2/state offline"]);
    const plain: string[] = [];
    await broker.local.subscribe("t/v1/dev/+/state", (topic) => plain.push(topic));
    expect(plain).toEqual([]);
  });
});

