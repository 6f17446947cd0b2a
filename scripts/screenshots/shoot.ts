/**
 * The web app's pages as PNGs for docs/web.md: signed in as the demo admin (every role, so every button shows), each
 * page at 1280 px (the whole page) and the dashboard and review desk on a phone (390 × 844, its first screen: the
 * whole desk of a day is metres long on a phone). The review desk shows the
 * demo's scripted day (yesterday), which has every kind of survey and a force-majeure; today has only live presses.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { signInAs } from "../../tests/support/web-session.ts";

export interface Shot {
  file: string;
  path: string;
  width: number;
  /** What the page shows once it is ready to be taken. */
  ready: string;
}

export function shots(yesterday: string): Shot[] {
  const dashboard = { path: "/", ready: '#live[data-connected="true"] #trend canvas' };
  const review = { path: `/review?day=${yesterday}`, ready: "#surveys tr.selected" };
  return [
    { file: "dashboard-1280.png", width: 1280, ...dashboard },
    { file: "review-1280.png", width: 1280, ...review },
    { file: "terminals-1280.png", width: 1280, path: "/terminals", ready: "h1" },
    { file: "alerts-1280.png", width: 1280, path: "/alerts", ready: "h1" },
    { file: "users-1280.png", width: 1280, path: "/users", ready: "h1" },
    { file: "dashboard-390.png", width: 390, ...dashboard },
    { file: "review-390.png", width: 390, ...review },
  ];
}

/** Takes every shot into `outDir`; returns the files written. */
export async function takeScreenshots(o: { browser: Browser; url: string; password: string; yesterday: string; outDir: string }): Promise<string[]> {
  mkdirSync(o.outDir, { recursive: true });
  /* A Russian browser in the demo's zone, as the store's users have: the date fields then read 06.12.2026. */
  /* Rendering fixed from run to run: one pixel per CSS pixel, light scheme, no motion (what the demo shows still changes, see docs/web.md). */
  const ctx = await o.browser.newContext({ locale: "ru-RU", timezoneId: "Europe/Moscow", deviceScaleFactor: 1, colorScheme: "light", reducedMotion: "reduce" });
  const page = await signInAs(o.browser, o.url, "demo", o.password, ctx);
  const written: string[] = [];
  try {
    for (const s of shots(o.yesterday)) {
      await page.setViewportSize({ width: s.width, height: s.width < 600 ? 844 : 900 });
      await page.goto(o.url + s.path);
      await page.waitForSelector(s.ready);
      /* The caret and the focus ring would differ from one run to the next; the desk scrolls to its selected survey. */
      await page.evaluate("document.activeElement && document.activeElement.blur && document.activeElement.blur(); window.scrollTo(0, 0)");
      /* The fonts loaded before the picture, so a slow first load does not show a fallback face. */
      await page.evaluate("document.fonts.ready.then(() => true)");
      const file = join(o.outDir, s.file);
      await page.screenshot({ path: file, fullPage: s.width >= 1280, animations: "disabled", caret: "hide" });
      written.push(file);
    }
  } finally {
    await page.context().close();
  }
  return written;
}
