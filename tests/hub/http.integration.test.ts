/**
 * The hub's HTTP API (docs/hub.md#http) on a real socket: an in-process hub (real PostgreSQL, Mosquitto as its
 * broker, fastify on a free port, a token) over two store gateways' rows forwarded through the hub's commit
 * (tests/support/hub-sites.ts). For one store and day, the hub's /api/report is the store gateway's own
 * /api/report (a real gateway on that store's SQLite file), in JSON and CSV; the chain groups by region; the
 * guard refuses a request without the token and one for another host name; bad queries get 400 in words.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/app.ts";
import { hubConfigSchema } from "../../gateway/hub/config.ts";
import { Hub } from "../../gateway/hub/hub.ts";
import { silentLogger } from "../../gateway/log.ts";
import type { Report } from "../../gateway/reports/schema.ts";
import { startMosquitto, type Mosquitto } from "../../gateway/testkit/mosquitto.ts";
import { startPostgres, type Postgres } from "../../gateway/testkit/postgres.ts";
import { dayStart } from "../../gateway/time/zone.ts";
import { runCli } from "../support/cli.ts";
import { testGateway } from "../support/gateway.ts";
import { forward, lcg, openSite, presses, storeEvents, type Site } from "../support/hub-sites.ts";

const DAY = "2026-11-10";
const TOKEN = "hub-token-0123456789";
const auth = { authorization: `Bearer ${TOKEN}` };

let pgServer: Postgres;
let broker: Mosquitto;
let hub: Hub;
let base: string;
const sites: Site[] = [];
const gateways = new Map<string, Gateway>();

const get = async (url: string, headers: Record<string, string> = auth) => {
  const r = await fetch(url, { headers });
  const text = await r.text();
  return { status: r.status, type: r.headers.get("content-type") ?? "", text, json: () => JSON.parse(text) as Report & { error: string; message: string } };
};

/** A GET with exactly these headers (fetch cannot forge Host). */
function raw(path: string, headers: Record<string, string>): Promise<{ status: number; body: { error?: string; message?: string } }> {
  const port = Number(new URL(base).port);
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { error?: string; message?: string } }));
    });
    req.on("error", reject);
    req.end();
  });
}

const withoutTime = (r: Report) => ({ ...r, generatedAt: "" });

beforeAll(async () => {
  [pgServer, broker] = await Promise.all([startPostgres(), startMosquitto()]);
  const config = hubConfigSchema.parse({
    postgres: { url: pgServer.url },
    mqtt: { url: broker.url, clientId: "test-hub-http" },
    timeZone: "Europe/Moscow",
    http: { port: 0, token: TOKEN },
    reports: { nightly: { enabled: false } },
  });
  hub = new Hub(config, { log: silentLogger() });
  await hub.start();
  base = hub.http!.url;
  const rand = lcg(23);
  for (const [id, zone, region] of [
    ["msk", "Europe/Moscow", "west"],
    ["ekb", "Asia/Yekaterinburg", "ural"],
  ] as const) {
    const site = openSite(id, zone, region);
    for (const t of site.terminals) storeEvents(site, t, presses(rand, dayStart(DAY, zone) + 9 * 3_600_000, 200));
    await forward(hub.pool, site);
    site.store.close();
    sites.push(site);
    /* The store gateway itself, on its own SQLite file, serving its own /api/report. */
    gateways.set(id, await testGateway({ database: site.config.database, timeZone: zone }));
  }
}, 120_000);

afterAll(async () => {
  for (const g of gateways.values()) await g.stop();
  await hub?.stop();
  await broker?.stop();
  await pgServer?.stop();
});

