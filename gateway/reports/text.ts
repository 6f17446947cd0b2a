/** The report as a plain-text table for the terminal. */
import { table } from "./table.ts";
import { L } from "./labels.ts";
import { flatten } from "./rows.ts";
import type { Report } from "./schema.ts";

/** Columns shown on screen (the CSV has them all). */
const SHOWN = [L.index, L.value, L.low, L.high, L.sample, L.small, L.yes, L.no, L.unsure, L.silent, L.fmLevel, L.unsolicited, L.fmUnreviewed];

export function toText(report: Report): string {
  const { header, rows } = flatten(report, false);
  const cols = header.map((h, i) => ({ h, i })).filter(({ h, i }) => i < report.groupBy.length || SHOWN.includes(h as (typeof SHOWN)[number]));
  const head = [`Отчёт ${report.from} — ${report.to}${report.provisional ? " (предварительный: форс-мажор ждёт проверки)" : ""}`];
  const warnings = [...report.groups, report.total]
    .filter((g) => g.representativeness.fmWarning)
    .map((g) => `! ${Object.values(g.key).join(" / ") || L.all}: уровень форс-мажора ${g.representativeness.fmLevel ?? "—"} % выше порога ${report.settings.fmThreshold * 100} %: период не годится для оценки качества обслуживания`);
  const u = report.untimed;
  const untimed = u.events === 0 ? [] : [`Событий без времени: ${u.events}${u.unpaired ? ` (из них ${u.unpaired} без терминала)` : ""}; они не вошли в опросы, список: loyalty review untimed`];
  return [...head, "", table(cols.map((c) => c.h), rows.map((r) => cols.map((c) => r[c.i] ?? ""))).trimEnd(), ...(warnings.length || untimed.length ? ["", ...warnings, ...untimed] : []), ""].join("\n");
}
