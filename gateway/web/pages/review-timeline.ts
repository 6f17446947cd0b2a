/**
 * A terminal's day on one axis (docs/web.md#review-desk): its surveys as ticks coloured by answer (an invalid one
 * hollow), its force-majeure periods as bars coloured by review state, hours along the bottom (HTML, so the
 * labels do not stretch). A small inline SVG stretched to the page's width, so it fits 1280 px and a phone alike. Pure: times come in as epoch ms.
 */
import { html, type Html } from "../html.ts";

export interface TimelineInput {
  terminal: string;
  /** The store-local day's first and last millisecond (+1): 23, 24 or 25 hours. */
  fromMs: number;
  toMs: number;
  /** The hour (store-local, 0..23) that starts at each of these instants, for the axis's labels. */
  hours: { atMs: number; hour: number }[];
  surveys: { id: number; atMs: number; answer: string; valid: boolean; time: string }[];
  periods: { id: number; startMs: number; endMs: number; status: "unreviewed" | "confirmed" | "rejected"; text: string }[];
}

const W = 1000;
const H = 40;
export const ANSWER_WORDS: Record<string, string> = { yes: "да", no: "нет", unsure: "не уверен", silent: "молчание" };

export function timelineSvg(t: TimelineInput): Html {
  const x = (ms: number) => (Math.min(Math.max(ms, t.fromMs), t.toMs) - t.fromMs) * (W / (t.toMs - t.fromMs));
  const f = (n: number) => n.toFixed(1);
  const pct = (ms: number) => ((x(ms) / W) * 100).toFixed(2);
  return html`<div class="timeline"><svg viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="img" aria-label="День терминала ${t.terminal}: опросы и периоды форс-мажора" data-timeline="${t.terminal}">
    <rect class="axis" x="0" y="4" width="${W}" height="32"></rect>
    ${t.periods.map((p) => html`<rect class="fm ${p.status}" data-period="${p.id}" x="${f(x(p.startMs))}" y="4" width="${f(Math.max(2, x(p.endMs) - x(p.startMs)))}" height="32"><title>${p.text}</title></rect>`)}
    ${t.surveys.map((s) => html`<line class="tick ${s.answer}${s.valid ? "" : " invalid"}" data-survey="${s.id}" x1="${f(x(s.atMs))}" x2="${f(x(s.atMs))}" y1="8" y2="32"><title>${s.time} · ${ANSWER_WORDS[s.answer] ?? s.answer}${s.valid ? "" : " · не учитывается"}</title></line>`)}
  </svg><div class="hours" aria-hidden="true">${t.hours.filter((h) => h.hour % 3 === 0).map((h) => html`<span style="left: ${pct(h.atMs)}%">${String(h.hour).padStart(2, "0")}</span>`)}</div></div>`;
}