describe("the hub's HTTP API", () => {
  it("gives, for one store and day, the store gateway's own /api/report, in JSON and CSV", { timeout: 60_000 }, async () => {
    for (const site of sites) {
      for (const q of [`from=${DAY}&groupBy=terminal&store=${site.id}`, `from=${DAY}&groupBy=employee,question&store=${site.id}`]) {
        const own = await get(`${gateways.get(site.id)!.http!.url}/api/report?${q}`, {});
        const atHub = await get(`${base}/api/report?${q}`);
        expect(atHub.status, atHub.text).toBe(200);
        expect(atHub.type).toBe(own.type);
        expect(atHub.json().total.representativeness.surveys).toBeGreaterThan(20);
        expect(withoutTime(atHub.json()), `${site.id} ${q}`).toEqual(withoutTime(own.json()));
        const ownCsv = await get(`${gateways.get(site.id)!.http!.url}/api/report?${q}&format=csv`, {});
        const hubCsv = await get(`${base}/api/report?${q}&format=csv`);
        expect(hubCsv.type).toMatch(/^text\/csv/);
        expect(hubCsv.text).toBe(ownCsv.text);
      }
    }
    const html = await get(`${base}/report?from=${DAY}&groupBy=region&token=${TOKEN}`, {});
    expect(html.type).toMatch(/^text\/html/);
    expect(html.text).toContain("ИНК@Персонал");
  });

  it("groups the chain by region, each region's group its store's own", { timeout: 60_000 }, async () => {
    const chain = (await get(`${base}/api/report?from=${DAY}&groupBy=region`)).json();
    expect(chain.groups.map((g) => g.key.region)).toEqual(["ural", "west"]);
    for (const site of sites) {
      const own = (await get(`${gateways.get(site.id)!.http!.url}/api/report?from=${DAY}&groupBy=region`, {})).json();
      expect(own.groups).toHaveLength(1);
      expect(chain.groups.find((g) => g.key.region === own.groups[0]!.key.region)).toEqual(own.groups[0]);
    }
    expect(chain.total.representativeness.surveys).toBe(chain.groups.reduce((n, g) => n + g.representativeness.surveys, 0));
  });

  it("serves `loyalty hub status --json` and its health", { timeout: 60_000 }, async () => {
    const status = await get(`${base}/api/hub/status`);
    expect(status.status).toBe(200);
    const body = JSON.parse(status.text) as { stores: { store: string; lag: number; events: number }[] };
    expect(body.stores.map((s) => [s.store, s.lag, s.events])).toEqual([
      ["ekb", 0, 400],
      ["msk", 0, 400],
    ]);
    const cli = await runCli("hub", "status", "--pg-url", pgServer.url, "--mqtt-url", broker.url, "--json");
    expect(cli.code).toBe(0);
    expect(body).toEqual(JSON.parse(cli.out));
    const health = await get(`${base}/api/health`);
    expect([health.status, JSON.parse(health.text)]).toEqual([200, { ok: true }]);
  });

  it("refuses a request without the token, and one that names another host", async () => {
    for (const headers of [{}, { authorization: "Bearer wrong-token-0123456789" }] as Record<string, string>[]) {
      const r = await get(`${base}/api/report?from=${DAY}`, headers);
      expect(r.status).toBe(401);
      expect(r.json()).toEqual({ error: "unauthorized", message: "send the hub's token as Authorization: Bearer <token>" });
    }
    expect((await get(`${base}/api/hub/status?token=wrong`, {})).status).toBe(401);
    const rebound = await raw("/api/hub/status", { host: `evil.example:${new URL(base).port}`, ...auth });
    expect(rebound.status).toBe(421);
    expect(rebound.body.message).toMatch(/^this hub does not answer to the name "evil\.example"; use one of .*127\.0\.0\.1/);
    expect((await raw("/api/health", { host: `localhost:${new URL(base).port}`, ...auth })).status).toBe(200);
  });

  it.each([
    ["from=someday", 'from: expected YYYY-MM-DD, today, yesterday or -N days, got "someday"'],
    [`from=${DAY}&to=2026-11-01`, "from 2026-11-10 is after to 2026-11-01"],
    ["groupBy=colour", 'groupBy: unknown dimension "colour" (use '],
    ["format=pdf", "query: format: "],
    ["colour=red", "query: "],
  ])("answers a bad query (%s) with 400 in words", async (q, words) => {
    const r = await get(`${base}/api/report?${q}`);
    expect(r.status).toBe(400);
    const body = r.json();
    expect(body.error).toBe("invalid");
    expect(body.message).toContain(words);
    expect(body.message).not.toMatch(/\n\s+at |ZodError|"code":/);
  });

  it("says in words when its port is taken", async () => {
    const port = Number(new URL(base).port);
    const second = new Hub(hubConfigSchema.parse({ postgres: { url: pgServer.url }, mqtt: { url: broker.url, clientId: "test-hub-2" }, http: { port }, reports: { nightly: { enabled: false } } }), { log: silentLogger() });
    await expect(second.start()).rejects.toThrow(`127.0.0.1:${port} is already in use (another hub?): choose another port with http.port or LOYALTY_HUB_HTTP_PORT, or turn HTTP off with http.enabled false`);
    await second.stop();
  });

  it("answers an unknown path with 404 in words", async () => {
    const r = await get(`${base}/api/review/surveys`);
    expect([r.status, r.json()]).toEqual([404, { error: "not_found", message: "no such path /api/review/surveys" }]);
  });
});
