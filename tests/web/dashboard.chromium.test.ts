/**
 * The live dashboard in real Chromium against running gateways (real SQLite file, real fastify, the embedded MQTT
 * broker): on an empty database every part says «нет данных»; a press made by a scripted terminal through the real
 * MQTT ingest appears without a reload within a second (the wait's timeout, the words); an expert
 * acknowledges an alert and the audit names them, a manager is shown no button; with the demo's month of history
 * the heatmap's survey counts add up to the report's and the ranking shows the report's figures.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../gateway/app.ts";
import type { Config } from "../../gateway/config/schema.ts";
import { localDateBefore } from "../../gateway/demo/day.ts";
import { loadHistory } from "../../gateway/demo/history-load.ts";
import { silentLogger } from "../../gateway/log.ts";
import { makeReport } from "../../gateway/reports/report.ts";
import { openStore } from "../../gateway/store/store.ts";
import { pair } from "../../gateway/terminals/manage.ts";
import { testConfig } from "../../gateway/testkit/config.ts";
import { overGatewayMqtt } from "../../gateway/testkit/transports.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { addDays } from "../../gateway/time/zone.ts";
import { parseRule } from "../../gateway/alerts/rules.ts";
import { launchChromium } from "../support/chromium.ts";
import { addWebUsers, noHorizontalScroll, signInAs } from "../support/web-session.ts";

const USERS = { olga: { roles: "expert", password: "olga-expert-pw" }, masha: { roles: "manager", password: "masha-manager-pw" } };
let browser: Browser;
const gateways: Gateway[] = [];

async function gatewayWith(fill?: (c: Config, store: ReturnType<typeof openStore>) => void): Promise<Gateway> {
  const config = testConfig();
  const store = openStore(config.database);
  await addWebUsers(store, USERS, Date.now());
  fill?.(config, store);
  store.close();
  const gw = await startGateway(config, { log: silentLogger() });
  gateways.push(gw);
  return gw;
}

async function signIn(gw: Gateway, login: keyof typeof USERS, width = 1280): Promise<Page> {
  const page = await signInAs(browser, gw.http!.url, login, USERS[login].password, await browser.newContext({ viewport: { width, height: 900 } }));
  await page.waitForSelector('#live[data-connected="true"]');
  return page;
}


beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  for (const gw of gateways) await gw.stop();
});

describe("live dashboard", () => {
  it("says «нет данных» everywhere on an empty database, then shows a terminal's press without a reload", async () => {
    const gw = await gatewayWith();
    const page = await signIn(gw, "olga");
    for (const part of ["#latest", "#devices", "#periods", "#trend", "#rank-terminals", "#rank-employees"]) {
      expect(await page.locator(`${part} .nodata`).innerText(), part).toBe("нет данных");
    }
    expect(await page.locator("#alerts .nodata").innerText()).toContain("нет данных");
    for (const kind of ["inkStaff", "inkOffice", "iel", "count"]) expect(await page.locator(`[data-heat="${kind}"] .nodata`).innerText()).toBe("нет данных");
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await noHorizontalScroll(page), `empty dashboard at ${width} px`).toBe(true);
    }

    /* A terminal of the test's own, over the gateway's MQTT broker, paired as an installer pairs it. */
    const c = await overGatewayMqtt({ serial: "DASH-1" }, gw);
    c.terminal.hello();
    await waitFor("the hello stored", () => (gw.ingest.flush(), gw.store.devices.get("DASH-1")));
    pair(gw.store, { serial: "DASH-1", store: "s1", point: "till", question: "staff", employee: "anna", timeZone: "Europe/Moscow" }, Date.now());
    gw.workers.commands();
    await waitFor("config on the terminal", () => c.terminal.config);
    await page.waitForSelector('#devices tr[data-terminal="s1.till"]');

    /* No reload: a mark set on this document now is still there when the press shows. */
    await page.evaluate("window.__sameDocument = true");
    c.terminal.press("short");
    c.terminal.press("yes");
    await page.waitForSelector('#latest tr[data-survey] td[data-answer="yes"]', { timeout: 1000 });
    expect(await page.evaluate("window.__sameDocument")).toBe(true);
    const id = Number(await page.locator("#latest tr[data-survey]").getAttribute("data-survey"));
    expect(gw.store.derived.survey(id)).toMatchObject({ terminalId: "s1.till", answer: "yes", employee: "anna" });
    expect(await page.locator('#devices tr[data-terminal="s1.till"] [data-state]').getAttribute("data-state")).toBe("online");
    expect(await page.locator('#devices tr[data-terminal="s1.till"] [data-last-press]').innerText()).not.toBe("нет данных");
    expect(await page.locator('#terminals tr[data-row="s1/s1.till"] td[data-index="inkStaff"] [data-sample]').innerText()).toBe("1");
    await c.close(true);
    await page.context().close();
  });

  it("lets an expert acknowledge an open alert, audited under the user; a manager sees it without the button", async () => {
    let alertId = 0;
    const gw = await gatewayWith((_c, store) => {
      store.terminals.ensureStore("s1", "Europe/Moscow", 0);
      const rule = store.alerts.addRule(parseRule({ kind: "offline", minutes: 10 }, "rule"), "test", Date.now());
      alertId = store.alerts.open(rule, "s1.till", 15, "Терминал s1.till не в сети 15 минут", Date.now());
    });
    const manager = await signIn(gw, "masha", 390);
    expect(await manager.locator(`#alerts tr[data-alert="${alertId}"]`).innerText()).toContain("s1.till");
    expect(await manager.getByRole("button", { name: "Подтвердить" }).count()).toBe(0);
    expect(await noHorizontalScroll(manager)).toBe(true);

    const expert = await signIn(gw, "olga");
    await expert.getByLabel(`Комментарий к оповещению ${alertId}`).pressSequentially("роутер перезагружен");
    await expert.getByRole("button", { name: "Подтвердить" }).click();
    await expert.waitForSelector(`#alerts [data-alert-state="acknowledged"]`);
    expect(gw.store.alerts.alert(alertId)).toMatchObject({ state: "acknowledged", ackedBy: "olga" });
    expect(gw.store.alerts.comments(alertId).map((x) => x.text)).toEqual(["роутер перезагружен"]);
    expect(gw.store.audit.recent(1)[0]).toMatchObject({ by: "olga", via: "web", action: "alert.ack", subject: String(alertId) });
    /* The manager's open page hears of it by the push. */
    await manager.waitForSelector(`#alerts [data-alert-state="acknowledged"]`);

    /* A manager's post is refused, and so is one without the CSRF token. */
    const post = (page: Page, token: boolean) =>
      page.evaluate(`(async () => {
        const csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRF-Token"];
        const r = await fetch("/dashboard/alerts/${alertId}/ack", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: ${token} ? "_csrf=" + encodeURIComponent(csrf) : "" });
        return r.status;
      })()`) as Promise<number>;
    expect(await post(manager, true)).toBe(403);
    expect(await post(expert, false)).toBe(403);
    await manager.context().close();
    await expert.context().close();
  });

  it("draws the heatmap and the ranking from the demo's month of history, as the report counts it", async () => {
    let config!: Config;
    const gw = await gatewayWith((c, store) => {
      config = c;
      loadHistory({ store, timeZone: c.timeZone, yesterday: localDateBefore(Date.now(), c.timeZone, 1), live: [], timing: { windowMs: 30_000, longMs: 3000, fmMaxMs: 1_800_000, heartbeatMs: 30_000 }, now: Date.now() });
    });
    const page = await signIn(gw, "olga");
    const now = Date.now();
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: config.timeZone }).format(now);
    const month = makeReport(gw.store, config, { from: addDays(today, -29), to: today, groupBy: [] }, now);
    const cells = await page.locator('[data-heat="count"] td[data-n]').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute("data-n"))));
    expect(cells.reduce((a, b) => a + b, 0)).toBe(month.groups[0]!.representativeness.surveys);
    expect(await page.locator('[data-heat="inkStaff"] td[data-n]').count()).toBeGreaterThan(0);
    expect(await page.locator("#trend canvas").count()).toBe(1);

    const week = makeReport(gw.store, config, { from: addDays(today, -6), to: today, groupBy: ["terminal"] }, now);
    const till4 = week.groups.find((g) => g.key.terminal === "demo.till-4")!.indices.find((f) => f.index === "inkStaff")!;
    expect(await page.locator('#rank-terminals tr[data-rank="demo.till-4/inkStaff"] [data-value]').innerText()).toContain(`${till4.value!.toFixed(1).replace(".", ",")} %`);
    expect(await page.locator("#rank-employees tr[data-rank]").count()).toBeGreaterThan(0);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForFunction("document.documentElement.scrollWidth <= document.documentElement.clientWidth");
    }
    await page.context().close();
  });
});
