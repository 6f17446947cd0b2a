/**
 * The Host allow-list and who may change reviews (issue 15, docs/reports.md#who-may-call-it), on a real gateway
 * listening on a socket: raw requests with forged headers, and a real Chromium whose name resolution maps
 * evil.example to 127.0.0.1, which is what DNS rebinding does to a page the expert opened on another site.
 */
import { request } from "node:http";
import type { Browser } from "playwright-core";
import { chromium } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/app.ts";
import { ConfigError } from "../../gateway/config/load.ts";
import type { ConfigInput } from "../../gateway/config/schema.ts";
import { judge, type RequestFacts } from "../../gateway/http/guard.ts";
import { testConfig } from "../../gateway/testkit/config.ts";
import { CHROMIUM } from "../support/chromium.ts";
import { testGateway } from "../support/gateway.ts";
import { chain } from "../support/presses.ts";

let gw: Gateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

/** A gateway whose database holds one answered survey; returns it and the survey's id. */
async function withSurvey(overrides: ConfigInput = {}): Promise<{ gw: Gateway; survey: number; port: number }> {
  const c = chain();
  const t = c.terminal("s1.till", "s1", "Europe/Moscow", "staff", "elena");
  const survey = t.survey("2026-11-20 10:10:00", "no");
  c.store.close();
  gw = await testGateway({ database: c.config.database, ...overrides });
  gw.workers.derive();
  return { gw, survey, port: Number(new URL(gw.http!.url).port) };
}

interface Raw {
  status: number;
  body: { error?: string; message?: string; changed?: boolean };
}

/** One request on the gateway's socket (at `to`) with exactly these headers (fetch cannot forge Host). */
function raw(port: number, method: string, path: string, headers: Record<string, string>, body?: unknown, to = "127.0.0.1"): Promise<Raw> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({ host: to, port, method, path, headers: { ...headers, ...(data ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(data)) } : {}) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Raw["body"] }));
    });
    req.on("error", reject);
    req.end(data);
  });
}

const reviews = (g: Gateway) => g.store.reviews.entries(null, 100).length;
const invalidate = { valid: false, reason: "seller pressed No", by: "olga" };

describe("the guard's verdicts", () => {
  const o = { allowedHosts: new Set(["127.0.0.1", "localhost", "localhost.", "gw.example"]), token: undefined, port: 8080 };
  const base: RequestFacts = { method: "POST", host: "127.0.0.1:8080", origin: undefined, secFetchSite: undefined, remoteAddress: "127.0.0.1", token: undefined, session: false };
  it.each([
    ["a local program", {}, 0],
    ["a local page of this gateway", { origin: "http://127.0.0.1:8080", secFetchSite: "same-origin" }, 0],
    ["localhost, IPv4-mapped socket", { host: "localhost:8080", remoteAddress: "::ffff:127.0.0.1" }, 0],
    ["a read from anywhere allowed", { method: "GET", remoteAddress: "10.0.0.5" }, 0],
    ["a session (the web app, later)", { remoteAddress: "10.0.0.5", session: true }, 0],
    ["a rebound name", { host: "evil.example:8080" }, 421],
    ["a name starting with 127.", { host: "127.0.0.1.nip.io:8080", method: "GET" }, 421],
    ["no Host", { host: undefined }, 400],
    ["a configured name is not provably local", { host: "gw.example" }, 403],
    ["a page of another site", { origin: "http://evil.example" }, 403],
    ["a local page on another port", { origin: "http://127.0.0.1:3000" }, 403],
    ["a sandboxed page", { origin: "null" }, 403],
    ["Sec-Fetch-Site cross-site", { secFetchSite: "cross-site" }, 403],
    ["Sec-Fetch-Site same-site", { secFetchSite: "same-site" }, 403],
    ["not from a loopback socket", { remoteAddress: "192.168.1.9" }, 403],
  ] as const)("%s", (_what, change, status) => {
    const v = judge({ ...base, ...change }, o);
    expect(v.ok ? 0 : v.status).toBe(status);
    if (!v.ok) expect(v.message).toMatch(/^[a-z]/);
  });
  it("with a token, every request needs it, local or not", () => {
    const t = { ...o, token: "0123456789abcdef-secret" };
    expect(judge({ ...base, method: "GET" }, t)).toMatchObject({ ok: false, status: 401 });
    expect(judge({ ...base, remoteAddress: "10.0.0.5", token: "0123456789abcdef-secret" }, t)).toEqual({ ok: true });
    expect(judge({ ...base, host: "evil.example", token: "0123456789abcdef-secret" }, t)).toMatchObject({ ok: false, status: 421 });
  });
});

