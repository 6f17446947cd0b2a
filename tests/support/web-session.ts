/**
 * The web tests' setup: a real gateway (a temporary SQLite file, fastify on a free port, the embedded broker) with
 * the test's users, Debian's Chromium, and signing in the way a user does (typing into the form); calls from that page.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startGateway, type Gateway } from "../../gateway/app.ts";
import type { Config, ConfigInput } from "../../gateway/config/schema.ts";
import { silentLogger } from "../../gateway/log.ts";
import { openStore, type Store } from "../../gateway/store/store.ts";
import { testConfig } from "../../gateway/testkit/config.ts";
import { addUser } from "../../gateway/web/users.ts";
import { launchChromium } from "./chromium.ts";

/** The test's users by login: roles as `loyalty users add --roles` takes them ("expert", "expert,installer"). */
export type WebUsers<L extends string = string> = Record<L, { roles: string; password: string; name?: string }>;

/** Adds `users` to a store, as `loyalty users add` does. */
export async function addWebUsers(store: Store, users: WebUsers, now: number): Promise<void> {
  const cli = { by: "test", userId: null, via: "cli" as const };
  for (const [login, u] of Object.entries(users)) await addUser(store, { login, name: u.name ?? null, roles: u.roles, password: u.password }, cli, now);
}

export interface WebApp<L extends string> {
  gw: Gateway;
  config: Config;
  /** The web app's address, e.g. http://127.0.0.1:41234. */
  base: string;
  browser: Browser;
  /** A new browser context (or `ctx`) signed in as `login` by typing its password. */
  signIn(login: L, ctx?: BrowserContext): Promise<Page>;
  stop(): Promise<void>;
}

/**
 * A gateway with `users` (added to its database before it starts), and Chromium. `config`: overrides of the test
 * config (`database`: a file a test filled beforehand and closed); `now`: a fixed clock for the gateway.
 */
export async function startWebApp<L extends string>(o: { users: WebUsers<L>; config?: ConfigInput; now?: number }): Promise<WebApp<L>> {
  const config = testConfig(o.config ?? {});
  const store = openStore(config.database);
  try {
    await addWebUsers(store, o.users, o.now ?? Date.now());
  } finally {
    store.close();
  }
  const fixed = o.now;
  const gw = await startGateway(config, { log: silentLogger(), ...(fixed === undefined ? {} : { now: () => fixed }) });
  const base = gw.http!.url;
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (e) {
    await gw.stop();
    throw e;
  }
  return {
    gw,
    config,
    base,
    browser,
    signIn: (login, ctx) => signInAs(browser, base, login, o.users[login].password, ctx),
    stop: async () => {
      await browser.close();
      await gw.stop();
    },
  };
}

/** A new browser context (or `ctx`) signed in as `login`: opens `/`, is sent to `/login`, types, and lands back on `/`. */
export async function signInAs(browser: Browser, base: string, login: string, password: string, ctx?: BrowserContext): Promise<Page> {
  const page = await (ctx ?? (await browser.newContext())).newPage();
  await page.goto(base + "/");
  if (new URL(page.url()).pathname !== "/login") throw new Error(`expected the sign-in form, got ${page.url()}`);
  await page.locator("#login").pressSequentially(login);
  await page.locator("#password").pressSequentially(password);
  await page.getByRole("button", { name: "Войти" }).click();
  await page.waitForURL(base + "/");
  return page;
}

/** A form post from the signed-in page itself (its cookie, same origin), with or without its CSRF token. */
export async function postFormFromPage(page: Page, path: string, fields: Record<string, string>, o: { csrf: boolean; htmx?: boolean }): Promise<{ status: number; text: string }> {
  /* A string, not a function: the test's transpiler may add helpers to a function that the page does not have. */
  return (await page.evaluate(`(async () => {
    const token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"];
    const headers = { "content-type": "application/x-www-form-urlencoded" };
    if (${o.csrf} && token) headers["X-CSRF-Token"] = token;
    if (${o.htmx === true}) headers["HX-Request"] = "true";
    const r = await fetch(${JSON.stringify(path)}, { method: "POST", headers, body: ${JSON.stringify(new URLSearchParams(fields).toString())} });
    return { status: r.status, text: await r.text() };
  })()`)) as { status: number; text: string };
}

/** True when the page does not scroll sideways at its current width. */
export const noHorizontalScroll = (page: Page) => page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth") as Promise<boolean>;
