/**
 * The attacks of issue 14 ("Device identity") against an external Mosquitto configured as docs/operations.md says:
 * the configuration is taken from the doc's own blocks (only the paths and the port made temporary), and the
 * password file and ACL are the ones `loyalty mosquitto` writes from the gateway's database, rewritten and reloaded
 * after each flash and revocation as the doc's steps say. The real gateway logs in as the doc's `gateway` user; real
 * mqtt.js clients attack. Where Mosquitto's answer differs from the embedded broker's
 * (tests/ingest/broker-access.integration.test.ts), this asserts what Mosquitto does: it acknowledges and drops a
 * publish the ACL denies instead of disconnecting, and it replaces the client id by the user name instead of
 * refusing a foreign client id.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, chownSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/app.ts";
import { mosquittoPasswd, startMosquitto, type Mosquitto } from "../../gateway/testkit/mosquitto.ts";
import { overMqtt, type Connected } from "../../gateway/testkit/transports.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { openStore } from "../../gateway/store/store.ts";
import { gatewayEnd } from "../../protocol/endpoints.ts";
import { attacker, expectOnlyPairedEvents, forgedEvent, pressAcked, storedFromBoot } from "../support/attacks.ts";
import { runCli } from "../support/cli.ts";
import { testGateway } from "../support/gateway.ts";
import { helloAndPair } from "../support/pairing.ts";

const VICTIM = "SHOP-TILL-1";
const OTHER = "SHOP-TILL-2";
const GATEWAY_PASSWORD = "gw-" + "7".repeat(29);
const OBSERVER = "test-observer";

/** The ```conf blocks of docs/operations.md whose first line names `file`, joined. */
function docBlocks(file: string): string {
  const doc = readFileSync(new URL("../../docs/operations.md", import.meta.url), "utf8");
  const blocks = [...doc.matchAll(/```conf\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => b.split("\n")[0]!.startsWith(`# ${file}`));
  if (blocks.length === 0) throw new Error(`docs/operations.md has no conf block for ${file}`);
  return blocks.join("\n");
}

let etc: string;
let passwd: string;
let acl: string;
/** The gateway's config as `loyalty mosquitto` reads it: its database and its own MQTT user. */
let gatewayConfig: string;
let broker: Mosquitto;
let gw: Gateway;
let victim: Connected;
let other: Connected;
const secrets = new Map<string, string>();
const attackers: MqttClient[] = [];
/** What a test-only observer (ACL `user test-observer`, read `#`) sees on the gateway's state topic. */
const gatewayStates: string[] = [];

/** As `loyalty flash` does: a new secret registered in the gateway's database. */
function flashed(serial: string): string {
  const secret = gw.store.credentials.issue(serial, Date.now());
  secrets.set(serial, secret);
  return secret;
}

/**
 * The doc's step after a flash or a revocation: `loyalty mosquitto` writes both files from the database. Then the
 * test-only observer is added with `mosquitto_passwd -b` (the doc's manual step, on the file loyalty wrote) and its
 * ACL lines (which apply to it alone).
 */
async function exported(): Promise<void> {
  const r = await runCli("mosquitto", "--config", gatewayConfig, "--passwords", passwd, "--acl", acl);
  if (r.code !== 0) throw new Error(`loyalty mosquitto: ${r.err}`);
  appendFileSync(acl, `user ${OBSERVER}\ntopic read #\n`);
  mosquittoPasswd(passwd, OBSERVER, "observer-pw");
}

/** `loyalty mosquitto` and `systemctl reload mosquitto` after flashes: done once each new terminal's credential opens a connection. */
async function reloadedFor(...serials: string[]): Promise<void> {
  await exported();
  broker.reload();
  for (const serial of serials) {
    await waitFor(`Mosquitto to know ${serial}`, async () => {
      try {
        await (await mqtt.connectAsync(broker.url, { username: serial, password: secrets.get(serial)!, reconnectPeriod: 0 })).endAsync();
        return true;
      } catch {
        return false;
      }
    });
  }
}

beforeAll(async () => {
  etc = mkdtempSync(join(tmpdir(), "lb-mosq-etc-"));
  passwd = join(etc, "loyalty.passwd");
  acl = join(etc, "loyalty.acl");
  const conf = docBlocks("/etc/mosquitto/conf.d/loyalty.conf")
    .split("\n")
    .filter((l) => !/^listener\b/.test(l))
    .join("\n")
    .replaceAll("/etc/mosquitto/loyalty.passwd", passwd)
    .replaceAll("/etc/mosquitto/loyalty.acl", acl)
    .replaceAll("/var/lib/mosquitto/", etc + "/");
  /* The gateway's database, as its first start makes it; its config names the gateway's own MQTT user. */
  const database = join(etc, "loyalty.sqlite");
  openStore(database).close();
  gatewayConfig = join(etc, "gateway.json");
  writeFileSync(gatewayConfig, JSON.stringify({ database, mqtt: { username: "gateway", password: GATEWAY_PASSWORD } }));
  /* The doc's steps: loyalty mosquitto once (the gateway's user alone), then chown once for the user mosquitto. */
  await exported();
  expect(readFileSync(passwd, "utf8")).toMatch(/^gateway:\$7\$101\$/);
  expect(statSync(passwd).mode & 0o777).toBe(0o600);
  /* Mosquitto started as root runs as the user mosquitto, which must read its files (the doc's chown). */
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "mosquitto"]).toString());
    const gid = Number(execFileSync("id", ["-g", "mosquitto"]).toString());
    for (const f of [etc, passwd, acl]) chownSync(f, uid, gid);
  }
  broker = await startMosquitto("", undefined, { config: conf });
  gw = await testGateway({ database, ingest: { deriveIntervalMs: 60_000 }, mqtt: { url: broker.url, username: "gateway", password: GATEWAY_PASSWORD } });
  for (const s of [VICTIM, OTHER]) flashed(s);
  await reloadedFor(VICTIM, OTHER);
  /* Each rewrite kept the owner the doc's chown gave (loyalty writes a new file and renames it over the old one). */
  if (process.getuid?.() === 0) expect(statSync(passwd).uid).toBe(Number(execFileSync("id", ["-u", "mosquitto"]).toString()));
  const observer = await mqtt.connectAsync(broker.url, { username: OBSERVER, password: "observer-pw", reconnectPeriod: 0 });
  attackers.push(observer);
  observer.on("message", (topic, payload) => topic === "lb/v1/gw/state" && gatewayStates.push(payload.toString()));
  await observer.subscribeAsync("lb/v1/gw/state", { qos: 1 });
  victim = await overMqtt({ serial: VICTIM }, broker.url, { secret: secrets.get(VICTIM) });
  other = await overMqtt({ serial: OTHER }, broker.url, { secret: secrets.get(OTHER) });
  await helloAndPair(gw, victim, "till-1");
  await helloAndPair(gw, other, "till-2");
});