describe("HTTP Host allow-list and local changes", () => {
  it("refuses a forged Host and a cross-site change, and changes nothing", async () => {
    const { gw, survey, port } = await withSurvey();
    const path = `/api/review/surveys/${survey}`;
    const forged = await raw(port, "POST", path, { host: "evil.example" }, invalidate);
    expect(forged).toMatchObject({ status: 421, body: { error: "misdirected" } });
    expect(forged.body.message).toContain('"evil.example"');
    expect((await raw(port, "GET", "/api/report?from=2026-11-20", { host: `evil.example:${port}` })).status).toBe(421);
    expect((await raw(port, "GET", "/api/report?from=2026-11-20", { host: `127.0.0.1.nip.io:${port}` })).status).toBe(421);
    const cross = await raw(port, "POST", path, { host: `127.0.0.1:${port}`, origin: "http://evil.example" }, invalidate);
    expect(cross).toMatchObject({ status: 403, body: { error: "forbidden" } });
    expect(cross.body.message).toMatch(/token/);
    expect((await raw(port, "POST", path, { host: `127.0.0.1:${port}`, "sec-fetch-site": "cross-site" }, invalidate)).status).toBe(403);
    expect(reviews(gw)).toBe(0);

    expect((await raw(port, "GET", "/api/report?from=2026-11-20", { host: `localhost:${port}` })).status).toBe(200);
    const local = await raw(port, "POST", path, { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, "sec-fetch-site": "same-origin" }, invalidate);
    expect(local).toMatchObject({ status: 200, body: { changed: true } });
    expect(reviews(gw)).toBe(1);
  }, 30_000);

  it("takes a name starting with 127. as a public name: a token is required, and without one it only reads", async () => {
    expect(() => testConfig({ http: { host: "127.0.0.1.nip.io" } })).toThrow(ConfigError);
    expect(() => testConfig({ http: { host: "127.0.0.1.nip.io" } })).toThrow(/token is required/);
    const { gw, survey, port } = await withSurvey({ http: { allowedHosts: ["127.0.0.1.nip.io"] } });
    const host = `127.0.0.1.nip.io:${port}`;
    expect((await raw(port, "GET", "/api/report?from=2026-11-20", { host })).status).toBe(200);
    const change = await raw(port, "POST", `/api/review/surveys/${survey}`, { host }, invalidate);
    expect(change).toMatchObject({ status: 403, body: { error: "forbidden" } });
    expect(reviews(gw)).toBe(0);
  }, 30_000);

  it("with a token, the forged Host is still refused and the token is what lets a change through", async () => {
    const token = "0123456789abcdef-secret";
    const { gw, survey, port } = await withSurvey({ http: { token } });
    const path = `/api/review/surveys/${survey}`;
    expect((await raw(port, "POST", path, { host: "evil.example", authorization: `Bearer ${token}` }, invalidate)).status).toBe(421);
    expect((await raw(port, "POST", path, { host: `127.0.0.1:${port}` }, invalidate)).status).toBe(401);
    expect(reviews(gw)).toBe(0);
    expect((await raw(port, "POST", path, { host: `127.0.0.1:${port}`, authorization: `Bearer ${token}` }, invalidate)).status).toBe(200);
    expect(reviews(gw)).toBe(1);
  }, 30_000);
});

describe("a gateway bound by the name localhost", () => {
  it("answers to the address it is bound to, and takes a local change there", async () => {
    const { gw, survey, port } = await withSurvey({ http: { host: "localhost" } });
    const bound = gw.http!.app.server.address();
    const ip = typeof bound === "object" && bound ? bound.address : "";
    const host = ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
    expect((await raw(port, "GET", "/api/report?from=2026-11-20", { host: `localhost:${port}` }, undefined, ip)).status).toBe(200);
    expect((await raw(port, "GET", "/api/report?from=2026-11-20", { host }, undefined, ip)).status).toBe(200);
    expect((await raw(port, "POST", `/api/review/surveys/${survey}`, { host }, invalidate, ip)).status).toBe(200);
    expect(reviews(gw)).toBe(1);
    expect((await raw(port, "GET", "/api/report?from=2026-11-20", { host: `evil.example:${port}` }, undefined, ip)).status).toBe(421);
  }, 30_000);
});

describe("DNS rebinding in a real browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      /* What a rebound DNS answer does: the attacker's name now resolves to this machine. */
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP evil.example 127.0.0.1"],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** Runs a same-origin fetch POST from a page at `origin`, as the page's own script would. */
  async function postFrom(origin: string, path: string): Promise<{ status: number; body: Raw["body"] }> {
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/healthz`);
      return await page.evaluate(
        async ([p, b]) => {
          const r = await fetch(p, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(b) });
          return { status: r.status, body: (await r.json()) as Raw["body"] };
        },
        [path, invalidate] as const,
      );
    } finally {
      await page.close();
    }
  }

  it("a page of evil.example rebound to 127.0.0.1 cannot change a review; the gateway's own page can", async () => {
    const { gw, survey, port } = await withSurvey();
    const path = `/api/review/surveys/${survey}`;
    const evil = await postFrom(`http://evil.example:${port}`, path);
    expect(evil).toMatchObject({ status: 421, body: { error: "misdirected" } });
    expect(reviews(gw)).toBe(0);
    expect(gw.store.db.prepare("SELECT count(*) AS n FROM survey_reviews").get()).toEqual({ n: 0 });

    const own = await postFrom(`http://127.0.0.1:${port}`, path);
    expect(own).toMatchObject({ status: 200, body: { changed: true } });
    expect(reviews(gw)).toBe(1);
  }, 60_000);
});
