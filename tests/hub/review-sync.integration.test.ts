/**
 * Review sync (docs/hub.md#review-sync): a store gateway (in this process, its own SQLite file, forwarding over a
 * real Mosquitto) and the hub (its Hub part in this process, a real PostgreSQL). A review at the hub changes the store's figures and a review at the store the
 * hub's; either side undoes the other's; both sides keep every entry under one identity; when both change the same
 * survey before they hear of each other, the later review wins on both. A review made by `loyalty hub review`
 * (its own PostgreSQL connection) reaches the store through the hub's LISTEN, not a heartbeat (those are 10 min apart).
 * The store's survey window is not the hub's: the hub derives with the settings the store forwarded. After each step the store's report and
 * the hub's report of that store are equal, figure for figure.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../gateway/app.ts";
import type { Config } from "../../gateway/config/schema.ts";
import { hubConfigSchema, type HubConfig } from "../../gateway/hub/config.ts";
import { Hub } from "../../gateway/hub/hub.ts";
import { makeHubReport } from "../../gateway/hub/report.ts";
import { hubReviewHistory, hubReviewPeriod, hubReviewSurvey, hubUndoReview, type HubReviewer } from "../../gateway/hub/review.ts";
import { silentLogger } from "../../gateway/log.ts";
import type { ReportRequest } from "../../gateway/reports/build.ts";
import { makeReport } from "../../gateway/reports/report.ts";
import type { Report } from "../../gateway/reports/schema.ts";
import { reviewPeriod, reviewSurvey, undoReview } from "../../gateway/review/actions.ts";
import { pair } from "../../gateway/terminals/manage.ts";
import { startMosquitto, type Mosquitto } from "../../gateway/testkit/mosquitto.ts";
import { startPostgres, type Postgres } from "../../gateway/testkit/postgres.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { addDays, dayStart, localDay } from "../../gateway/time/zone.ts";
import { testConfig } from "../../gateway/testkit/config.ts";
import { runCli } from "../support/cli.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ZONE = "Europe/Moscow";
const STORE = "msk";
const TERMINAL = `${STORE}.till-1`;

let pgServer: Postgres;
let broker: Mosquitto;
let pool: pg.Pool;
let hubConfig: HubConfig;
let hub: Hub;
let gw: Gateway;
let config: Config;
let day: string;

const atHub: HubReviewer = { by: "irina@hub", now: 0, via: "cli" };
const hubWho = () => ({ ...atHub, now: Date.now() });
const storeWho = () => ({ by: "olga", now: Date.now(), via: "cli" as const });

const req = (): ReportRequest => ({ from: day, to: day, groupBy: ["terminal"], stores: [STORE] });
const storeReport = () => makeReport(gw.store, config, req(), 0);
async function hubReport(): Promise<Report> {
  await hub.deriveQueued();
  return makeHubReport(pool, hubConfig, req(), 0);
}
const invalid = (r: Report) => r.total.invalid;
const fmConfirmed = (r: Report) => r.total.fm?.confirmed;

/** Waits until the hub holds everything the store has given, derived; then the two reports must be equal. */
async function settled(): Promise<Report> {
  await waitFor("the hub to commit the store's outbox", async () => {
    const r = await pool.query<{ c: string }>(`SELECT committed_seq AS c FROM hub_stores WHERE store_id = $1`, [STORE]);
    return Number(r.rows[0]?.c ?? -1) === gw.store.hubOutbox.lastSeq();
  });
  const own = storeReport();
  expect(await hubReport()).toEqual(own);
  return own;
}

const storeEntry = (uid: string) => gw.store.reviews.byUid(uid);
const hubEntry = async (uid: string) => (await hubReviewHistory(pool, STORE, { limit: 1000 })).find((e) => e.uid === uid);

