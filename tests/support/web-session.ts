/** Signing in to the web app in real Chromium the way a user does (typing into the form), and calls from that page. */
import type { Browser, BrowserContext, Page } from "playwright-core";

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
