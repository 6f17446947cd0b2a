/**
 * The embedded broker's TLS listener (docs/operations.md "TLS"), with real parts: a gateway on a SQLite file, its
 * broker on free ports, MQTT.js over TLS checking the certificate as a careful client does (`ca` = the gateway's
 * certificate, the host name checked), and `loyalty tls`. A device with its credential is heard; an anonymous
 * client is refused as on the plain listener; the generated certificate is kept across restarts; configured files
 * are used; bad ones stop the start with a config error that names them.
 */
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import type { MqttClient } from "mqtt";
import { generate } from "selfsigned";
import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/app.ts";
import { ConfigError } from "../../gateway/config/load.ts";
import type { ConfigInput } from "../../gateway/config/schema.ts";
import { generatedPaths } from "../../gateway/ingest/broker-cert.ts";
import { overMqtt } from "../../gateway/testkit/transports.ts";
import { attacker, pressAcked, storedFromBoot } from "../support/attacks.ts";
import { helloAndPair } from "../support/pairing.ts";
import { runCli } from "../support/cli.ts";
import { testGateway } from "../support/gateway.ts";

const tlsOn = (db: string, tls: Record<string, unknown> = {}): ConfigInput => ({ database: db, mqtt: { embedded: { port: 0, tls: { enabled: true, port: 0, ...tls } } } });

/** The SHA-256 fingerprint of the certificate a TLS listener presents. */
const served = (port: number) =>
  new Promise<string>((resolve, reject) => {
    const s = tlsConnect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      resolve(s.getPeerCertificate().fingerprint256);
      s.end();
    });
    s.on("error", reject);
  });

describe("the embedded broker over TLS", () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const clients: MqttClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.endAsync(true);
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const dbIn = (dir = mkdtempSync(join(tmpdir(), "lb-tls-"))) => join(dir, "loyalty.sqlite");
  const gateway = async (cfg: ConfigInput): Promise<Gateway> => {
    const gw = await testGateway(cfg);
    cleanups.push(() => gw.stop());
    return gw;
  };

  it("pairs and acks a terminal that logs in with its credential, checking the certificate and host name against the gateway's", async () => {
    const db = dbIn();
    const gw = await gateway(tlsOn(db));
    const ca = readFileSync(generatedPaths(db).cert, "utf8");
    const secret = gw.store.credentials.issue("TLS-1", Date.now());
    /* 127.0.0.1 is in the generated certificate's subjectAltName, so MQTT.js's default host name check passes. */
    const t = await overMqtt({ serial: "TLS-1" }, gw.broker!.tlsUrl, { secret, ca });
    cleanups.push(() => t.close(true));
    await helloAndPair(gw, t, "till-1");
    await pressAcked(t);
    expect(gw.store.events.count()).toBe(1);
  });

  it("refuses anonymous clients and wrong secrets over TLS as on the plain listener, and TLS clients that do not trust it", async () => {
    const db = dbIn();
    const gw = await gateway(tlsOn(db));
    const ca = readFileSync(generatedPaths(db).cert, "utf8");
    gw.store.credentials.issue("TLS-2", Date.now());
    expect(await attacker(gw.broker!.tlsUrl, clients, { clientId: "lb-TLS-2", ca })).toBe(4);
    expect(await attacker(gw.broker!.tlsUrl, clients, { clientId: "lb-TLS-2", username: "TLS-2", password: "guessed", ca })).toBe(4);
    /* A client with another CA refuses the gateway's self-signed certificate: the check an installer's tools make. */
    const other = await generate([{ name: "commonName", value: "other" }], { keyType: "rsa", keySize: 2048, algorithm: "sha256" });
    expect(await attacker(gw.broker!.tlsUrl, clients, { clientId: "lb-TLS-2", username: "TLS-2", password: "x", ca: other.cert })).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(storedFromBoot(gw, "0bad0bad")).toBe(0);
  });

  it("generates its certificate at first start and keeps it across restarts (same fingerprint, printed by loyalty tls)", async () => {
    const db = dbIn();
    const first = await gateway(tlsOn(db));
    const fp = await served(first.broker!.tlsPort);
    await first.stop();
    const second = await gateway(tlsOn(db));
    expect(await served(second.broker!.tlsPort)).toBe(fp);
    const config = join(dirname(db), "config.json");
    writeFileSync(config, JSON.stringify({ database: db, mqtt: { embedded: { tls: { enabled: true } } } }));
    const r = await runCli("tls", "--config", config);
    expect(r.err).toBe("");
    expect(r.out).toContain(`SHA-256 fingerprint: ${fp}\n`);
    expect(r.out).toContain(`Certificate: ${generatedPaths(db).cert}\n`);
    expect(r.out).toMatch(/Names: DNS:localhost, .*IP Address:127\.0\.0\.1/);
    expect((await runCli("tls", "--config", config, "--pem")).out).toBe(readFileSync(generatedPaths(db).cert, "utf8"));
  });

  it("uses the configured certificate and key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lb-tls-own-"));
    const own = await generate([{ name: "commonName", value: "shop gateway" }], { keyType: "rsa", keySize: 2048, algorithm: "sha256" });
    writeFileSync(join(dir, "own.crt"), own.cert);
    writeFileSync(join(dir, "own.key"), own.private);
    const gw = await gateway(tlsOn(dbIn(dir), { cert: join(dir, "own.crt"), key: join(dir, "own.key") }));
    expect(await served(gw.broker!.tlsPort)).toBe(new X509Certificate(own.cert).fingerprint256);
  });

  it("stops the start with a config error naming a missing file, a file that is no certificate, or a key that is not the certificate's", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lb-tls-bad-"));
    const a = await generate([{ name: "commonName", value: "a" }], { keyType: "rsa", keySize: 2048, algorithm: "sha256" });
    const b = await generate([{ name: "commonName", value: "b" }], { keyType: "rsa", keySize: 2048, algorithm: "sha256" });
    writeFileSync(join(dir, "a.crt"), a.cert);
    writeFileSync(join(dir, "b.key"), b.private);
    writeFileSync(join(dir, "junk.crt"), "hello");
    const db = dbIn(dir);
    await expect(testGateway(tlsOn(db, { cert: join(dir, "none.crt"), key: join(dir, "b.key") }))).rejects.toThrow(`mqtt.embedded.tls.cert ${join(dir, "none.crt")}: cannot read the certificate: no such file`);
    await expect(testGateway(tlsOn(db, { cert: join(dir, "junk.crt"), key: join(dir, "b.key") }))).rejects.toThrow(`mqtt.embedded.tls.cert ${join(dir, "junk.crt")}: not a PEM certificate`);
    await expect(testGateway(tlsOn(db, { cert: join(dir, "a.crt"), key: join(dir, "b.key") }))).rejects.toThrow(`mqtt.embedded.tls.key ${join(dir, "b.key")}: it is not the certificate's key`);
    await expect(testGateway(tlsOn(db, { cert: join(dir, "a.crt") }))).rejects.toThrow(ConfigError);
    await expect(testGateway(tlsOn(db, { cert: join(dir, "a.crt") }))).rejects.toThrow("mqtt.embedded.tls: give both cert and key, or neither (a certificate is then generated)");
  });
});