afterAll(async () => {
  await Promise.all(attackers.map((c) => c.endAsync(true)));
  await victim?.close(true);
  await other?.close(true);
  await gw?.stop();
  await broker?.stop();
});

/**
 * Mosquitto acknowledges a QoS 1 publish its ACL denies (MQTT 3.1.1's PUBACK cannot say no) and drops it. With the
 * doc's `max_queued_messages 0`, Mosquitto 2.0.11 then closes the connection too (without it, it keeps it): the
 * helper waits for the PUBACK and for that close, so that each attack is over before the next step.
 */
async function publishDropped(c: MqttClient, topic: string, payload: string, retain = false): Promise<void> {
  const closed = new Promise<void>((resolve) => c.once("close", () => resolve()));
  await c.publishAsync(topic, payload, { qos: 1, retain });
  await closed;
}

describe("Mosquitto configured as docs/operations.md says, against the attacks of issue 14", () => {
  it("refuses a forged event under a real terminal's serial without a credential, with a wrong one, or with another device's", async () => {
    expect(await attacker(broker.url, attackers, { clientId: "lb-" + VICTIM })).toBe(5);
    expect(await attacker(broker.url, attackers, { clientId: "evil" })).toBe(5);
    expect(await attacker(broker.url, attackers, { clientId: "lb-" + VICTIM, username: VICTIM, password: "0".repeat(32) })).toBe(5);
    expect(await attacker(broker.url, attackers, { clientId: "lb-" + VICTIM, username: VICTIM, password: secrets.get(OTHER)! })).toBe(5);
    await pressAcked(victim);
    expect(storedFromBoot(gw, "0bad0bad")).toBe(0);
  });

  it("drops the event a device publishes on another's up topic; nothing of it is stored", async () => {
    flashed("EVIL-1");
    await reloadedFor("EVIL-1");
    const evil = (await attacker(broker.url, attackers, { clientId: "lb-EVIL-1", username: "EVIL-1", password: secrets.get("EVIL-1")! })) as MqttClient;
    expect(typeof evil).not.toBe("number");
    await publishDropped(evil, `lb/v1/dev/${VICTIM}/up`, forgedEvent(VICTIM, 1));
    await pressAcked(victim);
    expect(storedFromBoot(gw, "0bad0bad")).toBe(0);
  });

  it("drops a forged down frame: the terminal obeys nothing it did not get from the gateway", async () => {
    const evil = (await attacker(broker.url, attackers, { username: "EVIL-1", password: secrets.get("EVIL-1")! })) as MqttClient;
    const before = victim.terminal.received.length;
    const r = gatewayEnd().encode({ t: "unpair", d: VICTIM });
    if (!r.ok) throw new Error(r.reason);
    await publishDropped(evil, `lb/v1/dev/${VICTIM}/down`, r.line);
    await pressAcked(victim);
    expect(victim.terminal.received.slice(before).map((m) => m.t)).toEqual(["ack"]);
    expect(victim.terminal.config).toBeDefined();
  });

  it("gives no client-id takeover: another device's credential under a device's id gets its own user name as id", async () => {
    flashed("SHOP-TILL-3");
    await reloadedFor("SHOP-TILL-3");
    /* A device's own client, watched for a close (it does not reconnect). */
    const till3 = (await attacker(broker.url, attackers, { clientId: "lb-SHOP-TILL-3", username: "SHOP-TILL-3", password: secrets.get("SHOP-TILL-3")! })) as MqttClient;
    let closes = 0;
    till3.on("close", () => closes++);
    const evil = await attacker(broker.url, attackers, { clientId: "lb-SHOP-TILL-3", username: "EVIL-1", password: secrets.get("EVIL-1")! });
    expect(typeof evil).not.toBe("number");
    /* Nor the gateway's: its id is its user name, `gateway`, whatever client id it sends. */
    const gwTakeover = await attacker(broker.url, attackers, { clientId: "loyalty-gateway", username: "EVIL-1", password: secrets.get("EVIL-1")! });
    expect(typeof gwTakeover).not.toBe("number");
    expect(await attacker(broker.url, attackers, { clientId: "lb-SHOP-TILL-3" })).toBe(5);
    await pressAcked(victim);
    expect(closes).toBe(0);
    expect(till3.connected).toBe(true);
    expect(gw.ingest.reachableDevices()).toContain(VICTIM);
    /* What Mosquitto does not refuse: a second login with the device's own credential replaces the first. */
    const again = await attacker(broker.url, attackers, { clientId: "anything", username: "SHOP-TILL-3", password: secrets.get("SHOP-TILL-3")! });
    expect(typeof again).not.toBe("number");
    await waitFor("the first SHOP-TILL-3 connection closed", () => closes === 1);
  });

  it("sends nothing to a `#` subscriber, nor to one of another device's topics (Mosquitto grants them and filters each message)", async () => {
    const evil = (await attacker(broker.url, attackers, { username: "EVIL-1", password: secrets.get("EVIL-1")! })) as MqttClient;
    const seen: string[] = [];
    evil.on("message", (topic) => seen.push(topic));
    const granted = await evil.subscribeAsync(["#", `lb/v1/dev/${VICTIM}/down`, `lb/v1/dev/+/up`, "lb/v1/gw/state"], { qos: 1 }).then(
      (g) => g.map((x) => x.qos),
      (e: { packet?: { granted?: number[] } }) => e.packet?.granted,
    );
    /* Unlike the embedded broker (SUBACK 0x80), Mosquitto 2.0 grants these and checks the ACL on every message it would deliver. */
    expect(granted).toEqual([1, 1, 1, 1]);
    await pressAcked(victim);
    await pressAcked(other);
    expect(seen).toEqual([]);
    expect(evil.connected).toBe(true);
  });

  it("drops a retained gateway state, or another device's state, from a device", async () => {
    const evil = (await attacker(broker.url, attackers, { username: "EVIL-1", password: secrets.get("EVIL-1")! })) as MqttClient;
    await publishDropped(evil, "lb/v1/gw/state", "offline", true);
    const evil2 = (await attacker(broker.url, attackers, { username: "EVIL-1", password: secrets.get("EVIL-1")! })) as MqttClient;
    await publishDropped(evil2, `lb/v1/dev/${VICTIM}/state`, "offline", true);
    await pressAcked(victim);
    expect(gatewayStates.filter((s) => s === "offline")).toEqual([]);
    expect(gw.ingest.reachableDevices()).toContain(VICTIM);
    /* A new subscriber gets the retained states: the gateway's and the victim's, as their owners set them. */
    const late = (await attacker(broker.url, attackers, { username: OBSERVER, password: "observer-pw" })) as MqttClient;
    const retained: string[] = [];
    late.on("message", (topic, payload, packet) => packet.retain && retained.push(`${topic} ${payload.toString()}`));
    await late.subscribeAsync(["lb/v1/gw/state", `lb/v1/dev/${VICTIM}/state`], { qos: 1 });
    await waitFor("both retained states", () => retained.length === 2);
    expect(retained.sort()).toEqual(["lb/v1/dev/SHOP-TILL-1/state online", "lb/v1/gw/state online"]);
  });

  it("lets the paired terminals keep working: their events stored once each, none of the attackers'", async () => {
    await expectOnlyPairedEvents(gw, [victim, other]);
  });

  it("still admits a terminal added by hand as the doc's manual step says (mosquitto_passwd -b with the board's secret)", async () => {
    const secret = gw.store.credentials.issue("SHOP-TILL-9", Date.now());
    secrets.set("SHOP-TILL-9", secret);
    mosquittoPasswd(passwd, "SHOP-TILL-9", secret);
    broker.reload();
    await waitFor("Mosquitto to know SHOP-TILL-9 from the manual line", async () => {
      try {
        await (await mqtt.connectAsync(broker.url, { username: "SHOP-TILL-9", password: secret, reconnectPeriod: 0 })).endAsync();
        return true;
      } catch {
        return false;
      }
    });
  });

  it("refuses a terminal after `loyalty unpair`, `loyalty mosquitto` and a reload (SIGHUP)", async () => {
    const before = victim.terminal.recorded;
    const unpaired = await runCli("unpair", VICTIM, "--config", gatewayConfig);
    expect(unpaired.out).toBe(`Unpaired ${VICTIM} from terminal s1.till-1.\n`);
    await exported();
    expect(readFileSync(passwd, "utf8")).not.toContain(VICTIM + ":");
    expect(readFileSync(passwd, "utf8")).toContain(OTHER + ":");
    broker.reload();
    /* Mosquitto closes the revoked device's connection at the reload; its client keeps trying and is refused. */
    expect(await attacker(broker.url, attackers, { clientId: "lb-" + VICTIM, username: VICTIM, password: secrets.get(VICTIM)! })).toBe(5);
    victim.terminal.press("yes");
    await pressAcked(other);
    gw.ingest.flush();
    expect((gw.store.db.prepare(`SELECT count(*) AS n FROM events WHERE serial = ?`).get(VICTIM) as { n: number }).n).toBe(before);
    expect(victim.terminal.outbox.size).toBe(1);
    /*
     * Unlike the embedded broker, Mosquitto does not publish the will of a client it drops at a reload: the retained
     * state stays `online` and the gateway still counts the device reachable (docs/operations.md says so).
     */
    expect(gw.ingest.reachableDevices()).toContain(VICTIM);
  });
});
