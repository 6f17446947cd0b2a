/**
 * The dashboard's push after what is not ingest (docs/web.md#dashboard), in real Chromium against a running gateway
 * (real SQLite file, real fastify on a free port): a review saved on the desk in one browser updates the dashboard
 * open in another without a reload; so does a review through the API, an alert the engine opens, and every change of
 * an alert: acknowledged by `loyalty alerts ack` in another process (the real CLI, seen through SQLite's data_version),
 * commented and closed through the API. The gateway's clock is fixed on the test's day.
 *
 * The dashboard also pushes on a timer while open (live.ts, http.dashboardRefreshMs): it is set to 10 minutes here, and
 * each wait below has a 5 s timeout, so what it sees was brought by the push that followed the change, not by the timer.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/app.ts";
import { parseRule } from "../../gateway/alerts/rules.ts";
import { chain } from "../support/presses.ts";
import { startWebApp, type WebApp } from "../support/web-session.ts";

const NOW = Date.parse("2026-11-20T12:00:00Z"); /* 15:00 in Moscow */
const DAY = "2026-11-20";
const USERS = { olga: { roles: "expert", password: "olga-expert-pw" }, masha: { roles: "manager", password: "masha-manager-pw" } };
/** Well under the dashboard's timer (see above). */
const BY_PUSH = { timeout: 5000 };

let app: WebApp<keyof typeof USERS>;
let gw: Gateway;
let base: string;
let database: string;
const surveys: number[] = [];

beforeAll(async () => {
  const c = chain();
  const till = c.terminal("s1.till", "s1", "Europe/Moscow", "staff", "elena");
  surveys.push(till.survey(`${DAY} 10:00:00`, "yes"), till.survey(`${DAY} 10:10:00`, "no"), till.survey(`${DAY} 10:20:00`, "yes"));
  c.store.close();
  database = c.config.database;
  app = await startWebApp({ users: USERS, config: { database, http: { dashboardRefreshMs: 600_000 } }, now: NOW });
  ({ gw, base } = app);
}, 60_000);
afterAll(() => app?.stop());

/** The manager's dashboard, connected to its event stream, with a mark on this document that a reload would lose. */
async function openDashboard(): Promise<Page> {
  const page = await app.signIn("masha");
  await page.waitForSelector('#live[data-connected="true"]');
  await page.evaluate("window.__sameDocument = true");
  return page;
}

const sample = (page: Page) => page.locator('#terminals tr[data-row="s1/s1.till"] td[data-index="inkStaff"] [data-sample]').innerText();
const answerCell = (page: Page, id: number) => page.locator(`#latest tr[data-survey="${id}"] td[data-answer]`);

describe("dashboard push", () => {
  it("follows a review saved on the desk in another browser, and one saved through the API, without a reload", async () => {
    const dash = await openDashboard();
    expect(await sample(dash)).toBe(String(surveys.length));
    expect(await answerCell(dash, surveys[1]!).innerText()).toBe("Нет");

    const desk = await app.signIn("olga");
    await desk.goto(base + "/review");
    const row = desk.locator(`#surveys tr[data-survey="${surveys[1]}"]`);
    await row.getByText("Не учитывать…").click();
    await row.locator('input[name="reason"]').fill("камера: покупателя не было");
    await row.getByRole("button", { name: "Сохранить" }).click();

    await dash.waitForSelector(`#latest tr[data-survey="${surveys[1]}"].muted`, BY_PUSH);
    expect(await answerCell(dash, surveys[1]!).innerText()).toBe("Нет (недействителен)");
    expect(await sample(dash)).toBe(String(surveys.length - 1));
    expect(gw.store.reviews.survey(surveys[1]!)).toMatchObject({ valid: false, reason: "камера: покупателя не было" });

    /* A program with no token on the loopback address (no http.token here), as docs/reports.md#http allows. */
    const r = await fetch(`${base}/api/review/surveys/${surveys[1]}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ valid: true, by: "cctv-bot" }) });
    expect(r.status).toBe(200);
    await dash.waitForSelector(`#latest tr[data-survey="${surveys[1]}"]:not(.muted)`, BY_PUSH);
    expect(await answerCell(dash, surveys[1]!).innerText()).toBe("Нет");
    expect(await sample(dash)).toBe(String(surveys.length));
    expect(await dash.evaluate("window.__sameDocument")).toBe(true);
    await desk.context().close();
    await dash.context().close();
  });

  it("shows an alert the engine opens without a reload", async () => {
    const dash = await openDashboard();
    expect(await dash.locator("#alerts tr[data-alert]").count()).toBe(0);
    /* Straight into the store, so nothing but the engine's evaluation (as its timer runs it) tells the dashboard. */
    const rule = gw.store.alerts.addRule(parseRule({ kind: "index", index: "inkStaff", op: "above", threshold: 0, minSample: 1, name: "есть «нет»" }, "rule"), "test", NOW);
    const { opened } = gw.alerts!.evaluate();
    expect(opened).toHaveLength(1);
    expect(gw.store.alerts.alert(opened[0]!)).toMatchObject({ ruleId: rule, subject: "terminal:s1.till", state: "open" });

    await dash.waitForSelector(`#alerts tr[data-alert="${opened[0]}"]`, BY_PUSH);
    expect(await dash.locator(`#alerts tr[data-alert="${opened[0]}"]`).innerText()).toContain("есть «нет»");
    expect(await dash.evaluate("window.__sameDocument")).toBe(true);
    await dash.context().close();
  });

  it("shows an alert acknowledged by the CLI in another process, then closed through the API, without a reload", async () => {
    const rule = gw.store.alerts.addRule(parseRule({ kind: "index", index: "inkStaff", op: "above", threshold: 0, minSample: 1, name: "для CLI" }, "rule"), "test", NOW);
    gw.alerts!.evaluate();
    const open = gw.store.alerts.list({ ruleId: rule })[0]!;
    expect(open.state).toBe("open");
    const dash = await openDashboard();
    const state = dash.locator(`#alerts tr[data-alert="${open.id}"] [data-alert-state]`);
    expect(await state.getAttribute("data-alert-state")).toBe("open");

    const bin = join(import.meta.dirname, "../../bin/loyalty.js");
    /* Not spawnSync: the gateway runs in this process and must keep running while the CLI does. */
    const cli = await promisify(execFile)(process.execPath, [bin, "alerts", "ack", String(open.id), "--comment", "смотрим камеру", "--db", database], { env: { ...process.env, LOYALTY_REVIEWER: "olga-at-the-shell" } });
    expect(cli.stderr).toBe("");
    expect(cli.stdout).toContain(`Alert ${open.id} acknowledged`);
    await dash.waitForSelector(`#alerts tr[data-alert="${open.id}"] [data-alert-state="acknowledged"]`, BY_PUSH);
    expect(await state.innerText()).toContain("подтверждено: olga-at-the-shell");

    const r = await fetch(`${base}/api/alerts/${open.id}/close`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ by: "cctv-bot", comment: "покупатели довольны" }) });
    expect(r.status).toBe(200);
    await dash.waitForSelector(`#alerts tr[data-alert="${open.id}"]`, { state: "detached", ...BY_PUSH });
    expect(gw.store.alerts.alert(open.id)).toMatchObject({ state: "closed", closedBy: "cctv-bot" });
    expect(await dash.evaluate("window.__sameDocument")).toBe(true);
    await dash.context().close();
  });
});
