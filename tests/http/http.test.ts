/** The reports and review API over real HTTP, on the running gateway; a token guards any non-loopback address. */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/app.ts";
import { ConfigError } from "../../gateway/config/load.ts";
import { chain } from "../support/presses.ts";
import { testConfig } from "../../gateway/testkit/config.ts";
import { testGateway } from "../support/gateway.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { addDays, localDay } from "../../gateway/time/zone.ts";

let gw: Gateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

async function withData(overrides = {}): Promise<{ gw: Gateway; survey: number; period: number }> {
  const c = chain();
  const t = c.terminal("s1.till", "s1", "Europe/Moscow", "staff", "elena");
  t.survey("2026-11-20 10:00:00", "yes");
  const survey = t.survey("2026-11-20 10:10:00", "no");
  const period = t.press("2026-11-20 11:00:00", "long");
  t.survey("2026-11-20 11:05:00", "silent");
  c.store.close();
  gw = await testGateway({ database: c.config.database, ...overrides });
  return { gw, survey, period };
}

const json = (url: string, init?: RequestInit) => fetch(url, init).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> & unknown[] }));
const post = (url: string, body: unknown) => json(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("HTTP API", () => {
  it("serves reports in every format and reviews that change them at once", async () => {
    const { gw, survey, period } = await withData();
    const base = gw.http!.url;
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const q = "from=2026-11-20&groupBy=terminal";
    let r = await json(`${base}/api/report?${q}`);
    expect(r.status).toBe(200);
    const staff = (b: Record<string, unknown>) => (b.total as { indices: { index: string; value: number; sample: number }[] }).indices.find((f) => f.index === "inkStaff");
    expect(staff(r.body)).toMatchObject({ value: 60, sample: 3 });

    const csv = await fetch(`${base}/api/report?${q}&format=csv`);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString("utf8").startsWith("Терминал;Индекс;")).toBe(true);
    const html = await fetch(`${base}/report?${q}`);
    expect(await html.text()).toContain("ИНК@Персонал");

    const list = await json(`${base}/api/review/periods?from=2026-11-20&status=unreviewed`);
    expect((list.body as { id: number; start: string }[]).map((p) => [p.id, p.start])).toEqual([[period, "2026-11-20 11:00:00"]]);
    expect((await json(`${base}/api/review/untimed?from=2026-11-20`)).body).toEqual({ total: 0, items: [] });
    expect((await post(`${base}/api/review/periods/${period}`, { status: "confirmed", by: "olga" })).status).toBe(200);
    r = await json(`${base}/api/report?${q}`);
    expect(staff(r.body)).toMatchObject({ value: 50, sample: 2 });

    const marked = await post(`${base}/api/review/surveys/${survey}`, { valid: false, reason: "seller pressed No", by: "olga" });
    expect(marked.body).toMatchObject({ changed: true });
    expect(staff((await json(`${base}/api/report?${q}`)).body)).toMatchObject({ value: 0, sample: 1 });
    const undo = await post(`${base}/api/review/undo/${marked.body.review}`, { by: "olga" });
    expect(undo.status).toBe(200);
    expect(staff((await json(`${base}/api/report?${q}`)).body)).toMatchObject({ value: 50, sample: 2 });
    const log = await json(`${base}/api/review/log`);
    expect((log.body as { action: string }[]).map((e) => e.action)).toEqual(["undo", "invalid", "confirm"]);
  }, 30_000);

  it("answers bad requests with a clear error and keeps serving", async () => {
    const { gw, survey } = await withData();
    const base = gw.http!.url;
    const bad = [
      await json(`${base}/api/report?from=yesterdayish`),
      await json(`${base}/api/report?groupBy=planet`),
      await json(`${base}/api/report?from=2026-11-21&to=2026-11-20`),
      await json(`${base}/api/report?format=pdf`),
      await post(`${base}/api/review/surveys/${survey}`, { valid: false, by: "olga" }),
      await post(`${base}/api/review/surveys/abc`, { valid: true, by: "olga" }),
      await json(`${base}/api/review/surveys/${survey}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" }),
    ];
    expect(bad.map((b) => b.status)).toEqual([400, 400, 400, 400, 400, 400, 400]);
    expect(bad[0]!.body.message).toMatch(/from: expected YYYY-MM-DD/);
    expect(bad[4]!.body.message).toMatch(/reason/);
    /* In words, not the validator's: a missing field is required, an unknown one named, a bound said plainly. */
    const worded = [
      await post(`${base}/api/review/surveys/${survey}`, {}),
      await post(`${base}/api/review/surveys/${survey}`, { valid: "yes", by: "", action: "mark" }),
      await post(`${base}/api/review/periods/${survey}`, { status: "maybe", by: "olga" }),
      await json(`${base}/api/review/surveys?from=2026-11-20&limit=0`),
    ];
    expect(worded.map((b) => [b.status, b.body.message])).toEqual([
      [400, "body: valid: required"],
      [400, 'body: valid: expected a boolean; by: expected at least 1 character; (root): unknown field "action"'],
      [400, 'body: status: expected "confirmed" or "rejected"'],
      [400, "query: limit: expected at least 1"],
    ]);
    expect((await post(`${base}/api/review/surveys/424242`, { valid: false, reason: "x", by: "o" })).status).toBe(404);
    expect((await json(`${base}/reports/../../etc/passwd`)).status).toBe(404);
    expect((await json(`${base}/api/report?from=2026-11-20`)).status).toBe(200);
  }, 30_000);

  it("requires a token beyond loopback, and checks it when set", async () => {
    expect(() => testConfig({ http: { host: "0.0.0.0" } })).toThrow(ConfigError);
    const { gw } = await withData({ http: { token: "0123456789abcdef-secret" } });
    const base = gw.http!.url;
    expect((await json(`${base}/api/report`)).status).toBe(401);
    expect((await json(`${base}/api/report?from=2026-11-20`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await json(`${base}/api/report?from=2026-11-20`, { headers: { authorization: "Bearer 0123456789abcdef-secret" } })).status).toBe(200);
    expect((await fetch(`${base}/report?from=2026-11-20&token=0123456789abcdef-secret`)).status).toBe(200);
  }, 30_000);
});

describe("the nightly files over HTTP", () => {
  it("lists the reports the gateway wrote at start, never a temporary file of one being written", async () => {
    const reports = mkdtempSync(join(tmpdir(), "lb-http-reports-"));
    const { gw } = await withData({ reports: { folder: reports, nightly: { catchUpDelayMs: 0 } } });
    const base = gw.http!.url;
    const yesterday = addDays(localDay(Date.now(), "Europe/Moscow"), -1);
    const folder = join(reports, "s1");
    await waitFor("yesterday's nightly files, written at start", () => existsSync(join(folder, `${yesterday}.employees.csv`)));
    writeFileSync(join(folder, `.${yesterday}.json.4242.tmp`), "{\"half\": ");
    expect((await json(`${base}/reports/`)).body).toEqual([`s1/${yesterday}.csv`, `s1/${yesterday}.employees.csv`, `s1/${yesterday}.html`, `s1/${yesterday}.json`]);
  }, 30_000);
});
