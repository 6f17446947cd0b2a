/**
 * The terminals and alerts pages in real Chromium against a running gateway (real SQLite file, fastify on a free
 * port, the embedded MQTT broker) with a scripted device connected over MQTT as a real one connects: an installer
 * finds the pending device by making it blink, pairs it with the form, changes its question from a time and its
 * window, unpairs it, creates an alert rule and acknowledges the alert the engine opens; an expert types an index rule
 * with an e-mail and a webhook into the form, a second scripted terminal's presses make it fire, and the e-mail arrives
 * at a real SMTP server (smtp-server) and the webhook at a local HTTP receiver; a manager sees the same pages without
 * forms and is refused every change (403). The gateway runs on the real clock; effective times are computed from it.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/app.ts";
import type { Config } from "../../gateway/config/schema.ts";
import { settingsOf, terminalDefaults } from "../../gateway/terminals/config.ts";
import { pair } from "../../gateway/terminals/manage.ts";
import { addStore } from "../../gateway/terminals/stores.ts";
import { overGatewayMqtt, type Connected } from "../../gateway/testkit/transports.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { localDay, parseTime } from "../../gateway/time/zone.ts";
import { heard } from "../support/store.ts";
import { helloAndPair } from "../support/pairing.ts";
import { startSmtp, type TestSmtp } from "../support/smtp.ts";
import { startWebhook, type TestWebhook } from "../support/webhook.ts";
import { noHorizontalScroll, postFormFromPage, startWebApp, type WebApp } from "../support/web-session.ts";

const TZ = "Europe/Moscow";
const USERS = { petr: { roles: "installer", password: "petr-installer-pw" }, masha: { roles: "manager", password: "masha-manager-pw" }, olga: { roles: "expert", password: "olga-expert-pw" } };
const SERIAL = "33ffd605-41573033-15720843";
const OLD = "old-keypad-1";

let app: WebApp<keyof typeof USERS>;
let gw: Gateway;
let config: Config;
let base: string;
let device: Connected;
let smtp: TestSmtp;
let hook: TestWebhook;

const signIn = (login: keyof typeof USERS) => app.signIn(login);
const commandsFor = (serial: string) => (gw.store.db.prepare("SELECT count(*) AS n FROM commands WHERE serial = ?").get(serial) as { n: number }).n;
/** A change posted from the signed-in page itself (its cookie, its CSRF token), as a forged or scripted form would. */
const postForm = (page: Page, path: string, fields: Record<string, string>) => postFormFromPage(page, path, fields, { csrf: true });

beforeAll(async () => {
  smtp = await startSmtp();
  hook = await startWebhook();
  app = await startWebApp({
    users: USERS,
    config: { ingest: { deriveIntervalMs: 50 }, smtp: { host: "127.0.0.1", port: smtp.port, from: "loyalty@test.local" }, alerts: { checkIntervalMs: 200, settleMs: 10 } },
  });
  ({ gw, config, base } = app);
  const now = Date.now();
  addStore(gw.store, { id: "s1", timeZone: TZ, name: "Магазин на Тверской" }, now);
  /* A keypad last heard two hours ago, paired long since: the offline alert's subject. */
  heard(gw.store, OLD, "combo", now - 2 * 3_600_000);
  pair(gw.store, { serial: OLD, store: "s1", point: "till-9", question: "staff" }, now - 2 * 3_600_000);
  device = await overGatewayMqtt({ serial: SERIAL }, gw);
  device.terminal.hello();
  await waitFor(`the hello of ${SERIAL} stored`, () => (gw.ingest.flush(), gw.store.devices.get(SERIAL)));
}, 60_000);

afterAll(async () => {
  await device?.close(true);
  await app?.stop();
  await hook?.close();
  await smtp?.close();
});

