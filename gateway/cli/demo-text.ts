/** What `loyalty gateway --demo` (npm start) prints once the demo runs: what is happening and what to try next. */
import type { Demo } from "../demo/demo.ts";
import { isoDate } from "../demo/day.ts";

export interface DemoSummary {
  demo: Pick<Demo, "terminals" | "skipped" | "specs" | "date" | "liveGapMs">;
  database: string;
  /** The gateway's HTTP address, when it serves reports. */
  httpUrl?: string;
}

export function demoSummary(s: DemoSummary): string {
  const n = s.demo.terminals.length;
  const lines = [`${n} simulated terminal${n === 1 ? "" : "s"} (the real firmware bundle in the Espruino simulator):`];
  for (const t of s.demo.terminals) {
    const spec = s.demo.specs.find((x) => x.id === t.id);
    const how = t.transport === "serial" ? `serial over ${t.where}` : `MQTT via ${t.where}`;
    lines.push(`  ${t.id.padEnd(12)} ${how}; question ${spec?.question}, employee ${spec?.employee}`);
  }
  for (const why of s.demo.skipped) lines.push(`  not started: ${why}`);
  const day = isoDate(s.demo.date);
  const db = s.database === "./data/loyalty.sqlite" ? "" : ` --db ${s.database}`;
  lines.push(
    `Yesterday (${day}) is in the database; a live press follows every ${Math.round(s.demo.liveGapMs / 1000)} s.`,
    "",
    "In another terminal try:",
    ...hints([
      [`npx loyalty status${db}`, "devices online, outboxes, clock offsets"],
      [`npx loyalty terminals${db}`, "terminals, questions, employees"],
      [`npx loyalty report --from ${day} --group-by terminal${db}`, "yesterday's indices with samples and 95 % intervals"],
      [`npx loyalty report --from ${day}${db} --format html > report.html`, "the same as one HTML file, with 30-day trend charts"],
      [`npx loyalty review periods --from ${day}${db}`, "force-majeure to confirm: `npx loyalty review confirm <id>`"],
      [`npx loyalty simulate --pair-as demo.till-3${db}`, "a terminal of your own, pressed by keys"],
    ]),
    ...(s.httpUrl ? [`Or open ${s.httpUrl}/report?from=${day}&groupBy=terminal in a browser.`] : []),
    "More: docs/demo.md, docs/reports.md. Stop with Ctrl+C.",
    "",
  );
  return lines.join("\n");
}

function hints(rows: [string, string][]): string[] {
  const w = Math.max(...rows.map(([c]) => c.length));
  return rows.map(([c, what]) => `  ${c.padEnd(w)}   ${what}`);
}
