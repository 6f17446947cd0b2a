/**
 * Faults with real parts: the gateway killed with SIGKILL mid-stream, the broker restarted, the serial port
 * removed and re-created, and a broker that drops messages. After the terminal retransmits, every event is
 * stored exactly once.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { overMqtt, overSerial } from "../../gateway/testkit/transports.ts";
import { openStore, type Store } from "../../gateway/store/store.ts";
import { pair } from "../../gateway/terminals/manage.ts";
import { testGateway } from "../support/gateway.ts";
import { freePort, startMosquitto } from "../../gateway/testkit/mosquitto.ts";
import { ptyPair } from "../../gateway/testkit/socat.ts";
import { helloAndPair } from "../support/pairing.ts";
import { acked, resendUntilDrained, streamEvents } from "../support/stream.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";

const BIN = fileURLToPath(new URL("../../bin/loyalty.js", import.meta.url));

function storedOnce(store: Store, serial: string, count: number): void {
  const r = store.db.prepare("SELECT count(*) AS n, count(DISTINCT seq) AS d, min(seq) AS lo, max(seq) AS hi FROM events WHERE serial = ?").get(serial);
  expect(r).toEqual({ n: count, d: count, lo: 1, hi: count });
}

function pairNow(store: Store, serial: string, point: string): void {
  pair(store, { serial, store: "s1", point, question: "staff", timeZone: "UTC" }, Date.now());
}

function spawnGateway(db: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, "gateway", "--db", db, "--mqtt-port", String(port), "--log-level", "error"], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("Gateway running")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`gateway exited with ${code} before it was ready: ${out}`)));
  });
}

describe("faults", () => {
  it("loses nothing when the gateway is killed with SIGKILL in the middle of 10,000 events", { timeout: 180_000 }, async () => {
    const db = join(mkdtempSync(join(tmpdir(), "lb-kill-")), "loyalty.sqlite");
    const port = await freePort();
    let child = await spawnGateway(db, port);
    const store = openStore(db);
    /* The gateway's embedded broker checks the device's credential, issued in its database as `loyalty flash` does. */
    const conn = await overMqtt({ serial: "KILL-1" }, `mqtt://127.0.0.1:${port}`, { secret: store.credentials.issue("KILL-1", Date.now()) });
    const t = conn.terminal;
    try {
      t.hello();
      await waitFor("the device's hello stored", () => store.devices.get("KILL-1"));
      pairNow(store, "KILL-1", "p1");
      await waitFor("config from the gateway", () => t.config);
      const sending = streamEvents(t, 10_000);
      await waitFor("a few thousand events acked", () => acked(t) >= 2000);
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      const ackedBeforeKill = acked(t);
      await sending;
      child = await spawnGateway(db, port);
      await resendUntilDrained(t);
      expect(ackedBeforeKill).toBeLessThan(10_000);
      storedOnce(store, "KILL-1", 10_000);
    } finally {
      child.kill("SIGTERM");
      await conn.close();
      store.close();
    }
  });

  it("loses nothing when mosquitto restarts mid-stream", { timeout: 150_000 }, async () => {
    const broker = await startMosquitto();
    const gw = await testGateway({ mqtt: { url: broker.url } });
    const conn = await overMqtt({ serial: "BROKER-1" }, broker.url);
    const t = conn.terminal;
    try {
      await helloAndPair(gw, conn, "p2");
      const sending = streamEvents(t, 5000);
      await waitFor("some events acked", () => acked(t) >= 1000);
      await broker.restart();
      await sending;
      await resendUntilDrained(t);
      storedOnce(gw.store, "BROKER-1", 5000);
    } finally {
      await conn.close();
      await gw.stop();
      await broker.stop();
    }
  });

  it("loses nothing when the serial port disappears and comes back", { timeout: 150_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "lb-pty-"));
    let pty = await ptyPair(dir);
    const gw = await testGateway({ serial: { ports: [{ path: pty.gateway }], retryMs: 100 } });
    await waitFor("port open", () => gw.serial[0]?.isOpen);
    let conn = await overSerial({ serial: "PORT-1" }, pty.device);
    const t = conn.terminal;
    try {
      await helloAndPair(gw, conn, "p3");
      const sending = streamEvents(t, 3000, 100);
      await waitFor("some events acked", () => acked(t) >= 500);
      await conn.close();
      await pty.close();
      await waitFor("the gateway to see the port gone", () => !gw.serial[0]?.isOpen);
      await sending;
      pty = await ptyPair(dir);
      await waitFor("the gateway to reopen the port", () => gw.serial[0]?.isOpen);
      conn = await overSerial(t, pty.device);
      await resendUntilDrained(t);
      storedOnce(gw.store, "PORT-1", 3000);
    } finally {
      await conn.close();
      await gw.stop();
      await pty.close();
    }
  });

  it("loses nothing through a broker that drops queued messages, thanks to the application-level ack", { timeout: 150_000 }, async () => {
    const broker = await startMosquitto("");
    await broker.stop();
    /* Same port, but now a broker that keeps only 20 queued messages per offline session and drops the rest. */
    const lossy = await startMosquittoOn(broker.port, "max_queued_messages 20");
    const cfg = { mqtt: { url: lossy.url } };
    let gw = await testGateway(cfg);
    const db = gw.store.db.name;
    const conn = await overMqtt({ serial: "LOSSY-1" }, lossy.url);
    const t = conn.terminal;
    try {
      await helloAndPair(gw, conn, "p4");
      await gw.stop();
      for (let i = 0; i < 500; i++) t.press("yes");
      await new Promise((r) => setTimeout(r, 500));
      gw = await testGateway({ ...cfg, database: db });
      await waitFor("the queued messages delivered", () => (gw.ingest.flush(), gw.store.events.count() > 0));
      await new Promise((r) => setTimeout(r, 500));
      gw.ingest.flush();
      const delivered = gw.store.events.count();
      expect(delivered).toBeLessThan(500);
      await resendUntilDrained(t);
      storedOnce(gw.store, "LOSSY-1", 500);
    } finally {
      await conn.close();
      await gw.stop();
      await lossy.stop();
    }
  });
});

async function startMosquittoOn(port: number, extra: string) {
  return startMosquitto(extra, port);
}
