/**
 * The HTML report: one self-contained file that works offline (the chart library is inlined): the indices with
 * their samples and intervals, a trend chart per index (Chart.js), the representativeness warnings and the
 * review backlog. The report object is embedded as JSON, so the page shows exactly what `--format json` gives.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { count, dateTime, day, decimal, NOUNS, percent, plain, plural } from "../format/ru.ts";
import { DIMENSION_TITLE, L } from "./labels.ts";
import type { Dimension, GroupJson, Report } from "./schema.ts";
import { trendCharts, type TrendChart } from "./trend-chart.ts";

export interface HtmlOptions {
  /** The page's heading. */
  title?: string;
  /** The IANA zone the report's times are shown in (the store's, or the configured one for a chain). */
  timeZone: string;
}

let chartJs: string | undefined;
function chartLibrary(): string {
  if (chartJs === undefined) {
    const main = createRequire(import.meta.url).resolve("chart.js");
    chartJs = readFileSync(join(dirname(main), "chart.umd.min.js"), "utf8");
  }
  return chartJs;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
/** JSON safe inside a <script> element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");

/** A 95 % interval «16,0…33,3», or "" when there is none. */
const interval = (low: number | null, high: number | null) => (low === null || high === null ? "" : `${decimal(low)}…${decimal(high)}`);
/** A group key as people read it: days as «20.11.2026». */
const keyText = (d: Dimension, v: string | undefined) => (v === undefined ? "" : d === "day" ? day(v) : v);
/** Something a store-local range covers: «20.11.2026» or «20.11.2026 — 26.11.2026». */
const rangeText = (from: string, to: string) => (from === to ? day(from) : `${day(from)} — ${day(to)}`);

function card(g: GroupJson): string {
  if (g.indices.length === 0) return `<p class="nodata">${L.noData}</p>`;
  return g.indices
    .map(
      (f) => `<div class="card" data-index="${f.index}">
  <div class="title">${esc(f.title)}</div>
  <div class="value" data-value>${percent(f.value)}</div>
  <div class="ci">95 %: ${interval(f.low, f.high) || "—"}</div>
  <div class="sample">${L.sample}: <span data-sample>${count(f.sample, NOUNS.survey)}</span>${f.small ? ` <span class="warn">(${L.small.toLowerCase()})</span>` : ""}</div>
</div>`,
    )
    .join("\n");
}

function groupRows(report: Report): string {
  const dims = report.groupBy;
  const head = [...dims.map((d) => DIMENSION_TITLE[d]), L.index, L.value, "95 %", L.sample, L.yes, L.no, L.unsure, L.silent, L.fmLevel, L.unsolicited];
  const rows = report.groups.flatMap((g) =>
    (g.indices.length ? g.indices : [null]).map((f) => {
      const cells = [
        ...dims.map((d) => esc(keyText(d, g.key[d]))),
        f ? esc(f.title) : "",
        f ? percent(f.value).replace(/\u00a0%$/, "") : L.noData,
        f ? interval(f.low, f.high) : "",
        f ? `${f.sample}${f.small ? " *" : ""}` : "0",
        f ? String(f.counts.P) : "",
        f ? String(f.counts.N) : "",
        f ? String(f.counts.U) : "",
        f ? String(f.counts.S) : "",
        g.representativeness.fmLevel === null ? "" : decimal(g.representativeness.fmLevel),
        g.unsolicited === null ? "" : String(g.unsolicited),
      ];
      return `<tr${g.representativeness.fmWarning ? ' class="fmwarn"' : ""}>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
    }),
  );
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("\n")}</tbody></table>`;
}

/** A chart's place: a canvas, or «нет данных» in words when the window has no value to draw. */
function chartBox(c: TrendChart): string {
  if (!c.hasData) return `<div class="chart nodata" id="trend-${c.index}" data-nodata><div class="title">${esc(c.title)}</div><p>${L.noData}</p></div>`;
  return `<div class="chart"><canvas id="trend-${c.index}" aria-label="${esc(c.title)}"></canvas></div>`;
}

export function toHtml(report: Report, o: HtmlOptions): string {
  const title = o.title ?? "Индексы качества обслуживания";
  const t = report.total;
  const r = t.representativeness;
  const warnings = [...report.groups, t].filter((g) => g.representativeness.fmWarning);
  const charts = trendCharts(report);
  const unreviewed = t.fm?.unreviewed ?? 0;
  const pctOrNone = (v: number | null) => percent(v, L.noData);
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>${esc(title)} ${esc(rangeText(report.from, report.to))}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
.cards{display:flex;gap:16px;flex-wrap:wrap}.card{border:1px solid #ccc;border-radius:8px;padding:12px 16px;min-width:180px}
.card .title{font-weight:600}.card .value{font-size:28px}.warn{color:#b00}.provisional{background:#fff4d6;padding:8px}
table{border-collapse:collapse;margin-top:8px}td,th{border:1px solid #ddd;padding:4px 8px;text-align:right}th{background:#f4f4f4}
tr.fmwarn td{background:#fde8e8}.charts{display:flex;gap:16px;flex-wrap:wrap}.chart{width:420px;height:260px}
.chart.nodata{border:1px dashed #bbb;border-radius:8px;display:flex;flex-direction:column;align-items:center;justify-content:center;color:#777}
.chart.nodata .title{font-weight:600;color:#222}.chart.nodata p{font-size:20px;margin:8px 0 0}
</style></head><body>
<h1>${esc(title)}</h1>
<p>Период: <b id="period">${esc(rangeText(report.from, report.to))}</b> (местные дни магазинов). Коэффициент коррекции k: ${report.settings.k.map((k) => `${plain(k.k)}${k.from > "0000-01-01" ? ` с ${day(k.from)}` : ""}`).join("; ")}. Сформирован <span id="generated">${esc(dateTime(Date.parse(report.generatedAt), o.timeZone))}</span> (${esc(o.timeZone)}).</p>
${report.provisional ? `<p class="provisional" id="provisional">Предварительные данные: ${count(unreviewed, NOUNS.period)} форс-мажора ${plural(unreviewed, NOUNS.awaits)} проверки экспертом.</p>` : ""}
<h2>${L.all}</h2>
<div class="cards" id="totals">${card(t)}</div>
<h2>Репрезентативность</h2>
<ul id="representativeness">
<li>Опрошено: <span data-surveys>${count(r.surveys, NOUNS.survey)}</span></li>
<li>${L.conversion.replace(", %", "")}: ${pctOrNone(r.conversion)}</li>
<li>${L.coverage.replace(", %", "")}: ${pctOrNone(r.coverage)}</li>
<li>${L.fmLevel.replace(", %", "")}: ${pctOrNone(r.fmLevel)}</li>
<li>${L.unsolicited}: ${t.unsolicited ?? "—"}; ${L.extra.toLowerCase()}: ${t.extra}; ${L.invalid.toLowerCase()}: ${t.invalid}</li>
</ul>
${warnings.map((g) => `<p class="warn fm-warning">Уровень форс-мажора ${esc(Object.values(g.key).join(" / ") || L.all)}: ${pctOrNone(g.representativeness.fmLevel)} — выше порога ${plain(report.settings.fmThreshold * 100)} %. Период не годится для оценки качества обслуживания: сначала устраните причины.</p>`).join("\n")}
<h2>Диагностика</h2><p id="diagnosis">${esc(t.diagnosis.text)}</p>
<h2>Проверка экспертом</h2>
<ul id="backlog"><li>${L.fmUnreviewed}: <span data-fm-unreviewed>${unreviewed}</span></li><li>${L.flagged}: <span data-flagged>${t.flagged}</span></li><li>События без времени (не вошли в опросы): <span data-untimed>${report.untimed.events}</span>${report.untimed.unpaired ? `, из них без терминала: ${report.untimed.unpaired}` : ""}</li></ul>
<h2>Динамика за ${count(report.trend.days.length, NOUNS.day)} по ${esc(day(report.to))}</h2>
<div class="charts">${charts.map(chartBox).join("")}</div>
${report.groupBy.length ? `<h2>По группам</h2>${groupRows(report)}` : ""}
<script id="report-data" type="application/json">${scriptJson(report)}</script>
<script id="chart-data" type="application/json">${scriptJson(charts)}</script>
<script>${chartLibrary()}</script>
<script>
(function () {
  var charts = JSON.parse(document.getElementById("chart-data").textContent);
  var drawn = 0;
  var blue = "#2463b5";
  charts.forEach(function (c) {
    if (!c.hasData) return;
    var datasets = [
      /* A day under the minimum sample is drawn only as its hollow mark (the last dataset). */
      { label: c.legend.value, data: c.values, spanGaps: true, borderColor: blue, backgroundColor: blue, pointRadius: c.small.map(function (v) { return v === null ? 3 : 0; }) },
      /* The day's 95 % interval as a band (none across days without data): a step inside it is noise. */
      { label: c.legend.band, data: c.high, spanGaps: false, borderWidth: 0, pointRadius: 0, fill: "+1", backgroundColor: "rgba(36, 99, 181, 0.15)" },
      /* The band's lower edge: draws nothing itself, so it has no legend entry. */
      { label: "", data: c.low, spanGaps: false, borderWidth: 0, pointRadius: 0, fill: false, inLegend: false }
    ];
    if (c.legend.small) datasets.push({ label: c.legend.small, data: c.small, showLine: false, pointRadius: 4, borderColor: blue, backgroundColor: "#fff", pointBackgroundColor: "#fff", borderWidth: 2 });
    var chart = new Chart(document.getElementById("trend-" + c.index), {
      type: "line",
      data: { labels: c.days, datasets: datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { labels: { filter: function (item, data) { return data.datasets[item.datasetIndex].inLegend !== false; } } },
          tooltip: { filter: function (item) { return item.datasetIndex === 0; }, callbacks: { title: function () { return ""; }, label: function (i) { return c.tooltips[i.dataIndex]; } } }
        },
        scales: {
          /* Every label placed by us, counted back from the last day, so the last day is always on the axis. */
          x: { ticks: { autoSkip: false, maxRotation: 0, callback: function (v, i) { return c.ticks[i]; } } },
          y: { suggestedMin: c.index === "iel" ? -100 : 0, suggestedMax: 100, ticks: { callback: function (v) { return String(v).replace(".", ",") + " %"; } } }
        }
      }
    });
    if (chart) drawn++;
  });
  document.body.setAttribute("data-charts", String(drawn));
  document.body.setAttribute("data-ready", "true");
})();
</script>
</body></html>
`;
}
