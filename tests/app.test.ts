/**
 * gateway/app.ts: what a part that cannot start does (docs/decisions.md, "Which parts the gateway runs without").
 * A required part stops the gateway and what had started stops again. A demo whose firmware cannot be built and nightly reports that cannot be scheduled are said and logged, and the
 * gateway runs on: it still hears terminals. The firmware build is the one thing replaced here (a build
 * that fails on demand); everything else is real.
 */
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startGateway, type Gateway } from "../gateway/app.ts";
import { silentLogger } from "../gateway/log.ts";
import { openStore } from "../gateway/store/store.ts";
import { testConfig } from "../gateway/testkit/config.ts";
import { ptyPair } from "../gateway/testkit/socat.ts";
import { overSerial } from "../gateway/testkit/transports.ts";
import { waitFor } from "../gateway/testkit/wait.ts";

vi.mock(import("../firmware/build/build.ts"), async (original) => ({
  ...(await original()),
  buildFirmware: async () => {
    throw new Error("esbuild: the firmware does not build (a test)");
  },
}));

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function started(config: ReturnType<typeof testConfig>): Promise<{ gw: Gateway; said: string[] }> {
  const said: string[] = [];
  const gw = await startGateway(config, { log: silentLogger(), say: (l) => said.push(l) });
  cleanups.push(() => gw.stop());
  return { gw, said };
}

/** The gateway still hears terminals: a hello on a serial port is stored and answered with `time`. */
async function hearsTerminals(gw: Gateway): Promise<void> {
  const pty = await ptyPair();
  cleanups.push(() => pty.close());
  gw.openSerial(pty.gateway);
  const dev = await overSerial({ serial: "APP-1" }, pty.device);
  cleanups.push(() => dev.close());
  await waitFor("the gateway's time for APP-1", () => (dev.terminal.hello(), dev.terminal.synced), 10_000);
  expect(gw.store.devices.get("APP-1")).toBeDefined();
}

describe("the gateway without its optional parts", () => {
  it("runs without the demo when the demo cannot start, and says why", async () => {
    const { gw, said } = await started(testConfig({ demo: { enabled: true } }));
    expect(said).toContain("The demo did not start: esbuild: the firmware does not build (a test). The gateway runs without it.");
    expect(gw.demo).toBeUndefined();
    /* The demo closed the gateway's end of its pseudo-terminal: no port left to retry. */
    expect(gw.serial).toEqual([]);
    await hearsTerminals(gw);
  });

  it("runs without nightly reports when they cannot be scheduled, and says why", async () => {
    const config = testConfig();
    const db = openStore(config.database);
    db.terminals.ensureStore("old", "Not/A_Zone", 0);
    db.close();
    const { gw, said } = await started(config);
    expect(said.find((l) => l.startsWith("Nightly reports did not start: "))).toMatch(/Not\/A_Zone.*The gateway runs without them; `loyalty report` writes any day's report later\.$/);
    expect(gw.nightly).toBeUndefined();
    expect(gw.http).toBeDefined();
    await hearsTerminals(gw);
  });
});

describe("a part the gateway cannot run without", () => {
  it("stops the gateway: HTTP on a port in use fails the start, and the broker started before it is closed", async () => {
    const listen = (port: number) =>
      new Promise<Server>((resolve, reject) => {
        const srv = createServer();
        srv.once("error", reject);
        srv.listen(port, "127.0.0.1", () => resolve(srv));
      });
    const taken = await listen(0);
    cleanups.push(() => new Promise((r) => taken.close(r)));
    const free = await listen(0);
    const brokerPort = (free.address() as { port: number }).port;
    await new Promise((r) => free.close(r));
    const config = testConfig({ http: { port: (taken.address() as { port: number }).port }, mqtt: { embedded: { port: brokerPort } } });
    await expect(startGateway(config, { log: silentLogger() })).rejects.toThrow(/is already in use/);
    const again = await listen(brokerPort);
    await new Promise((r) => again.close(r));
  });
});
