/**
 * MQTT over TLS on the real Espruino 2v29 interpreter with the wifi board's pool and libraries (CRYPTO, SHA256,
 * TLS, as the real ESPRUINOWIFI build): the real bundle, flashed with `tls` in `lbnet` as `loyalty flash --broker
 * mqtts://...` writes it, logs in with its own credential over the embedded broker's TLS listener and gets its
 * event acked; a wrong secret over TLS is refused like on the plain listener. And what 2v29's `require("tls")`
 * does not do: check the broker's certificate (libs/network/network.c sets MBEDTLS_SSL_VERIFY_NONE), so a board
 * given another certificate as `ca` still connects (docs/firmware.md "TLS"). The WiFi radio is the test's
 * stand-in (firmware/interpreter/board.ts), the only fake: there is none on Linux.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedBroker, type EmbeddedBroker } from "../../gateway/ingest/broker.ts";
import { generatedCertificate } from "../../gateway/ingest/broker-cert.ts";
import { silentLogger } from "../../gateway/log.ts";
import { testCredentials } from "../../gateway/testkit/credentials.ts";
import { configFor, realPeer, sleep, type RealPeer } from "../../firmware/interpreter/peer.ts";

describe("wifi board, MQTT over TLS on the real interpreter", () => {
  let broker: EmbeddedBroker;
  const creds = testCredentials();
  /* Every serial whose login the broker checked. */
  const checked: string[] = [];

  beforeAll(async () => {
    const cert = await generatedCertificate(join(mkdtempSync(join(tmpdir(), "lb-tls-")), "loyalty.sqlite"));
    broker = await startEmbeddedBroker({ host: "127.0.0.1", port: 0, plain: false, tls: { port: 0, cert: cert.cert, key: cert.key }, log: silentLogger(), check: (d, k) => (checked.push(d), creds.check(d, k)) });
  }, 60_000);
  afterAll(() => broker?.stop());

  it("logs in with its credential over TLS, sends a press and has it acked", { timeout: 240_000 }, async () => {
    const serial = "REAL-WIFI-TLS";
    const p: RealPeer = await realPeer({ board: "wifi", transport: "mqtt", serial, brokerPort: broker.tlsPort, tls: true, local: broker.local, secret: creds.issue(serial) });
    try {
      await p.until("hello over TLS", () => p.got.some((m) => m.t === "hello"), 60_000);
      p.send(configFor(serial, "combo"));
      p.send({ t: "time", d: serial, ms: Date.now() });
      const t0 = Date.now();
      while (!(await p.board.evaluate("LB_.s.c!==undefined&&LB_.s.off>=0")) && Date.now() - t0 < 30_000) await sleep(100);
      await p.press("yes", 150, 250);
      await p.until("the yes event", () => p.events().some((e) => e.k === "yes"), 60_000);
      const ev = p.events().find((e) => e.k === "yes")!;
      p.send({ t: "ack", d: serial, b: ev.b, n: [ev.n] });
      const t1 = Date.now();
      while ((await p.board.evaluate("LB_.o.f.length")) !== 0 && Date.now() - t1 < 30_000) await sleep(100);
      expect(await p.board.evaluate("LB_.o.f.length"), "outbox empty once acked").toBe(0);
      expect(p.errors()).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it("is refused over TLS with a wrong secret, as on the plain listener", { timeout: 240_000 }, async () => {
    const serial = "REAL-WIFI-TLS-BAD";
    creds.issue(serial);
    const p = await realPeer({ board: "wifi", transport: "mqtt", serial, brokerPort: broker.tlsPort, tls: true, local: broker.local, secret: "not-the-secret" });
    try {
      /* Two logins of the board checked and refused (it retries with backoff): then it is not connected and sent nothing. */
      await p.until("two logins of the board checked", () => checked.filter((d) => d === serial).length >= 2, 60_000);
      expect(await p.board.evaluate("LB_.m.on")).toBe(false);
      expect(p.got).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it("does not check the broker's certificate in Espruino 2v29: a board given another certificate as ca still connects", { timeout: 240_000 }, async () => {
    const other = await generate([{ name: "commonName", value: "not the gateway" }], { keyType: "rsa", keySize: 2048, algorithm: "sha256" });
    const der = other.cert.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
    /* Flashed for serial, so that the firmware's own MQTT connection does not run beside this one. */
    const p = await realPeer({ board: "wifi", transport: "serial", serial: "REAL-WIFI-TLS-CA" });
    try {
      await p.board.evaluate(
        `(global.CA_={s:0},require("tls").connect({host:"127.0.0.1",port:${broker.tlsPort},ca:atob("${der}")},function(){CA_.s=1}).on("error",function(e){CA_.s=String(e)}),1)`,
      );
      const t0 = Date.now();
      while ((await p.board.evaluate("CA_.s")) === 0 && Date.now() - t0 < 30_000) await sleep(100);
      /* When this fails, Espruino checks certificates: pass the gateway's certificate as ca (docs/firmware.md "TLS"). */
      expect(await p.board.evaluate("CA_.s"), "1 once connected, else the error").toBe(1);
    } finally {
      await p.close();
    }
  });
});
