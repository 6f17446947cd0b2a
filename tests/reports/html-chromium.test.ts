/** The HTML report in real Chromium: the figures shown are the report's, the trend charts render, it works offline. */
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toHtml } from "../../gateway/reports/html.ts";
import { makeReport } from "../../gateway/reports/report.ts";
import { launchChromium } from "../support/chromium.ts";
import { chain } from "../support/presses.ts";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe("HTML report", () => {
  it("shows the indices with samples and intervals, warnings, backlog, and draws a trend chart per index", async () => {
    const c = chain();
    const staff = c.terminal("s1.till", "s1", "Europe/Moscow", "staff", "elena");
    const rec = c.terminal("s1.exit", "s1", "Europe/Moscow", "recommend");
    const answers = ["yes", "no", "silent", "yes", "unsure"] as const;
    for (let d = 10; d <= 20; d++) {
      answers.forEach((a, i) => staff.survey(`2026-11-${d} 10:0${i}:00`, d % 2 === 0 && a === "yes" ? "no" : a));
      answers.forEach((a, i) => rec.survey(`2026-11-${d} 11:0${i}:00`, a));
    }
    staff.press("2026-11-20 12:00:00", "long");
    const report = makeReport(c.store, c.config, { from: "2026-11-20", to: "2026-11-20", groupBy: ["terminal"] }, Date.parse("2026-11-21T06:00:00Z"));
    c.store.close();
    const file = join(mkdtempSync(join(tmpdir(), "lb-html-")), "report.html");
    writeFileSync(file, toHtml(report));

    const page = await browser.newPage();
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto("file://" + file);
    await page.waitForSelector("body[data-charts='3']", { timeout: 20_000 });

    const staffFigure = report.total.indices.find((f) => f.index === "inkStaff")!;
    const card = page.locator('#totals .card[data-index="inkStaff"]');
    expect(await card.locator("[data-value]").innerText()).toBe(`${staffFigure.value!.toFixed(1)} %`);
    expect(await card.locator("[data-sample]").innerText()).toBe(String(staffFigure.sample));
    expect(await card.locator(".ci").innerText()).toContain(`${staffFigure.low!.toFixed(1)}…${staffFigure.high!.toFixed(1)}`);
    expect(await page.locator("[data-surveys]").innerText()).toBe(String(report.total.representativeness.surveys));
    expect(await page.locator("[data-fm-unreviewed]").innerText()).toBe("1");
    expect(await page.locator("#provisional").count()).toBe(1);
    expect(await page.locator(".fm-warning").count()).toBeGreaterThan(0);

    /* Each chart drew something: the canvas has painted pixels. */
    for (const index of ["inkStaff", "inkOffice", "iel"]) {
      /* Runs in the page (a string, since the project's types have no DOM). */
      const painted = (await page.evaluate(`(() => {
        const canvas = document.getElementById("trend-${index}");
        const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
        return n;
      })()`)) as number;
      expect(painted, index).toBeGreaterThan(500);
    }
    /* The 95 % band: the chart carries the report's daily intervals, and its translucent fill is painted. */
    const series = report.trend.series.find((x) => x.index === "inkStaff")!;
    expect(series.low.filter((x) => x !== null).length).toBe(11);
    const band = (await page.evaluate(`(() => {
      const canvas = document.getElementById("trend-inkStaff");
      const chart = Chart.getChart(canvas);
      const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      let translucent = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 20 && data[i + 3] < 60 && data[i + 2] > data[i]) translucent++;
      return { high: chart.data.datasets[1].data, low: chart.data.datasets[2].data, translucent };
    })()`)) as { high: (number | null)[]; low: (number | null)[]; translucent: number };
    expect(band.high).toEqual(series.high);
    expect(band.low).toEqual(series.low);
    expect(band.translucent).toBeGreaterThan(1000);
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
    await page.close();
  }, 60_000);
});
