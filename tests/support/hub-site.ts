/**
 * The parts of the chain hub's integration tests (docs/hub.md): a store gateway in its own process with its own
 * SQLite file and scripted MQTT terminals, and the hub in its own process, both started and killed as a whole.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "../../gateway/config/schema.ts";
import { resendUntilDrained, streamEvents } from "./stream.ts";
import { openStore, type Store } from "../../gateway/store/store.ts";
import { pair } from "../../gateway/terminals/manage.ts";
import { freePort } from "../../gateway/testkit/mosquitto.ts";
import { overMqtt, type Connected } from "../../gateway/testkit/transports.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { spawnReady } from "./loyalty-process.ts";

export interface Site {
  id: string;
  zone: string;
  dir: string;
  db: string;
  /** The gateway's embedded broker, where its terminals connect. */
  port: number;
  config: string;
  /** The gateway's SQLite, opened by the test too (to compare, and to change rows as the CLI would). */
  store: Store;
  child?: ChildProcess;
  terminals: Connected[];
}

/**
 * A store gateway's folder, config and SQLite with its store `id`, forwarding to the hub's broker at `hubUrl`;
 * the hub's waits are short, so that the faults of a test heal within its time.
 */
export async function makeSite(id: string, zone: string, region: string | null, hubUrl: string, hub: Partial<Config["hub"]> = {}): Promise<Site> {
  const dir = mkdtempSync(join(tmpdir(), `lb-hub-${id}-`));
  const db = join(dir, "loyalty.sqlite");
  const port = await freePort();
  const config = join(dir, "gateway.json");
  writeFileSync(
    config,
    JSON.stringify({
      database: db,
      timeZone: zone,
      log: { level: "error" },
      mqtt: { embedded: { port } },
      http: { enabled: false },
      reports: { folder: join(dir, "reports"), nightly: { enabled: false } },
      hub: { url: hubUrl, storeId: id, ackTimeoutMs: 1000, maxBackoffMs: 2000, pollMs: 50, heartbeatMs: 1000, batchMax: 300, ...hub },
    }),
  );
  const store = openStore(db);
  store.terminals.addStore({ id, name: `Store ${id}`, timeZone: zone, region }, Date.now());
  return { id, zone, dir, db, port, config, store, terminals: [] };
}

export async function startSite(s: Site): Promise<void> {
  s.child = await spawnReady(["gateway", "--config", s.config], "Gateway running");
}

/** Connects a scripted terminal for each point to the running gateway and pairs it (question staff, employee anna). */
export async function connectTerminals(s: Site, points: string[]): Promise<void> {
  for (const point of points) {
    const serial = `${s.id.toUpperCase()}-${point}`;
    const c = await overMqtt({ serial }, `mqtt://127.0.0.1:${s.port}`, { secret: s.store.credentials.issue(serial, Date.now()) });
    c.terminal.hello();
    await waitFor(`the hello of ${serial}`, () => s.store.devices.get(serial));
    pair(s.store, { serial, store: s.id, point, question: "staff", employee: "anna" }, Date.now());
    await waitFor(`config on ${serial}`, () => c.terminal.config);
    s.terminals.push(c);
  }
}

/** Closes the site's terminals, stops its gateway and closes its SQLite. */
export async function closeSite(s: Site): Promise<void> {
  await Promise.all(s.terminals.map((t) => t.close(true)));
  s.child?.kill("SIGTERM");
  s.store.close();
}

/** The events a site's terminals recorded. */
export const recorded = (s: Site) => s.terminals.reduce((n, c) => n + c.terminal.recorded, 0);

/** A hub config file for PostgreSQL at `pgUrl` and the broker at `brokerUrl`; its HTTP API on a free port, its reports in its folder. */
export function writeHubConfig(pgUrl: string, brokerUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), "lb-hub-"));
  const file = join(dir, "hub.json");
  writeFileSync(file, JSON.stringify({ postgres: { url: pgUrl }, mqtt: { url: brokerUrl, clientId: "test-hub" }, http: { port: 0 }, reports: { folder: join(dir, "hub-reports") } }));
  return file;
}

/** Starts `loyalty hub`; `http` gets its HTTP API's address, as its start line says (http.port 0). */
export const startHub = (config: string, http?: (url: string) => void) =>
  spawnReady(["hub", "--config", config, "--log-level", "error"], "Stop with Ctrl+C", (out) => http?.(/HTTP: (http:\/\/\S+) /.exec(out)?.[1] ?? ""));

/** Each of the site's terminals sends `n` events; resolves when the gateway has acked them all. */
export async function pressAll(s: Site, n: number): Promise<void> {
  const all = s.terminals.map((c) => c.terminal);
  await Promise.all(all.map((t) => streamEvents(t, n, 10, 20)));
  await Promise.all(all.map((t) => resendUntilDrained(t)));
}