describe("terminals page", () => {
  it("lets an installer identify a pending device, pair it with the form, change its question from a time, set its window and unpair it", async () => {
    const page = await signIn("petr");
    await page.getByRole("link", { name: "Терминалы", exact: true }).click();
    await page.waitForURL(base + "/terminals");
    const row = page.locator(`#pending tr[data-serial="${SERIAL}"]`);
    expect(await row.locator("[data-credential]").getAttribute("data-credential")).toBe("issued");

    await row.getByRole("button", { name: "Мигнуть" }).click();
    await page.waitForSelector("[role=status]");
    expect(await page.locator("[role=status]").innerText()).toContain("мигают 30");
    const blink = await waitFor("identify at the device", () => device.terminal.received.find((m) => m.t === "identify"));
    expect(blink).toMatchObject({ t: "identify", d: SERIAL, s: 30 });

    /* A form without the point is refused in words, and pairs nothing. */
    await page.locator("#pair-serial").selectOption(SERIAL);
    await page.locator("#pair-store").selectOption("s1");
    await page.locator("#pair-question").selectOption("staff");
    await page.getByRole("button", { name: "Привязать" }).click();
    await page.waitForSelector("[role=alert]");
    expect(await page.locator("[role=alert]").innerText()).toBe("Укажите место обслуживания.");
    expect(gw.store.terminals.currentPairing(SERIAL)).toBeUndefined();
    /* The choices made are kept for the second try. */
    expect(await page.locator("#pair-store").inputValue()).toBe("s1");
    expect(await page.locator("#pair-question").inputValue()).toBe("staff");

    await page.locator("#pair-serial").selectOption(SERIAL);
    await page.locator("#pair-store").selectOption("s1");
    await page.locator("#pair-point").pressSequentially("till-7");
    await page.locator("#pair-question").selectOption("staff");
    await page.locator("#pair-text").pressSequentially("Вас вежливо обслужили?");
    await page.locator("#pair-employee").pressSequentially("elena");
    await page.getByRole("button", { name: "Привязать" }).click();
    await page.waitForSelector('[data-terminal="s1.till-7"]');
    expect(await page.locator("[role=status]").innerText()).toContain(`${SERIAL} привязано к терминалу s1.till-7`);
    const sent = await waitFor("config at the device", () => device.terminal.config);
    expect(sent).toMatchObject({ tid: "s1.till-7", q: "staff", qt: "Вас вежливо обслужили?" });
    expect(gw.store.audit.recent(1)[0]).toMatchObject({ by: "petr", via: "web", userId: gw.store.users.byLogin("petr")!.id, action: "terminal.pair", subject: SERIAL });
    const card = page.locator('[data-terminal="s1.till-7"]');
    expect(await card.locator(`tr[data-serial="${SERIAL}"] [data-state]`).innerText()).toBe("на связи");
    expect(await card.locator('[data-setting="employee"]').innerText()).toBe("elena");

    /* The question changes from tomorrow 09:00 in the store's zone; today's stays. */
    const tomorrow = localDay(Date.now() + 86_400_000, TZ);
    const fromMs = parseTime(`${tomorrow} 09:00`, TZ, Date.now())!;
    await card.locator('[data-form="question"] select[name="question"]').selectOption("office");
    await card.locator('[data-form="question"] input[name="text"]').fill("");
    await card.locator('[data-form="question"] input[name="text"]').pressSequentially("Удобно ли в офисе?");
    await card.locator('[data-form="question"] input[name="from"]').pressSequentially(`${tomorrow} 09:00`);
    await card.getByRole("button", { name: "Сменить вопрос" }).click();
    await page.waitForSelector("[role=status]");
    const [y, m, d] = tomorrow.split("-");
    expect(await page.locator("[role=status]").innerText()).toContain(`с ${d}.${m}.${y}, 09:00 (${TZ})`);
    const at = settingsOf(gw.store, terminalDefaults(config), "s1.till-7");
    expect(at(fromMs)).toMatchObject({ questionKind: "office", questionText: "Удобно ли в офисе?" });
    expect(at(fromMs - 1)).toMatchObject({ questionKind: "staff", questionText: "Вас вежливо обслужили?" });
    expect(gw.store.settings.log("s1.till-7").find((h) => h.key === "questionKind" && h.fromMs === fromMs)).toMatchObject({ value: "office", setBy: "petr" });
    const history = page.locator('[data-terminal="s1.till-7"] table.history');
    expect(await history.locator("tr", { hasText: `${d}.${m}.${y}, 09:00` }).count()).toBe(2);

    /* A window that is no number is refused in words and changes nothing; then 60 s reaches the device. */
    const windowField = page.locator('[data-terminal="s1.till-7"] [data-form="timing"] input[name="windowMs"]');
    await windowField.fill("");
    await windowField.pressSequentially("долго");
    await page.locator('[data-terminal="s1.till-7"]').getByRole("button", { name: "Сохранить настройки" }).click();
    await page.waitForSelector("[role=alert]");
    expect(await page.locator("[role=alert]").innerText()).toContain("Окно опроса: «долго» не число");
    expect(await windowField.inputValue()).toBe("долго");
    const before = settingsOf(gw.store, terminalDefaults(config), "s1.till-7")(Date.now()).windowMs;
    expect(before).toBe(config.terminalDefaults.windowMs);

    await windowField.fill("");
    await windowField.pressSequentially("60");
    await page.locator('[data-terminal="s1.till-7"]').getByRole("button", { name: "Сохранить настройки" }).click();
    await page.waitForSelector('[data-terminal="s1.till-7"] [data-setting="windowMs"]:text("60 с")');
    expect(settingsOf(gw.store, terminalDefaults(config), "s1.till-7")(Date.now()).windowMs).toBe(60_000);
    await waitFor("the new window at the device", () => device.terminal.config?.w === 60_000);
    expect(gw.store.audit.recent(1)[0]).toMatchObject({ by: "petr", via: "web", action: "terminal.timing", subject: "s1.till-7" });

    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 800 });
      expect(await noHorizontalScroll(page), `terminals page at ${width} px`).toBe(true);
    }

    /* Unpaired, the device is pending again with its MQTT credential revoked; the terminal keeps its history. */
    page.on("dialog", (d) => void d.accept());
    await page.locator(`[data-terminal="s1.till-7"] tr[data-serial="${SERIAL}"]`).getByRole("button", { name: "Отвязать" }).click();
    await page.waitForSelector(`#pending tr[data-serial="${SERIAL}"]`);
    expect(await page.locator("[role=status]").innerText()).toContain("доступ MQTT отозван");
    expect(await page.locator(`#pending tr[data-serial="${SERIAL}"] [data-credential]`).getAttribute("data-credential")).toBe("revoked");
    expect(gw.store.terminals.currentPairing(SERIAL)).toBeUndefined();
    expect(gw.store.credentials.check(SERIAL, "anything")).toBe(false);
    expect(await page.locator('[data-terminal="s1.till-7"] table.history tr').count()).toBeGreaterThan(5);
    expect(gw.store.audit.recent(1)[0]).toMatchObject({ by: "petr", via: "web", action: "device.unpair", subject: SERIAL });
    await page.context().close();
  });

  it("shows a manager the terminals without forms and refuses their changes (403)", async () => {
    const page = await signIn("masha");
    await page.getByRole("link", { name: "Терминалы", exact: true }).click();
    await page.waitForURL(base + "/terminals");
    expect(await page.locator('[data-terminal="s1.till-9"]').count()).toBe(1);
    expect(await page.locator("main form").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Мигнуть" }).count()).toBe(0);

    const queued = commandsFor(OLD);
    const refused = await postForm(page, "/terminals/identify", { serial: OLD });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("Нет доступа");
    expect(commandsFor(OLD)).toBe(queued);
    const unpair = await postForm(page, "/terminals/unpair", { serial: OLD });
    expect(unpair.status).toBe(403);
    expect(gw.store.terminals.currentPairing(OLD)?.terminalId).toBe("s1.till-9");

    await page.getByRole("link", { name: "Оповещения", exact: true }).click();
    await page.waitForURL(base + "/alerts");
    expect(await page.locator("main form").count()).toBe(0);
    const rules = gw.store.alerts.rules().length;
    const rule = await postForm(page, "/alerts/rules", { kind: "offline", minutes: "5" });
    expect(rule.status).toBe(403);
    expect(gw.store.alerts.rules().length).toBe(rules);
    await page.context().close();
  });
});

