/**
 * The web app in real Chromium against a running gateway (real SQLite file, real fastify on a free port): sign in by
 * typing, the dashboard's figures are the report's, roles are enforced on pages and on the API, a session's change
 * needs its CSRF token, sign-out and removal end sessions, programs keep the bearer token. The gateway's clock is
 * fixed at a known day so that "today" on the dashboard is the day the test's presses are on.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/app.ts";
import type { Config } from "../../gateway/config/schema.ts";
import { makeReport } from "../../gateway/reports/report.ts";
import { chain } from "../support/presses.ts";
import { noHorizontalScroll, signInAs, startWebApp, type WebApp } from "../support/web-session.ts";

const TOKEN = "program-token-0123456789";
const NOW = Date.parse("2026-11-20T12:00:00Z"); /* 15:00 in Moscow */
const USERS = { irina: { roles: "admin", password: "irina-admin-pw" }, olga: { name: "Ольга", roles: "expert", password: "olga-expert-pw" }, masha: { roles: "manager", password: "masha-manager-pw" } };
/** Added by the admin on the users page during the test. */
const PETR = { login: "petr", password: "petr-installer-pw" };

let app: WebApp<keyof typeof USERS>;
let browser: Browser;
let gw: Gateway;
let config: Config;
let base: string;
let survey: number;
let survey2: number;

beforeAll(async () => {
  const c = chain();
  const t = c.terminal("s1.till", "s1", "Europe/Moscow", "staff", "elena");
  t.survey("2026-11-20 10:00:00", "yes");
  survey = t.survey("2026-11-20 10:10:00", "no");
  survey2 = t.survey("2026-11-20 10:20:00", "yes");
  t.survey("2026-11-20 10:30:00", "unsure");
  c.store.close();
  app = await startWebApp({ users: USERS, config: { database: c.config.database, http: { token: TOKEN } }, now: NOW });
  ({ gw, config, base, browser } = app);
}, 60_000);
afterAll(() => app?.stop());

const signIn = (login: keyof typeof USERS, ctx?: BrowserContext): Promise<Page> => app.signIn(login, ctx);

/** A call from the signed-in page itself (its cookie, same origin), with or without the page's CSRF token. */
async function fromPage(page: Page, path: string, body: unknown, csrf: boolean): Promise<{ status: number; body: { error?: string; message?: string; review?: number } }> {
  return (await page.evaluate(`(async () => {
    const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRF-Token"];
    const headers = { "content-type": "application/json" };
    if (${csrf}) headers["X-CSRF-Token"] = token;
    const r = await fetch(${JSON.stringify(path)}, { method: "POST", headers, body: ${JSON.stringify(JSON.stringify(body))} });
    return { status: r.status, body: await r.json() };
  })()`)) as { status: number; body: { error?: string; message?: string; review?: number } };
}

const api = (path: string, init: RequestInit = {}) => fetch(base + path, { ...init, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...(init.headers ?? {}) } });
const surveyState = async (id: number) => {
  const list = (await (await api("/api/review/surveys?from=2026-11-20")).json()) as { id: number; valid: boolean }[] | { items: { id: number; valid: boolean }[] };
  const items = Array.isArray(list) ? list : list.items;
  return items.find((s) => s.id === id)!.valid;
};

