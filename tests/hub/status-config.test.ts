/** `loyalty hub status`'s lag and alarms (pure), and the hub's and the gateway's hub settings refused in words. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../gateway/config/load.ts";
import { loadHubConfig } from "../../gateway/hub/config.ts";
import { hubStatus } from "../../gateway/hub/status.ts";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../support/cli.ts";
import { testGateway } from "../support/gateway.ts";

const row = (store_id: string, committed: number, last: number, contact: number) => ({
  store_id,
  committed_seq: String(committed),
  reported_last: String(last),
  last_contact_ms: String(contact),
  last_commit_ms: null,
  events: "0",
});

describe("hub status", () => {
  it("shows each store's lag and raises an alarm for a store too far behind or silent too long", () => {
    const s = hubStatus([row("a", 100, 100, 9_000), row("b", 100, 250, 9_000), row("c", 5, 5, 0)], { lagRows: 100, silentMs: 5_000 }, 10_000);
    expect(s.stores.map((x) => [x.store, x.lag])).toEqual([
      ["a", 0],
      ["b", 150],
      ["c", 0],
    ]);
    expect(s.alarms).toEqual(["store b is 150 rows behind (alarm above 100)", "store c not heard for 10 s (alarm after 5 s)"]);
  });

  it("warns of a store gateway that counts indices with other settings than the hub's", () => {
    const indices = { minSample: 30, k: [{ from: "2020-01-01", k: 0.8 }] } as never;
    const rows = [
      { ...row("a", 1, 1, 9_000), indices: JSON.stringify({ k: [{ k: 0.8, from: "2020-01-01" }], minSample: 30 }) },
      { ...row("b", 1, 1, 9_000), indices: JSON.stringify({ minSample: 50, k: [{ from: "2020-01-01", k: 0.8 }] }) },
      { ...row("c", 1, 1, 9_000), indices: null },
    ];
    expect(hubStatus(rows, { lagRows: 100, silentMs: 5_000 }, 10_000, indices).warnings).toEqual([
      "store b counts indices with other settings than this hub's `indices` (k, minimum sample, references): chain reports use the hub's; set them equal",
    ]);
  });

  it("says what is missing or unreachable in words", async () => {
    const none = await runCli("hub", "status");
    expect(none.code).toBe(2);
    expect(none.err).toContain("hub config: postgres: ");
    const down = await runCli("hub", "status", "--pg-url", "postgres://nobody@127.0.0.1:1/none", "--mqtt-url", "mqtt://127.0.0.1:1");
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/^loyalty: cannot read the hub's database \(postgres:\/\/nobody@127\.0\.0\.1:1\/none\): .*ECONNREFUSED/);
  });
});

describe("hub settings", () => {
  it("refuses a hub URL without the store's id, and a hub config without PostgreSQL", () => {
    expect(() => loadConfig({ env: {}, overrides: { hub: { url: "mqtt://hub:1883" } } })).toThrow("config: hub.storeId: hub.url is set: give hub.storeId too (this store's id at the hub)");
    expect(() => loadConfig({ env: {}, overrides: { hub: { url: "mqtt://hub:1883", storeId: "a/b" } } })).toThrow("hub.storeId: letters, digits, '_', '-' or '.', at most 64");
    expect(loadConfig({ env: { LOYALTY_HUB_URL: "mqtt://hub:1883", LOYALTY_HUB_STORE: "msk-1" } }).hub).toMatchObject({ url: "mqtt://hub:1883", storeId: "msk-1", topicPrefix: "loyalty-hub" });
    const e = (() => {
      try {
        loadHubConfig({ env: {}, overrides: { mqtt: { url: "http://x" } } });
      } catch (err) {
        return err as ConfigError;
      }
    })();
    expect(e?.problems).toEqual(["hub config: postgres: required", "hub config: mqtt.url: expected mqtt://, mqtts://, ws:// or wss://"]);
  });

  it("takes the hub's HTTP and nightly settings with their defaults, and refuses bad ones in words", () => {
    const base = { postgres: { url: "postgres://h/db" }, mqtt: { url: "mqtt://h" } };
    const c = loadHubConfig({ env: {}, overrides: base });
    expect(c.http).toEqual({ enabled: true, host: "127.0.0.1", port: 8090, allowedHosts: [] });
    expect(c.reports).toEqual({ trendDays: 30, folder: "./hub-reports", nightly: { enabled: true, cron: "5 0 * * *", formats: ["html", "csv", "json"], groupBy: "region,store", catchUpDelayMs: 300_000 } });
    expect(loadHubConfig({ env: { LOYALTY_HUB_HTTP_PORT: "0", LOYALTY_HUB_HTTP_HOST: "0.0.0.0", LOYALTY_HUB_HTTP_TOKEN: "t".repeat(16) }, overrides: base }).http).toMatchObject({ host: "0.0.0.0", port: 0 });
    const problems = (env: NodeJS.ProcessEnv, more: object) => {
      try {
        loadHubConfig({ env, overrides: { ...base, ...more } });
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };
    expect(problems({}, { http: { host: "0.0.0.0" } })).toEqual([
      "hub config: http.token: a token is required when the HTTP server listens beyond loopback (http.host is not 127.x.x.x, ::1 or localhost)",
    ]);
    expect(problems({ LOYALTY_HUB_HTTP_PORT: "eighty" }, {})?.[0]).toMatch(/^hub config: http\.port: expected a number/);
    expect(problems({}, { http: { token: "short" } })).toEqual(["hub config: http.token: a token of at least 16 characters"]);
    expect(problems({}, { reports: { nightly: { groupBy: "region,colour", cron: "at midnight" } } })).toEqual([
      "hub config: reports.nightly.cron: not a cron expression (e.g. 5 0 * * * for 00:05 every day)",
      'hub config: reports.nightly.groupBy: unknown dimension "colour" (use region, store, terminal, employee, question, day, week, month)',
    ]);
  });
});

describe("the forwarder part", () => {
  it("starts with the hub's broker away (the gateway runs), and stops a later start under another store id with what to do", async () => {
    const database = join(mkdtempSync(join(tmpdir(), "lb-hub-id-")), "loyalty.sqlite");
    /* Port 1 on loopback: nothing listens, the forwarder keeps trying in the background. */
    const gw = await testGateway({ database, hub: { url: "mqtt://127.0.0.1:1", storeId: "msk" } });
    expect(gw.hub?.status).toMatchObject({ connected: false, acked: 0 });
    await gw.stop();
    await expect(testGateway({ database, hub: { url: "mqtt://127.0.0.1:1", storeId: "spb" } })).rejects.toThrow(
      "hub.storeId is 'spb' but this database forwards to the hub as 'msk': set hub.storeId back to 'msk'",
    );
  });
});
