/** The web app's tests in real Chromium: signing in by typing, as a user does, and the page's width check. */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";

/** Opens `base`, is sent to the sign-in form, types the login and password, and lands on the dashboard. */
export async function signInAs(o: { browser: Browser; base: string; login: string; password: string; ctx?: BrowserContext | undefined }): Promise<Page> {
  const page = await (o.ctx ?? (await o.browser.newContext())).newPage();
  await page.goto(o.base + "/");
  expect(new URL(page.url()).pathname).toBe("/login");
  await page.locator("#login").pressSequentially(o.login);
  await page.locator("#password").pressSequentially(o.password);
  await page.getByRole("button", { name: "Войти" }).click();
  await page.waitForURL(o.base + "/");
  return page;
}

/** True when the page fits its viewport's width (no horizontal scrolling). */
export const noHorizontalScroll = (page: Page) => page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth") as Promise<boolean>;