describe("web app", () => {
  it("signs in by typing and shows today's indices per store and terminal, as the report computes them", async () => {
    const page = await signIn("olga");
    expect(await page.locator("[data-user]").innerText()).toBe("Ольга");
    expect(await page.locator("[data-roles]").innerText()).toBe("эксперт");
    expect(await page.locator("[data-store]").innerText()).toBe("s1");
    const nav = await page.locator("header nav a").allInnerTexts();
    expect(nav).toEqual(["Дашборд", "Проверка", "Терминалы", "Оповещения", "Отчёты"]);

    const report = makeReport(gw.store, config, { from: "2026-11-20", to: "2026-11-20", groupBy: ["store", "terminal"] }, NOW);
    const staff = report.groups[0]!.indices.find((f) => f.index === "inkStaff")!;
    const cell = page.locator('#terminals tr[data-row="s1/s1.till"] td[data-index="inkStaff"]');
    expect(await cell.locator("[data-value]").innerText()).toBe(`${staff.value!.toFixed(1).replace(".", ",")} %`);
    expect(await cell.locator("[data-sample]").innerText()).toBe(String(staff.sample));
    expect(await page.locator('#terminals tr[data-row="s1/s1.till"] td[data-index="inkOffice"]').innerText()).toBe("нет данных");
    expect(await page.locator("#live").count()).toBe(1);

    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 800 });
      expect(await noHorizontalScroll(page), `dashboard at ${width} px`).toBe(true);
    }

    /* Everything the page loads comes from the gateway (no CDN), and htmx runs. */
    const requests: string[] = [];
    const errors: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("pageerror", (e) => errors.push(e.message));
    await page.reload();
    expect(requests.length).toBeGreaterThan(2);
    expect(requests.filter((u) => !u.startsWith(base + "/"))).toEqual([]);
    expect(await page.evaluate("typeof htmx.ajax")).toBe("function");
    expect(errors).toEqual([]);

    /* Each section of the navigation opens, under its own title. */
    for (const title of nav.slice(1)) {
      await page.getByRole("link", { name: title, exact: true }).click();
      await page.waitForFunction(`document.querySelector("h1")?.textContent === ${JSON.stringify(title)}`);
      expect(await page.locator('header nav a[aria-current="page"]').innerText()).toBe(title);
    }
    await page.context().close();
  });

  it("refuses a manager's review on the page and through the API (403), and changes nothing", async () => {
    const page = await signIn("masha");
    /* The review desk opens read-only for a manager (tests/web/review-desk.chromium.test.ts); the users page is refused. */
    expect(await page.locator("header nav a").allInnerTexts()).not.toContain("Пользователи");
    const r = await page.goto(base + "/users");
    expect(r!.status()).toBe(403);
    expect(await page.locator("h1").innerText()).toBe("Нет доступа");
    await page.goto(base + "/");
    const refused = await fromPage(page, `/api/review/surveys/${survey}`, { valid: false, reason: "камера: покупателя не было" }, true);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe("forbidden");
    expect(refused.body.message).toContain("masha");
    expect(await surveyState(survey)).toBe(true);
    await page.context().close();
  });

  it("takes an expert's review from the page with the CSRF token, audited under the user; refuses it without the token", async () => {
    const page = await signIn("olga");
    const without = await fromPage(page, `/api/review/surveys/${survey}`, { valid: false, reason: "камера: покупателя не было" }, false);
    expect(without.status).toBe(403);
    expect(without.body.error).toBe("csrf");
    expect(await surveyState(survey)).toBe(true);

    const ok = await fromPage(page, `/api/review/surveys/${survey}`, { valid: false, reason: "камера: покупателя не было", by: "someone-else" }, true);
    expect(ok.status).toBe(200);
    expect(await surveyState(survey)).toBe(false);
    const entry = gw.store.reviews.entry(ok.body.review!)!;
    expect(entry).toMatchObject({ by: "olga", via: "web", userId: gw.store.users.byLogin("olga")!.id, action: "invalid" });
    await page.context().close();
  });

  it("keeps the bearer token working for the review API, audited as a program", async () => {
    const r = await api(`/api/review/surveys/${survey2}`, { method: "POST", body: JSON.stringify({ valid: false, reason: "двойное нажатие", by: "cctv-bot" }) });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { review: number };
    expect(gw.store.reviews.entry(body.review)).toMatchObject({ by: "cctv-bot", via: "api", userId: null });
    const noBy = await api(`/api/review/surveys/${survey2}`, { method: "POST", body: JSON.stringify({ valid: true }) });
    expect(noBy.status).toBe(400);
    expect(((await noBy.json()) as { message: string }).message).toContain("by");
    const noToken = await fetch(`${base}/api/review/surveys?from=2026-11-20`);
    expect(noToken.status).toBe(401);
  });

  it("ends the session at sign-out: the old cookie opens nothing", async () => {
    const page = await signIn("olga");
    const cookie = (await page.context().cookies()).find((c) => c.name === "lb_session")!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    const withCookie = () => fetch(`${base}/api/review/surveys?from=2026-11-20`, { headers: { cookie: `lb_session=${cookie.value}` } });
    expect((await withCookie()).status).toBe(200);
    await page.getByRole("button", { name: "Выйти" }).click();
    await page.waitForURL(base + "/login");
    expect((await withCookie()).status).toBe(401);
    await page.goto(base + "/");
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.context().close();
  });

  it("lets an admin add a user who then signs in, and remove a user whose open session then ends", async () => {
    const admin = await signIn("irina");
    await admin.getByRole("link", { name: "Пользователи" }).click();
    await admin.waitForURL(base + "/users");
    await admin.locator("#new-login").pressSequentially("petr");
    await admin.locator("#new-password").pressSequentially(PETR.password);
    await admin.locator("#new-manager").uncheck();
    await admin.locator("#new-installer").check();
    await admin.getByRole("button", { name: "Добавить" }).click();
    await admin.waitForSelector('#users tr[data-login="petr"]');
    expect(await admin.locator("[role=status]").innerText()).toContain("petr");
    for (const width of [1280, 390]) {
      await admin.setViewportSize({ width, height: 800 });
      expect(await admin.locator("#users").isVisible(), `users page at ${width} px`).toBe(true);
      expect(await noHorizontalScroll(admin), `users page at ${width} px`).toBe(true);
    }
    expect(gw.store.audit.recent(1)[0]).toMatchObject({ by: "irina", via: "web", action: "user.add", subject: "petr" });

    const installer = await signInAs(browser, base, PETR.login, PETR.password);
    expect(await installer.locator("[data-roles]").innerText()).toBe("монтажник");
    await installer.context().close();

    const manager = await signIn("masha");
    /* Off the dashboard, whose live stream would itself lead the removed user to sign-in while the test reloads. */
    await manager.goto(base + "/reports");
    admin.on("dialog", (d) => void d.accept());
    await admin.locator('#users tr[data-login="masha"]').getByRole("button", { name: "Удалить" }).click();
    await admin.waitForSelector('#users tr[data-login="masha"]', { state: "detached" });
    await manager.reload();
    expect(new URL(manager.url()).pathname).toBe("/login");

    /* An admin's form without the CSRF token is refused with a page in words. */
    const forged = await admin.evaluate(`fetch("/users/1/roles", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "roles=manager" }).then(async (r) => ({ status: r.status, text: await r.text() }))`) as { status: number; text: string };
    expect(forged.status).toBe(403);
    expect(forged.text).toContain("CSRF");
    expect(gw.store.users.byLogin("irina")!.roles).toEqual(["admin"]);

    /* A new password of one's own ends this session as well: back to sign-in, where the new one works. */
    await admin.locator('#users tr[data-login="irina"] input[name="password"]').pressSequentially("irina-new-password");
    await admin.locator('#users tr[data-login="irina"]').getByRole("button", { name: "Сменить" }).click();
    await admin.waitForURL(base + "/login");
    USERS.irina.password = "irina-new-password";
    const again = await signIn("irina");
    expect(await again.locator("[data-user]").innerText()).toBe("irina");
    await again.context().close();
    await admin.context().close();
    await manager.context().close();
  });

  it("answers a wrong password in words, and pages without a session send the browser to sign in", async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(base + "/users");
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.locator("#login").pressSequentially("olga");
    await page.locator("#password").pressSequentially("wrong-password");
    await page.getByRole("button", { name: "Войти" }).click();
    expect(await page.locator("[role=alert]").innerText()).toBe("Неверный логин или пароль.");
    await page.context().close();
  });
});
