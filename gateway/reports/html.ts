/**
 * The HTML report: one self-contained file that works offline (the chart library is inlined): the indices with
 * their samples and intervals, a trend chart per index (Chart.js), the representativeness warnings and the
 * review backlog. The report object is embedded as JSON, so the page shows exactly what `--format json` gives.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { DIMENSION_TITLE, L, percentText } from "./labels.ts";
import type { GroupJson, Report } from "./schema.ts";

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

function card(g: GroupJson): string {
  if (g.indices.length === 0) return `<p class="nodata">${L.noData}</p>`;
  return g.indices
    .map(
      (f) => `<div class="card" data-index="${f.index}">
  <div class="title">${esc(f.title)}</div>
  <div class="value" data-value>${percentText(f.value)}${f.value === null ? "" : " %"}</div>
  <div class="ci">95 %: ${f.low === null ? "—" : `${percentText(f.low)}…${percentText(f.high)}`}</div>
  <div class="sample">${L.sample}: <span data-sample>${f.sample}</span>${f.small ? ` <span class="warn">(${L.small.toLowerCase()})</span>` : ""}</div>
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
        ...dims.map((d) => esc(g.key[d] ?? "")),
        f ? esc(f.title) : "",
        f ? percentText(f.value) : L.noData,
        f && f.low !== null ? `${percentText(f.low)}…${percentText(f.high)}` : "",
        f ? `${f.sample}${f.small ? " *" : ""}` : "0",
        f ? String(f.counts.P) : "",
        f ? String(f.counts.N) : "",
        f ? String(f.counts.U) : "",
        f ? String(f.counts.S) : "",
        g.representativeness.fmLevel === null ? "" : percentText(g.representativeness.fmLevel),
        g.unsolicited === null ? "" : String(g.unsolicited),
      ];
      return `<tr${g.representativeness.fmWarning ? ' class="fmwarn"' : ""}>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
    }),
  );
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("\n")}</tbody></table>`;
}

export function toHtml(report: Report, title = "Индексы качества обслуживания"): string {
  const t = report.total;
  const r = t.representativeness;
  const warnings = [...report.groups, t].filter((g) => g.representativeness.fmWarning);
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>${esc(title)} ${esc(report.from)} — ${esc(report.to)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
.cards{display:flex;gap:16px;flex-wrap:wrap}.card{border:1px solid #ccc;border-radius:8px;padding:12px 16px;min-width:180px}
.card .title{font-weight:600}.card .value{font-size:28px}.warn{color:#b00}.provisional{background:#fff4d6;padding:8px}
table{border-collapse:collapse;margin-top:8px}td,th{border:1px solid #ddd;padding:4px 8px;text-align:right}th{background:#f4f4f4}
tr.fmwarn td{background:#fde8e8}.charts{display:flex;gap:16px;flex-wrap:wrap}.chart{width:420px;height:240px}
</style></head><body>
<h1>${esc(title)}</h1>
<p>Период: <b>${esc(report.from)} — ${esc(report.to)}</b> (местные дни магазинов). Коэффициент коррекции k: ${report.settings.k.map((k) => `${k.k}${k.from > "0000-01-01" ? ` с ${k.from}` : ""}`).join(", ")}. Сформирован ${esc(report.generatedAt)}.</p>
${report.provisional ? `<p class="provisional" id="provisional">Предварительные данные: ${t.fm?.unreviewed ?? 0} периодов форс-мажора ждут проверки экспертом.</p>` : ""}
<h2>${L.all}</h2>
<div class="cards" id="totals">${card(t)}</div>
<h2>Репрезентативность</h2>
<ul id="representativeness">
<li>Опрошено: <span data-surveys>${r.surveys}</span></li>
<li>${L.conversion.replace(", %", "")}: ${r.conversion === null ? L.noData : percentText(r.conversion) + " %"}</li>
<li>${L.coverage.replace(", %", "")}: ${r.coverage === null ? L.noData : percentText(r.coverage) + " %"}</li>
<li>${L.fmLevel.replace(", %", "")}: ${r.fmLevel === null ? L.noData : percentText(r.fmLevel) + " %"}</li>
<li>${L.unsolicited}: ${t.unsolicited ?? "—"}; ${L.extra.toLowerCase()}: ${t.extra}; ${L.invalid.toLowerCase()}: ${t.invalid}</li>
</ul>
${warnings.map((g) => `<p class="warn fm-warning">Уровень форс-мажора ${esc(Object.values(g.key).join(" / ") || L.all)}: ${percentText(g.representativeness.fmLevel)} % — выше порога ${report.settings.fmThreshold * 100} %. Период не годится для оценки качества обслуживания: сначала устраните причины.</p>`).join("\n")}
<h2>Диагностика</h2><p id="diagnosis">${esc(t.diagnosis.text)}</p>
<h2>Проверка экспертом</h2>
<ul id="backlog"><li>${L.fmUnreviewed}: <span data-fm-unreviewed>${t.fm?.unreviewed ?? 0}</span></li><li>${L.flagged}: <span data-flagged>${t.flagged}</span></li><li>События без времени (не вошли в опросы): <span data-untimed>${report.untimed.events}</span>${report.untimed.unpaired ? `, из них без терминала: ${report.untimed.unpaired}` : ""}</li></ul>
<h2>Динамика за ${report.trend.days.length} дней</h2>
<div class="charts">${report.trend.series.map((s) => `<div class="chart"><canvas id="trend-${s.index}" aria-label="${esc(s.title)}"></canvas></div>`).join("")}</div>
${report.groupBy.length ? `<h2>По группам</h2>${groupRows(report)}` : ""}
<script id="report-data" type="application/json">${scriptJson(report)}</script>
<script>${chartLibrary()}</script>
<script>
(function () {
  var report = JSON.parse(document.getElementById("report-data").textContent);
  var drawn = 0;
  report.trend.series.forEach(function (s) {
    var chart = new Chart(document.getElementById("trend-" + s.index), {
      type: "line",
      data: {
        labels: report.trend.days,
        datasets: [
          { label: s.title + ", %", data: s.values, spanGaps: true, borderColor: "#2463b5", backgroundColor: "#2463b5", pointRadius: 3 },
          /* The day's 95 % interval as a band (none across days without data): a step inside it is noise. */
          { label: "95 %", data: s.high, spanGaps: false, borderWidth: 0, pointRadius: 0, fill: "+1", backgroundColor: "rgba(36, 99, 181, 0.15)" },
          { label: "95 % low", data: s.low, spanGaps: false, borderWidth: 0, pointRadius: 0, fill: false }
        ]
      },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        plugins: {
          legend: { labels: { filter: function (item) { return item.text !== "95 % low"; } } },
          tooltip: { callbacks: { afterLabel: function (c) { return c.datasetIndex === 0 ? "n = " + s.samples[c.dataIndex] : ""; } } }
        },
        scales: { y: { suggestedMin: s.index === "iel" ? -100 : 0, suggestedMax: 100 } }
      }
    });
    if (chart) drawn++;
  });
  document.body.setAttribute("data-charts", String(drawn));
})();
</script>
</body></html>
`;
}
