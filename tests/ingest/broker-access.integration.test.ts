/**
 * The attacks of issue 14 ("Device identity") against the gateway's embedded broker, with real parts: the real
 * gateway (SQLite file, aedes on a socket, credentials in its database as `loyalty flash` registers them) and real
 * mqtt.js clients. Each attack is refused and nothing is stored or obeyed; the paired terminals keep working.
 * docs/protocol.md "MQTT" says who may do what.
 */
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/app.ts";
import { unpair } from "../../gateway/terminals/manage.ts";
import { overGatewayMqtt, overMqtt, type Connected } from "../../gateway/testkit/transports.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { gatewayEnd } from "../../protocol/endpoints.ts";
import { attacker, expectOnlyPairedEvents, forgedEvent, pressAcked, storedFromBoot } from "../support/attacks.ts";
import { testGateway } from "../support/gateway.ts";
import { helloAndPair } from "../support/pairing.ts";

const VICTIM = "SHOP-TILL-1";
const OTHER = "SHOP-TILL-2";

let gw: Gateway;
let victim: Connected;
/* The victim's secret, as `loyalty flash` wrote it on the board. */
let victimSecret: string;
let other: Connected;
const attackers: MqttClient[] = [];

beforeAll(async () => {
  gw = await testGateway({ ingest: { deriveIntervalMs: 60_000 } });
  victimSecret = gw.store.credentials.issue(VICTIM, Date.now());
  victim = await overMqtt({ serial: VICTIM }, gw.mqttUrl, { secret: victimSecret });
  other = await overGatewayMqtt({ serial: OTHER }, gw);
  await helloAndPair(gw, victim, "till-1");
  await helloAndPair(gw, other, "till-2");
});

afterAll(async () => {
  await Promise.all(attackers.map((c) => c.endAsync(true)));
  await victim?.close(true);
  await other?.close();
  await gw?.stop();
});

/** Publishes and waits until the broker has answered: PUBACK, or a closed connection when it refuses. */
async function publishRefused(c: MqttClient, topic: string, payload: string, retain = false): Promise<void> {
  const closed = new Promise<void>((resolve) => c.once("close", () => resolve()));
  c.publish(topic, payload, { qos: 1, retain }, () => undefined);
  await closed;
}