describe("alerts page", () => {
  it("lists a rule an installer creates with the form, and takes the acknowledgement of its alert with a comment", async () => {
    const page = await signIn("petr");
    await page.getByRole("link", { name: "Оповещения", exact: true }).click();
    await page.waitForURL(base + "/alerts");
    expect(await page.locator("#rules").innerText()).toContain("нет данных");

    /* A rule with a bad e-mail is refused in words. */
    await page.locator('details[data-kind="offline"] summary').click();
    await page.locator("#rule-offline-minutes").pressSequentially("30");
    await page.locator("#rule-offline-email").pressSequentially("not-an-address");
    await page.locator("#rule-offline").getByRole("button", { name: "Добавить правило" }).click();
    await page.waitForSelector("[role=alert]");
    expect(await page.locator("[role=alert]").innerText()).toBe("Правило не добавлено: e-mail: адрес вида manager@example.com.");
    expect(gw.store.alerts.rules()).toHaveLength(0);
    /* What was typed is still in the form, open: only the e-mail needs mending (here: left empty). */
    expect(await page.locator("#rule-offline-minutes").inputValue()).toBe("30");
    expect(await page.locator("#rule-offline-email").inputValue()).toBe("not-an-address");
    await page.locator("#rule-offline-email").fill("");
    await page.locator("#rule-offline-terminal").selectOption("s1.till-9");
    await page.locator("#rule-offline-name").pressSequentially("Касса 9 молчит");
    await page.locator("#rule-offline").getByRole("button", { name: "Добавить правило" }).click();
    await page.waitForSelector("#rules tr[data-rule]");
    expect(await page.locator("#rules").innerText()).toContain("Касса 9 молчит");
    expect(await page.locator("#rules").innerText()).toContain("терминал не на связи 30 минут и дольше");
    const [rule] = gw.store.alerts.rules();
    expect(rule).toMatchObject({ kind: "offline", minutes: 30, createdBy: "petr", scope: { terminals: ["s1.till-9"] } });
    expect(gw.store.audit.recent(1)[0]).toMatchObject({ by: "petr", via: "web", action: "alert.rule.add" });

    /* The engine, nudged by the new rule, opens the alert: the keypad was last heard two hours ago. */
    const alert = await waitFor("the offline alert", () => gw.store.alerts.list({ ruleId: rule!.id })[0]);
    await page.reload();
    const card = page.locator(`[data-alert="${alert.id}"]`);
    expect(await card.locator("[data-alert-state]").innerText()).toBe("открыто");
    await card.locator('[data-form="ack"] input[name="comment"]').pressSequentially("Касса закрыта на ремонт до обеда");
    await card.getByRole("button", { name: "Принять" }).click();
    await page.waitForSelector(`[data-alert="${alert.id}"][data-state="acknowledged"]`);
    expect(await page.locator(`[data-alert="${alert.id}"] .comments`).innerText()).toContain("petr: Касса закрыта на ремонт до обеда");
    expect(gw.store.alerts.alert(alert.id)).toMatchObject({ state: "acknowledged", ackedBy: "petr" });
    expect(gw.store.audit.recent(1)[0]).toMatchObject({ by: "petr", via: "web", action: "alert.ack", subject: `оповещение ${alert.id}`, detail: "Касса закрыта на ремонт до обеда" });

    /* Acknowledged twice (a second tab, an old page): the core's refusal (English for the CLI) in Russian words. */
    const again = await postFormFromPage(page, `/alerts/${alert.id}/ack`, { comment: "ещё раз" }, { csrf: true });
    expect(again.status).toBe(409);
    expect(again.text).toContain(`Оповещение ${alert.id} уже принято (petr).`);
    expect(again.text).not.toMatch(/already|acknowledged by/);

    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 800 });
      expect(await noHorizontalScroll(page), `alerts page at ${width} px`).toBe(true);
    }
    await page.context().close();
  });

  it("fires an index rule an expert types into the form when a terminal's presses cross it: e-mail at the SMTP server, JSON at the webhook", async () => {
    const till = await overGatewayMqtt({ serial: "33ffd605-41573033-15720844" }, gw);
    try {
      await helloAndPair(gw, till, "till-5");
      const page = await signIn("olga");
      await page.getByRole("link", { name: "Оповещения", exact: true }).click();
      await page.waitForURL(base + "/alerts");
      await page.locator('details[data-kind="index"] summary').click();
      await page.locator("#rule-index-index").selectOption("inkStaff");
      await page.locator("#rule-index-op").selectOption("above");
      await page.locator("#rule-index-threshold").pressSequentially("50");
      await page.locator("#rule-index-minSample").pressSequentially("3");
      await page.locator("#rule-index-terminal").selectOption("s1.till-5");
      await page.locator("#rule-index-name").pressSequentially("Недовольные на кассе 5");
      await page.locator("#rule-index-email").pressSequentially("manager@example.com, director@example.com");
      await page.locator("#rule-index-webhook").pressSequentially(`${hook.url}/alerts`);
      await page.locator("#rule-index").getByRole("button", { name: "Добавить правило" }).click();
      await page.waitForSelector("[role=status]");
      expect(await page.locator("[role=status]").innerText()).toBe("Правило «Недовольные на кассе 5» добавлено.");
      const rule = gw.store.alerts.rules().find((r) => r.name === "Недовольные на кассе 5")!;
      expect(rule).toMatchObject({ kind: "index", index: "inkStaff", op: "above", threshold: 50, minSample: 3, createdBy: "olga", email: ["manager@example.com", "director@example.com"], webhook: `${hook.url}/alerts` });

      /* Three customers answer «нет» at the new terminal: ИНК@Персонал 100 % over at least 3 surveys. */
      let at = Date.now();
      for (const k of ["short", "no", "short", "no", "short", "no"] as const) till.terminal.press(k, (at += 50));
      await till.terminal.drained();
      const mail = await waitFor("the alert's e-mail", () => smtp.messages.find((m) => m.subject?.startsWith("Тревога: Недовольные на кассе 5")));
      expect(smtp.recipients[smtp.messages.indexOf(mail)]).toEqual(["manager@example.com", "director@example.com"]);
      expect(mail.text).toContain("Правило: Недовольные на кассе 5");
      expect(mail.text).toContain("ИНК@Персонал выше 50 %");
      const posted = await waitFor("the alert's webhook", () => hook.bodies.find((b) => b.path === "/alerts"));
      const alert = gw.store.alerts.list({ ruleId: rule.id })[0]!;
      expect(posted.body).toMatchObject({ schema: "loyalty-alert/1", event: "opened", alert: { id: alert.id, subject: "terminal:s1.till-5", state: "open" }, rule: { id: rule.id, name: "Недовольные на кассе 5", kind: "index" } });

      await page.reload();
      expect(await page.locator(`[data-alert="${alert.id}"] [data-alert-state]`).innerText()).toBe("открыто");
      await page.context().close();
    } finally {
      await till.close(true);
    }
  });
});
