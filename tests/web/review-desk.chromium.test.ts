/**
 * The review desk in real Chromium against a running gateway (real SQLite file, real fastify on a free port): an
 * expert reviews by keyboard and by clicking, the figures on the page follow each review and match the report, a
 * period is confirmed, its end corrected and the correction undone, the log says it in words under the expert's
 * login; a manager reads the desk and is refused a review (403). The gateway's clock is fixed on the test's day.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/app.ts";
import type { Config } from "../../gateway/config/schema.ts";
import { percent } from "../../gateway/format/ru.ts";
import { makeReport } from "../../gateway/reports/report.ts";
import { chain, type Terminal } from "../support/presses.ts";
import { noHorizontalScroll, postFormFromPage, startWebApp, type WebApp } from "../support/web-session.ts";

const NOW = Date.parse("2026-11-20T12:00:00Z"); /* 15:00 in Moscow */
const DAY = "2026-11-20";
const USERS = { olga: { name: "Ольга", roles: "expert", password: "olga-expert-pw" }, masha: { roles: "manager", password: "masha-manager-pw" } };

let app: WebApp<keyof typeof USERS>;
let gw: Gateway;
let config: Config;
let base: string;
let till: Terminal;
const surveys: number[] = [];
let period: number;

beforeAll(async () => {
  const c = chain();
  till = c.terminal("s1.till", "s1", "Europe/Moscow", "staff", "elena");
  surveys.push(till.survey(`${DAY} 10:00:00`, "yes"), till.survey(`${DAY} 10:10:00`, "no"), till.survey(`${DAY} 10:20:00`, "yes"), till.survey(`${DAY} 10:30:05`, "unsure"));
  period = till.press(`${DAY} 11:00:00`, "long");
  surveys.push(till.survey(`${DAY} 11:05:00`, "no"), till.survey(`${DAY} 11:20:00`, "no"));
  c.store.close();
  app = await startWebApp({ users: USERS, config: { database: c.config.database }, now: NOW });
  ({ gw, config, base } = app);
  /* The CCTV archive is the gateway's own stylesheet here: a link the popup can open with no network. */
  gw.store.terminals.setCctvTemplate("s1.till", `${base}/assets/app.css?at={local}&cam={terminal}`);
}, 60_000);
afterAll(() => app?.stop());

const staffNow = () => makeReport(gw.store, config, { from: DAY, to: DAY, groupBy: [] }, NOW).total.indices.find((f) => f.index === "inkStaff")!;
const shownStaff = (page: Page) => page.locator('#figures [data-index="inkStaff"] [data-value]').innerText();
const selectedId = (page: Page) => page.locator("#surveys tr.selected").getAttribute("data-survey");

async function openDesk(login: keyof typeof USERS): Promise<Page> {
  const page = await app.signIn(login);
  await page.getByRole("link", { name: "Проверка", exact: true }).click();
  await page.waitForURL(base + "/review");
  await page.waitForSelector("#surveys tr.selected");
  return page;
}

/**
 * Waits for the desk's answer to a review (htmx swaps it in): a message in words that is `text` (or, with
 * `part`, contains it). A click returns before the swap, so the wait is on the new text, not on any message.
 */
async function said(page: Page, role: "status" | "alert", text: string, part = false): Promise<void> {
  const m = page.locator(`#desk [role=${role}]`, { hasText: text });
  await m.waitFor();
  if (!part) expect(await m.innerText()).toBe(text);
}