beforeAll(async () => {
  [pgServer, broker] = await Promise.all([startPostgres(), startMosquitto()]);
  pool = new pg.Pool({ connectionString: pgServer.url, max: 3 });
  hubConfig = hubConfigSchema.parse({ postgres: { url: pgServer.url }, mqtt: { url: broker.url, clientId: "hub-review-test" }, timeZone: ZONE, derive: { pollMs: 100 }, http: { port: 0 }, reports: { nightly: { enabled: false } } });
  hub = new Hub(hubConfig, { log: silentLogger() });
  await hub.start();
  /* A heartbeat far off: reviews made at the hub must reach the store by the hub's own push. */
  /* The store's window is not the hub's default (30 s): the hub must derive with the settings the store forwarded. */
  config = testConfig({ timeZone: ZONE, terminalDefaults: { windowMs: 10_000 }, hub: { url: broker.url, storeId: STORE, pollMs: 50, heartbeatMs: 600_000, ackTimeoutMs: 2000 } });
  gw = await startGateway(config, { log: silentLogger() });
  const now = Date.now();
  const s = gw.store;
  s.terminals.addStore({ id: STORE, name: "Store msk", timeZone: ZONE, region: "west" }, now);
  s.devices.seen("MSK-1", "mqtt", now);
  pair(s, { serial: "MSK-1", store: STORE, point: "till-1", question: "staff", employee: "anna" }, now);
  day = localDay(now - 86_400_000, ZONE);
  /* Yesterday: surveys a minute apart, every fifth one silent, some answers after the store's window, and long presses (force-majeure). */
  const start = dayStart(day, ZONE) + 9 * 3_600_000;
  const kinds = ["yes", "no", "unsure", "yes", null];
  s.tx(() => {
    let seq = 0;
    const put = (kind: string, at: number) =>
      s.events.insert({ serial: "MSK-1", boot: "b1", seq: ++seq, kind: kind as "short", btn: null, ts: at, synced: true, untimed: false, atMs: at, receivedMs: at + 100, terminalId: TERMINAL, link: "mqtt" });
    for (let i = 0; i < 40; i++) {
      const at = start + i * 60_000;
      put("short", at);
      const k = kinds[i % kinds.length];
      if (k) put(k, at + (i % 7 === 3 ? 15_000 : 4000));
      if (i === 10 || i === 30) put("long", at + 30_000);
    }
    s.derived.enqueue(TERMINAL, start);
  });
}, 120_000);

afterAll(async () => {
  await gw?.stop();
  await hub?.stop();
  await pool?.end();
  await Promise.all([broker?.stop(), pgServer?.stop()]);
});