describe("the embedded broker against the attacks of issue 14", () => {
  it("refuses a forged event under a real terminal's serial without a credential, or with a wrong one", async () => {
    expect(await attacker(gw.mqttUrl, attackers, { clientId: "lb-" + VICTIM })).toBe(4);
    expect(await attacker(gw.mqttUrl, attackers, { clientId: "evil" })).toBe(4);
    expect(await attacker(gw.mqttUrl, attackers, { clientId: "lb-" + VICTIM, username: VICTIM, password: "0".repeat(32) })).toBe(4);
    /* A real terminal's own credential does not open another's serial. */
    const otherSecret = gw.store.credentials.issue("SPARE-3", Date.now());
    expect(await attacker(gw.mqttUrl, attackers, { clientId: "lb-" + VICTIM, username: VICTIM, password: otherSecret })).toBe(4);
    await pressAcked(victim);
    expect(storedFromBoot(gw, "0bad0bad")).toBe(0);
  });

  it("refuses a device that publishes another's event, and stores nothing of it", async () => {
    const secret = gw.store.credentials.issue("EVIL-1", Date.now());
    const evil = await attacker(gw.mqttUrl, attackers, { clientId: "lb-EVIL-1", username: "EVIL-1", password: secret });
    expect(typeof evil).not.toBe("number");
    await publishRefused(evil as MqttClient, `lb/v1/dev/${VICTIM}/up`, forgedEvent(VICTIM, 1));
    await pressAcked(victim);
    expect(storedFromBoot(gw, "0bad0bad")).toBe(0);
  });

  it("refuses a forged down frame: the terminal obeys nothing it did not get from the gateway", async () => {
    const secret = gw.store.credentials.issue("EVIL-2", Date.now());
    const evil = (await attacker(gw.mqttUrl, attackers, { clientId: "lb-EVIL-2", username: "EVIL-2", password: secret })) as MqttClient;
    const before = victim.terminal.received.length;
    const r = gatewayEnd().encode({ t: "unpair", d: VICTIM });
    if (!r.ok) throw new Error(r.reason);
    await publishRefused(evil, `lb/v1/dev/${VICTIM}/down`, r.line);
    await pressAcked(victim);
    expect(victim.terminal.received.slice(before).map((m) => m.t)).toEqual(["ack"]);
    expect(victim.terminal.config).toBeDefined();
  });

  it("refuses a client-id takeover of a device; the real device stays connected", async () => {
    const secret = gw.store.credentials.issue("EVIL-3", Date.now());
    expect(await attacker(gw.mqttUrl, attackers, { clientId: "lb-" + VICTIM, username: "EVIL-3", password: secret })).toBe(2);
    expect(await attacker(gw.mqttUrl, attackers, { clientId: "lb-" + VICTIM })).toBe(4);
    /* The gateway's client id is nobody's, even with a valid credential. */
    expect(await attacker(gw.mqttUrl, attackers, { clientId: "loyalty-gateway", username: "EVIL-3", password: secret })).toBe(2);
    await pressAcked(victim);
  });

  it("grants no `#` subscription, nor another device's down topic: the subscriber sees nothing", async () => {
    const secret = gw.store.credentials.issue("EVIL-4", Date.now());
    const evil = (await attacker(gw.mqttUrl, attackers, { clientId: "lb-EVIL-4", username: "EVIL-4", password: secret })) as MqttClient;
    const seen: string[] = [];
    evil.on("message", (topic) => seen.push(topic));
    /* SUBACK 0x80 (failure) for each: mqtt.js rejects the subscription with that packet. */
    const refused = (await evil.subscribeAsync(["#", `lb/v1/dev/${VICTIM}/down`, `lb/v1/dev/+/up`, "lb/v1/gw/state"], { qos: 1 }).then(() => undefined, (e: unknown) => e)) as { packet?: { granted?: number[] } } | undefined;
    expect(refused?.packet?.granted).toEqual([128, 128, 128, 128]);
    await pressAcked(victim);
    await pressAcked(other);
    expect(seen).toEqual([]);
    expect(evil.connected).toBe(true);
  });

  it("refuses a retained gateway state, or a device's state, from a client", async () => {
    const secret = gw.store.credentials.issue("EVIL-5", Date.now());
    const evil = (await attacker(gw.mqttUrl, attackers, { clientId: "lb-EVIL-5", username: "EVIL-5", password: secret })) as MqttClient;
    await publishRefused(evil, "lb/v1/gw/state", "offline", true);
    const evil2 = (await attacker(gw.mqttUrl, attackers, { clientId: "lb-EVIL-5", username: "EVIL-5", password: secret })) as MqttClient;
    await publishRefused(evil2, `lb/v1/dev/${VICTIM}/state`, "offline", true);
    const retained: string[] = [];
    const off = await gw.broker!.local.subscribe("lb/v1/+/#", (topic, payload) => retained.push(`${topic} ${payload.toString()}`), { retained: true });
    await off();
    expect(retained).toContain("lb/v1/gw/state online");
    expect(retained).toContain(`lb/v1/dev/${VICTIM}/state online`);
    expect(retained.filter((l) => l.endsWith("offline"))).toEqual([]);
    await pressAcked(victim);
  });

  it("lets the paired terminals keep working: their events stored once each, none of the attackers'", async () => {
    await expectOnlyPairedEvents(gw, [victim, other]);
  });

  it("disconnects a device whose credential `unpair` revoked, and refuses it from then on", async () => {
    expect(gw.ingest.reachableDevices()).toContain(VICTIM);
    const before = victim.terminal.recorded;
    unpair(gw.store, VICTIM, Date.now());
    /* The broker looks again every 2 s (`loyalty unpair` runs in another process): the device is dropped (its will says offline). */
    await waitFor("the revoked device disconnected", () => !gw.ingest.reachableDevices().includes(VICTIM), 10_000);
    expect(await attacker(gw.mqttUrl, attackers, { clientId: "lb-" + VICTIM, username: VICTIM, password: victimSecret })).toBe(4);
    /* Its own client keeps trying with the revoked secret: its presses reach nothing. */
    victim.terminal.press("yes");
    await pressAcked(other);
    gw.ingest.flush();
    expect((gw.store.db.prepare(`SELECT count(*) AS n FROM events WHERE serial = ?`).get(VICTIM) as { n: number }).n).toBe(before);
    expect(victim.terminal.outbox.size).toBe(1);
  });
});
