/**
 * The alert engine's pure core (docs/alerts.md#lifecycle): from one rule's figures per subject and the newest alert
 * of each subject, which alerts to open, which to close on recovery, and which a person closed may open again.
 * No clock, no store: readings.ts gathers the figures, engine.ts applies the decisions.
 */
import { INDEX_FUNCTIONS } from "../indices/formulas.ts";
import type { Tally } from "../indices/tally.ts";
import type { AlertRow } from "../store/alerts.ts";
import type { Rule } from "./rules.ts";

/** What a rule looks at for one subject, by kind. */
export type Figure =
  | { kind: "index"; tally: Tally }
  | { kind: "fm-level"; surveys: number; periods: number }
  | { kind: "offline"; silentMs: number; devices: string[] }
  | { kind: "outbox"; depth: number; device: string }
  | { kind: "flags"; count: number };

/** One subject of a rule: `terminal:s1.till-1`, `store:s1`, `employee:elena`, with what it shows now. */
export interface Reading {
  subject: string;
  figure: Figure;
}

/** A reading judged: the value people read (percent, minutes, count), and whether the condition holds (null: too few surveys to say). */
export interface Judged {
  subject: string;
  value: number | null;
  sample: number | null;
  holds: boolean | null;
}

export interface Decisions {
  open: Judged[];
  /** Open or acknowledged alerts whose condition no longer holds. */
  close: AlertRow[];
  /** Alerts a person closed while the condition held, which has now recovered: the next breach opens a new one. */
  rearm: AlertRow[];
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Whether `rule`'s condition holds on `f`. */
export function judge(rule: Rule, r: Reading): Judged {
  const f = r.figure;
  const out = (value: number | null, sample: number | null, holds: boolean | null): Judged => ({ subject: r.subject, value, sample, holds });
  if (rule.kind === "index" && f.kind === "index") {
    const fig = INDEX_FUNCTIONS[rule.index](f.tally, rule.minSample);
    if (fig.value === null || fig.sample < rule.minSample) return out(fig.value === null ? null : round1(fig.value * 100), fig.sample, null);
    const v = round1(fig.value * 100);
    return out(v, fig.sample, rule.op === "above" ? v > rule.threshold : v < rule.threshold);
  }
  if (rule.kind === "fm-level" && f.kind === "fm-level") {
    if (f.surveys < rule.minSample) return out(f.surveys === 0 ? null : round1((f.periods / f.surveys) * 100), f.surveys, null);
    const v = round1((f.periods / f.surveys) * 100);
    return out(v, f.surveys, v > rule.threshold);
  }
  if (rule.kind === "offline" && f.kind === "offline") {
    const minutes = Math.floor(f.silentMs / 60_000);
    return out(minutes, null, f.silentMs >= rule.minutes * 60_000);
  }
  if (rule.kind === "outbox" && f.kind === "outbox") return out(f.depth, null, f.depth >= rule.depth);
  if (rule.kind === "flags" && f.kind === "flags") return out(f.count, null, f.count >= rule.count);
  throw new Error(`a ${f.kind} figure for a ${rule.kind} rule`);
}

/**
 * At most one alert per rule and subject is not closed (no storms): a breach opens one only when the subject has
 * none, or its last was closed on recovery, or was closed by a person and has recovered since. A subject that
 * recovers has its open or acknowledged alert closed. A subject with too few surveys changes nothing.
 */
export function decide(judged: readonly Judged[], latest: readonly AlertRow[]): Decisions {
  const last = new Map(latest.map((a) => [a.subject, a]));
  const d: Decisions = { open: [], close: [], rearm: [] };
  for (const j of judged) {
    const a = last.get(j.subject);
    if (j.holds === true) {
      if (!a || (a.state === "closed" && a.rearmed)) d.open.push(j);
    } else if (j.holds === false && a) {
      if (a.state !== "closed") d.close.push(a);
      else if (!a.rearmed) d.rearm.push(a);
    }
  }
  return d;
}