describe("review sync between a store and the hub", () => {
  it("a review at either side changes both sides' figures, under one identity, and either side undoes it", { timeout: 120_000 }, async () => {
    const before = await settled();
    expect(before.total.representativeness.surveys).toBe(40);
    expect(before.total.unsolicited).toBeGreaterThan(0);
    const sent = await pool.query<{ d: string }>(`SELECT terminal_defaults AS d FROM store_settings WHERE store_id = $1`, [STORE]);
    expect(JSON.parse(sent.rows[0]!.d)).toMatchObject({ windowMs: 10_000 });
    expect(invalid(before)).toBe(0);
    const surveys = gw.store.derived.surveys(TERMINAL, 0, Number.MAX_SAFE_INTEGER);
    const periods = gw.store.derived.periods(TERMINAL, 0, Number.MAX_SAFE_INTEGER);
    expect(periods.length).toBeGreaterThan(0);
    const [s1, s2] = surveys.map((x) => x.openingEventId) as [number, number];

    /* At the hub: the store gets it with the hub's push, keeps its uid and reviewer, and counts it. */
    const hubUid = (await hubReviewSurvey(pool, STORE, s1, false, "камера: покупателя не было", hubWho()))!;
    const applied = await waitFor("the hub's review at the store", () => storeEntry(hubUid));
    expect(applied).toMatchObject({ by: "irina@hub", via: "hub", target: "survey", targetId: s1, action: "invalid", reason: "камера: покупателя не было" });
    expect(gw.store.reviews.survey(s1)).toEqual({ valid: false, reason: "камера: покупателя не было" });
    expect(invalid(await settled())).toBe(1);
    expect((await hubEntry(hubUid))?.origin).toBe("hub");

    /* At the store: the hub gets it with the next batch and counts it. */
    const storeLog = reviewSurvey(gw.store, s2, false, "дубль", storeWho())!;
    const storeUid = gw.store.reviews.entry(storeLog)!.uid;
    await waitFor("the store's review at the hub", () => hubEntry(storeUid));
    expect(await hubEntry(storeUid)).toMatchObject({ by: "olga", via: "cli", origin: "store", targetId: s2, action: "invalid" });
    expect(invalid(await settled())).toBe(2);

    /* A period confirmed at the hub with a corrected end; the store's figures follow. */
    const p = periods[0]!;
    const fmUid = (await hubReviewPeriod(pool, STORE, p.startEventId, "confirmed", p.start + 120_000, null, hubWho()))!;
    await waitFor("the hub's period review at the store", () => storeEntry(fmUid));
    expect(gw.store.reviews.fm(p.startEventId)).toEqual({ status: "confirmed", endMs: p.start + 120_000 });
    expect(fmConfirmed(await settled())).toBe(1);

    /* The store undoes the hub's review; the hub undoes the store's. */
    const undoAtStore = undoReview(gw.store, storeEntry(hubUid)!.id, storeWho());
    const undoAtStoreUid = gw.store.reviews.entry(undoAtStore)!.uid;
    await waitFor("the store's undo at the hub", async () => (await hubEntry(hubUid))?.undoneByUid === undoAtStoreUid);
    const undoAtHubUid = await hubUndoReview(pool, STORE, storeUid, hubWho());
    await waitFor("the hub's undo at the store", () => storeEntry(storeUid)?.undoneBy === storeEntry(undoAtHubUid)?.id && storeEntry(undoAtHubUid));
    expect(gw.store.reviews.survey(s1)).toEqual({ valid: true, reason: null });
    expect(gw.store.reviews.survey(s2)).toEqual({ valid: true, reason: null });
    expect(invalid(await settled())).toBe(0);
    /* Undoing again is refused on both sides, in words. */
    await expect(hubUndoReview(pool, STORE, storeUid, hubWho())).rejects.toThrow(/undone already/);
    expect(() => undoReview(gw.store, storeEntry(hubUid)!.id, storeWho())).toThrow(/undone already/);

    /* One identity: both logs hold the same entries, each once. */
    const storeUids = gw.store.reviews.entries(null, 1000).map((e) => e.uid).sort();
    const hubUids = (await hubReviewHistory(pool, STORE, { limit: 1000 })).map((e) => e.uid).sort();
    expect(hubUids).toEqual(storeUids);
    expect(storeUids).toHaveLength(5);
  });

  it("when both sides change one survey before hearing of each other, the later review wins on both", { timeout: 120_000 }, async () => {
    const [, , s3] = gw.store.derived.surveys(TERMINAL, 0, Number.MAX_SAFE_INTEGER).map((x) => x.openingEventId) as [number, number, number];
    /* The hub's broker stops: neither side hears of the other's review. */
    await broker.stop();
    const earlier = reviewSurvey(gw.store, s3, false, "склад: тестовое нажатие", { ...storeWho(), now: Date.now() - 5000 })!;
    const laterUid = (await hubReviewSurvey(pool, STORE, s3, false, "камера: продавец нажал сам", hubWho()))!;
    await broker.restart();
    await waitFor("the store's review at the hub", () => hubEntry(gw.store.reviews.entry(earlier)!.uid), 60_000);
    await waitFor("the hub's review at the store", () => storeEntry(laterUid), 60_000);
    expect(gw.store.reviews.survey(s3)).toEqual({ valid: false, reason: "камера: продавец нажал сам" });
    const own = await settled();
    const hubState = await pool.query(`SELECT valid, reason FROM survey_reviews WHERE store_id = $1 AND opening_event_id = $2`, [STORE, s3]);
    expect(hubState.rows[0]).toEqual({ valid: false, reason: "камера: продавец нажал сам" });
    expect(invalid(own)).toBe(1);
  });

  it("takes a review made with `loyalty hub review` to the store, and lists the store's surveys there", { timeout: 120_000 }, async () => {
    const [, , , s4] = gw.store.derived.surveys(TERMINAL, 0, Number.MAX_SAFE_INTEGER).map((x) => x.openingEventId) as [number, number, number, number];
    const dir = mkdtempSync(join(tmpdir(), "lb-hub-review-"));
    const file = join(dir, "hub.json");
    writeFileSync(file, JSON.stringify({ postgres: { url: pgServer.url }, mqtt: { url: broker.url }, timeZone: ZONE }));
    const listed = await runCli("hub", "review", "surveys", STORE, "--config", file, "--from", day, "--json");
    expect(listed.code).toBe(0);
    const items = JSON.parse(listed.out) as { id: number; valid: boolean }[];
    expect(items.map((x) => x.id)).toEqual(gw.store.derived.surveys(TERMINAL, 0, Number.MAX_SAFE_INTEGER).map((x) => x.openingEventId));
    process.env.LOYALTY_REVIEWER = "pavel@hub";
    const r = await runCli("hub", "review", "invalid", STORE, String(s4), "--reason", "тест", "--config", file).finally(() => delete process.env.LOYALTY_REVIEWER);
    expect(r.err).toBe("");
    const uid = /review ([0-9a-f-]{36})/.exec(r.out)![1]!;
    await waitFor("the CLI's review at the store", () => storeEntry(uid));
    expect(storeEntry(uid)).toMatchObject({ by: "pavel@hub", via: "hub" });
    expect(invalid(await settled())).toBe(2);
    const refused = await runCli("hub", "review", "invalid", STORE, "999999", "--reason", "x", "--config", file);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/no survey 999999 of store gateway 'msk' at the hub/);
    const byLocalId = await runCli("hub", "review", "undo", STORE, "12345678", "--config", file);
    expect(byLocalId.err).toMatch(/reviews are named by their uid here: loyalty hub review log msk/);
    /* One hub per database: a second one is refused at start, in words. */
    const second = new Hub(hubConfigSchema.parse({ ...hubConfig, mqtt: { url: broker.url, clientId: "hub-review-test-2" }, http: { port: 0 } }), { log: silentLogger() });
    await expect(second.start()).rejects.toThrow("another `loyalty hub` is running on this database (it holds the hub's lock): run one hub per database, stop the other first");
    await second.stop();
  });

  it("reviews through the hub's HTTP API: a program names who reviews, undoes by uid, and is refused in words", { timeout: 120_000 }, async () => {
    const base = hub.http!.url;
    const post = async (path: string, body: unknown) => {
      const r = await fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as { review?: string; changed?: boolean; error?: string; message?: string } };
    };
    const listed = (await (await fetch(`${base}/api/review/${STORE}/surveys?from=${day}`)).json()) as { id: number; valid: boolean }[];
    const s5 = listed.find((x) => x.valid)!.id;
    const made = await post(`/api/review/${STORE}/surveys/${s5}`, { valid: false, reason: "видео: очередь", by: "api-bot" });
    expect(made).toMatchObject({ status: 200, body: { changed: true } });
    const uid = made.body.review!;
    await waitFor("the API's review at the store", () => storeEntry(uid));
    expect(storeEntry(uid)).toMatchObject({ by: "api-bot", via: "hub", targetId: s5 });
    const before = invalid(await settled());
    const undone = await post(`/api/review/${STORE}/undo/${uid}`, { by: "api-bot" });
    expect(undone.status).toBe(200);
    await waitFor("the API's undo at the store", () => storeEntry(uid)?.undoneBy !== null && storeEntry(uid));
    expect(invalid(await settled())).toBe(before - 1);
    const log = (await (await fetch(`${base}/api/review/${STORE}/log?limit=2`)).json()) as { uid: string; action: string }[];
    expect(log.map((e) => e.action)).toEqual(["undo", "invalid"]);
    /* Bad requests, each in words, nothing stored. */
    expect(await post(`/api/review/${STORE}/surveys/${s5}`, { valid: false, reason: "x" })).toMatchObject({ status: 400, body: { message: expect.stringMatching(/say who reviews/) } });
    expect(await post(`/api/review/${STORE}/surveys/${s5}`, { valid: false, by: "api-bot" })).toMatchObject({ status: 400, body: { message: expect.stringMatching(/with a reason/) } });
    expect(await post(`/api/review/nowhere/surveys/1`, { valid: true, by: "api-bot" })).toMatchObject({ status: 404, body: { message: expect.stringMatching(/no store gateway 'nowhere'/) } });
    expect(await post(`/api/review/${STORE}/undo/${uid}`, { by: "api-bot" })).toMatchObject({ status: 409, body: { message: expect.stringMatching(/undone already/) } });
    expect((await fetch(`${base}/api/review/${STORE}/surveys?from=someday`)).status).toBe(400);
    expect((await fetch(`${base}/api/review/${STORE}/surveys?from=${day}&to=2020-01-01`)).status).toBe(400);
    /* A mistyped store is not an empty one. */
    const unknown = await fetch(`${base}/api/review/nowhere/surveys?from=${day}`);
    expect([unknown.status, ((await unknown.json()) as { message: string }).message]).toEqual([404, `no store gateway 'nowhere' at the hub (there are: ${STORE}; see loyalty hub status)`]);
  });
});
