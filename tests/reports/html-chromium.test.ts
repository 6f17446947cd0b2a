/**
 * The HTML report in real Chromium: the figures shown are the report's in Russian notation, the trend charts render
 * with a legend for every mark and the last day on the axis, an empty window says «нет данных», it works offline.
 */
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decimal, NBSP } from "../../gateway/format/ru.ts";
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
    writeFileSync(file, toHtml(report, { timeZone: "Europe/Moscow" }));

    const page = await browser.newPage();
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto("file://" + file);
    await page.waitForSelector("body[data-ready='true']", { timeout: 20_000 });
    /* A chart for each index with a value in the window (staff and recommend questions: ИНК@Персонал and ИЭЛ);
       ИНК@Офис has none here (no office question), so it says so instead of drawing empty axes. */
    const withData = report.trend.series.filter((s) => s.values.some((v) => v !== null)).map((s) => s.index);
    expect(withData).toEqual(["inkStaff", "iel"]);
    expect(await page.locator("body").getAttribute("data-charts")).toBe(String(withData.length));
    expect(await page.locator("#trend-inkOffice[data-nodata]").innerText()).toContain("нет данных");

    const staffFigure = report.total.indices.find((f) => f.index === "inkStaff")!;
    const card = page.locator('#totals .card[data-index="inkStaff"]');
    /* Decimal commas: the report's number with its point turned into a comma. */
    const comma = (v: number) => v.toFixed(1).replace(".", ",");
    expect(await card.locator("[data-value]").innerText()).toBe(`${comma(staffFigure.value!)}${NBSP}%`);
    expect(await card.locator("[data-sample]").innerText()).toMatch(new RegExp(`^${staffFigure.sample} опрос(а|ов)?$`));
    expect(await card.locator(".ci").innerText()).toContain(`${comma(staffFigure.low!)}…${comma(staffFigure.high!)}`);
    expect(decimal(staffFigure.value!)).toBe(comma(staffFigure.value!));
    expect(await page.locator("[data-surveys]").innerText()).toMatch(new RegExp(`^${report.total.representativeness.surveys} опрос`));
    /* Plural forms: one unreviewed period. Local time: 06:00 UTC is 09:00 in Moscow. */
    expect(await page.locator("#provisional").innerText()).toContain("1 период форс-мажора ждёт проверки");
    expect(await page.locator("#generated").innerText()).toBe("21.11.2026, 09:00");
    expect(await page.locator("#period").innerText()).toBe("20.11.2026");
    expect(await page.locator("h2", { hasText: "Динамика" }).innerText()).toBe("Динамика за 30 дней по 20.11.2026");
    expect(await page.locator("[data-fm-unreviewed]").innerText()).toBe("1");
    expect(await page.locator("#provisional").count()).toBe(1);
    expect(await page.locator(".fm-warning").count()).toBeGreaterThan(0);

    /* Each chart drew something: the canvas has painted pixels. */
    for (const index of withData) {
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
    /* Every mark drawn has a legend entry; the band's lower edge draws nothing. The last day is on the axis. */
    for (const index of withData) {
      const chart = (await page.evaluate(`(() => {
        const chart = Chart.getChart(document.getElementById("trend-${index}"));
        return {
          legend: chart.legend.legendItems.map((i) => ({ text: i.text, dataset: i.datasetIndex })),
          datasets: chart.data.datasets.map((d) => ({ label: d.label, draws: d.borderWidth !== 0 || d.pointRadius !== 0 || Boolean(d.fill), points: d.data.filter((v) => v !== null).length })),
          lastTick: chart.scales.x.ticks.at(-1).label,
          lastLabel: chart.data.labels.at(-1),
        };
      })()`)) as { legend: { text: string; dataset: number }[]; datasets: { label: string; draws: boolean; points: number }[]; lastTick: string; lastLabel: string };
      const drawing = chart.datasets.map((d, i) => ({ ...d, i })).filter((d) => d.draws && d.points > 0);
      expect(chart.legend.map((l) => l.dataset), index).toEqual(drawing.map((d) => d.i));
      expect(chart.legend.map((l) => l.text), index).toEqual(drawing.map((d) => d.label));
      expect(chart.legend.every((l) => l.text.length > 0)).toBe(true);
      expect(chart.lastLabel).toBe("20.11");
      expect(chart.lastTick).toBe("20.11");
    }
    /* Five surveys a day is under the minimum of 30: each day's value is also a hollow "small sample" mark, in the legend. */
    const staffLegend = (await page.evaluate(`Chart.getChart(document.getElementById("trend-inkStaff")).legend.legendItems.map((i) => i.text)`)) as string[];
    expect(staffLegend).toEqual(["ИНК@Персонал, %", "95 % доверительный интервал", "малая выборка (меньше 30 опросов)"]);
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
    await page.close();
  }, 60_000);

  it("says «нет данных» instead of drawing empty charts when there is nothing", async () => {
    const c = chain();
    c.terminal("s1.till", "s1", "Asia/Vladivostok", "staff", "elena");
    const report = makeReport(c.store, c.config, { from: "2026-11-20", to: "2026-11-20", groupBy: ["terminal"] }, Date.parse("2026-11-21T06:00:00Z"));
    c.store.close();
    const file = join(mkdtempSync(join(tmpdir(), "lb-html-")), "empty.html");
    writeFileSync(file, toHtml(report, { timeZone: "Asia/Vladivostok" }));

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto("file://" + file);
    await page.waitForSelector("body[data-ready='true']", { timeout: 20_000 });
    expect(await page.locator("body").getAttribute("data-charts")).toBe("0");
    expect(await page.locator("canvas").count()).toBe(0);
    for (const title of ["ИНК@Персонал", "ИНК@Офис", "ИЭЛ"]) {
      const box = page.locator(".chart[data-nodata]", { hasText: title });
      expect(await box.count(), title).toBe(1);
      expect(await box.locator("p").innerText()).toBe("нет данных");
      expect(await box.isVisible()).toBe(true);
    }
    expect(await page.locator("#totals").innerText()).toBe("нет данных");
    expect(await page.locator("[data-surveys]").innerText()).toBe("0 опросов");
    /* 06:00 UTC is 16:00 in Vladivostok. */
    expect(await page.locator("#generated").innerText()).toBe("21.11.2026, 16:00");
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