describe("review desk", () => {
  it("lists the day's surveys to the second with CCTV links and fits 1280 px and a phone", async () => {
    const page = await openDesk("olga");
    expect(await page.locator("h1").innerText()).toBe("Проверка");
    expect(await page.locator("#surveys tr[data-survey]").count()).toBe(surveys.length);
    const unsure = page.locator(`#surveys tr[data-survey="${surveys[3]}"]`);
    expect(await unsure.locator("td").first().innerText()).toContain("10:30:05");
    expect(await unsure.locator("[data-answer]").innerText()).toBe("не уверен");
    expect(await unsure.locator("a[data-cctv]").getAttribute("href")).toBe(`${base}/assets/app.css?at=${encodeURIComponent("2026-11-20T10:30:05")}&cam=s1.till`);
    expect(await page.locator('[data-timeline="s1.till"] line[data-survey]').count()).toBe(surveys.length);
    expect(await page.locator(`[data-timeline="s1.till"] rect[data-period="${period}"]`).count()).toBe(1);
    expect(await shownStaff(page)).toBe(percent(staffNow().value));
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 800 });
      expect(await noHorizontalScroll(page), `review desk at ${width} px`).toBe(true);
      expect(await page.locator(`#surveys tr[data-survey="${surveys[0]}"] button[data-key="v"]`).isVisible(), `buttons at ${width} px`).toBe(true);
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    /* Filtering by answer keeps the filter in the address and lists only those surveys. */
    await page.locator('#filter select[name="answer"]').selectOption("no");
    await page.getByRole("button", { name: "Показать" }).click();
    await page.waitForURL(/answer=no/);
    expect(await page.locator("#surveys [data-answer]").allInnerTexts()).toEqual(["нет", "нет", "нет"]);
    await page.context().close();
  });

  it("opens the selected survey's CCTV link with c", async () => {
    const page = await openDesk("olga");
    await page.keyboard.press("j");
    const link = await page.locator("#surveys tr.selected a[data-cctv]").getAttribute("href");
    const [popup] = await Promise.all([page.context().waitForEvent("page"), page.keyboard.press("c")]);
    await popup.waitForLoadState();
    expect(popup.url()).toBe(link);
    await page.context().close();
  });

  it("lets an expert mark a survey invalid with a reason by keyboard; the index on the page changes at once; u undoes it", async () => {
    const page = await openDesk("olga");
    const before = await shownStaff(page);
    expect(await selectedId(page)).toBe(String(surveys[0]));
    await page.keyboard.press("j");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("k");
    expect(await selectedId(page)).toBe(String(surveys[1]));
    await page.keyboard.press("i");
    await page.keyboard.type("камера: покупателя не было");
    await page.keyboard.press("Enter");
    await said(page, "status", `Опрос № ${surveys[1]} не учитывается: камера: покупателя не было.`);
    expect(gw.store.reviews.survey(surveys[1]!)).toEqual({ valid: false, reason: "камера: покупателя не было" });
    const after = await shownStaff(page);
    expect(after).not.toBe(before);
    expect(after).toBe(percent(staffNow().value));
    expect(await page.locator(`#surveys tr[data-survey="${surveys[1]}"] [data-state]`).innerText()).toBe("не учитывается: камера: покупателя не было");
    /* The selection moved on to the next survey, ready for the next key. */
    expect(await selectedId(page)).toBe(String(surveys[2]));

    /* The log says it in words, in Moscow time, under the expert's login. */
    const row = page.locator("#log tbody tr").first();
    expect(await row.locator("[data-by]").innerText()).toBe("olga\nвеб");
    expect(await row.locator("[data-change]").innerText()).toBe("учитывается → не учитывается: камера: покупателя не было");
    expect(await row.locator("td").first().innerText()).toContain("20.11.2026 15:00:00");
    const entry = gw.store.reviews.entries(null, 1)[0]!;
    expect(entry).toMatchObject({ by: "olga", via: "web", userId: gw.store.users.byLogin("olga")!.id, action: "invalid", targetId: surveys[1] });

    /* u takes it back, and the figure with it. */
    await page.keyboard.press("u");
    await said(page, "status", `Проверка № ${entry.id} отменена.`);
    expect(gw.store.reviews.survey(surveys[1]!).valid).toBe(true);
    expect(await shownStaff(page)).toBe(before);
    expect(await page.locator("#log tbody tr").first().locator("[data-action]").innerText()).toBe(`отменить\nотмена записи ${entry.id}`);
    await page.context().close();
  });

  it("marks a survey valid and invalid by clicking, and refuses an invalid mark without a reason in words", async () => {
    const page = await openDesk("olga");
    const row = page.locator(`#surveys tr[data-survey="${surveys[2]}"]`);
    await row.getByText("Не учитывать…").click();
    await row.locator('input[name="reason"]').fill("двойное нажатие");
    await row.getByRole("button", { name: "Сохранить" }).click();
    await said(page, "status", "двойное нажатие", true);
    await page.locator(`#surveys tr[data-survey="${surveys[2]}"]`).getByRole("button", { name: /Учитывать/ }).click();
    await said(page, "status", `Опрос № ${surveys[2]} снова учитывается.`);
    expect(gw.store.reviews.survey(surveys[2]!).valid).toBe(true);

    const logSize = gw.store.reviews.entries(null, 1000).length;
    const noReason = await postFormFromPage(page, `/review/surveys/${surveys[2]}`, { valid: "false", reason: "  ", q: `day=${DAY}` }, { csrf: true, htmx: true });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain(`Чтобы не учитывать опрос № ${surveys[2]}, укажите причину.`);
    const unknown = await postFormFromPage(page, "/review/surveys/999999", { valid: "true" }, { csrf: true, htmx: true });
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain("Опроса № 999999 нет");
    const garbage = await postFormFromPage(page, `/review/surveys/${surveys[2]}`, { valid: "maybe" }, { csrf: true, htmx: true });
    expect(garbage.status).toBe(400);
    expect(garbage.text).toContain("Форма опроса не разобрана");
    expect(gw.store.reviews.entries(null, 1000).length).toBe(logSize);

    const badDay = await page.goto(`${base}/review?day=2026-02-30`);
    expect(badDay!.status()).toBe(400);
    expect(await page.locator("[role=alert]").innerText()).toBe("День «2026-02-30» не разобран: нужна дата ГГГГ-ММ-ДД.");
    await page.context().close();
  });

  it("confirms a period, corrects its end, undoes the correction; the timeline and the figures follow", async () => {
    const page = await openDesk("olga");
    const periodRow = () => page.locator(`#periods tr[data-period="${period}"]`);
    expect(await periodRow().locator("[data-state]").innerText()).toBe("не проверен");
    const before = await shownStaff(page);
    await periodRow().getByRole("button", { name: "Подтвердить" }).click();
    await said(page, "status", `Период № ${period} подтверждён.`);
    expect(await periodRow().locator("[data-state]").innerText()).toBe("подтверждён");
    expect(gw.store.reviews.fm(period)).toEqual({ status: "confirmed", endMs: null });
    /* The no-answers inside the confirmed period leave ИНК@Персонал. */
    expect(await shownStaff(page)).not.toBe(before);
    expect(await shownStaff(page)).toBe(percent(staffNow().value));
    expect(await page.locator(`[data-timeline="s1.till"] rect[data-period="${period}"]`).getAttribute("class")).toBe("fm confirmed");
    const confirmed = await shownStaff(page);

    /* A wrong end is refused in words and changes nothing. */
    const end = periodRow().locator('input[name="end"]');
    await end.fill("2026-11-20 10:59:00");
    await periodRow().getByRole("button", { name: "Исправить конец" }).click();
    await said(page, "alert", "Конец 20.11.2026 10:59:00 не подходит: он должен быть позже начала периода (20.11.2026 11:00:00) и не дальше 24 ч от него.");
    expect(gw.store.reviews.fm(period).endMs).toBeNull();

    await periodRow().locator('input[name="end"]').fill("2026-11-20 11:10:00");
    await periodRow().getByRole("button", { name: "Исправить конец" }).click();
    await said(page, "status", `Период № ${period} подтверждён, конец 20.11.2026 11:10:00.`);
    expect(gw.store.reviews.fm(period)).toEqual({ status: "confirmed", endMs: till.at(`${DAY} 11:10:00`) });
    expect(await periodRow().locator("[data-end]").innerText()).toContain("11:10:00");
    /* The no at 11:20 is back in the index. */
    expect(await shownStaff(page)).not.toBe(confirmed);
    expect(await shownStaff(page)).toBe(percent(staffNow().value));
    const log = page.locator("#log tbody tr").first();
    expect(await log.locator("[data-change]").innerText()).toBe("подтверждён → подтверждён, конец 20.11.2026 11:10:00");
    expect(await log.locator("[data-by]").innerText()).toBe("olga\nвеб");

    await page.getByRole("button", { name: /Отменить последнюю проверку/ }).click();
    await said(page, "status", "отменена", true);
    expect(gw.store.reviews.fm(period)).toEqual({ status: "confirmed", endMs: null });
    expect(await shownStaff(page)).toBe(confirmed);
    await page.context().close();
  });

  it("shows a manager the desk read-only, and refuses a manager's review post (403) with or without the token", async () => {
    const page = await app.signIn("masha");
    expect(await page.locator("header nav a").allInnerTexts()).toContain("Проверка");
    const r = await page.goto(base + "/review");
    expect(r!.status()).toBe(200);
    expect(await page.locator("#read-only").innerText()).toBe("Только просмотр: проверять опросы может эксперт.");
    expect(await page.locator("#surveys tr[data-survey]").count()).toBe(surveys.length);
    expect(await page.locator("#desk form").count()).toBe(0);
    expect(await page.locator("#log tbody tr").count()).toBeGreaterThan(0);
    const state = gw.store.reviews.survey(surveys[0]!);
    for (const csrf of [true, false]) {
      const refused = await postFormFromPage(page, `/review/surveys/${surveys[0]}`, { valid: "false", reason: "менеджер" }, { csrf });
      expect(refused.status, `csrf ${csrf}`).toBe(403);
    }
    const viaUndo = await postFormFromPage(page, "/review/undo", { review: "1" }, { csrf: true });
    expect(viaUndo.status).toBe(403);
    expect(viaUndo.text).toContain("Нет доступа");
    expect(gw.store.reviews.survey(surveys[0]!)).toEqual(state);
    await page.context().close();
  });
});
