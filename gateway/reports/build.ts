/**
 * Builds a report (schema.ts) from its sources (sources.ts: the daily rollups and the imported traffic) and the
 * configuration: groups the rows by the chosen dimensions, sums them and computes every figure with
 * gateway/indices. Pure apart from `now`.
 */
import { DIAGNOSIS_TEXT, diagnose } from "../indices/diagnosis.ts";
import { INDEX_FUNCTIONS, INDEX_OF, INDEX_TITLE, type IndexFigure, type IndexName } from "../indices/formulas.ts";
import { representativeness } from "../indices/representativeness.ts";
import { addCounts, emptyTally, total, type Tally } from "../indices/tally.ts";
import type { TrafficRow } from "../store/traffic.ts";
import { isoWeek, monthOf, daysBetween } from "../time/calendar.ts";
import { addDays } from "../time/zone.ts";
import type { Dimension, GroupJson, IndexFigureJson, Report } from "./schema.ts";
import type { IndexSettings } from "./settings.ts";
import type { ReportSources } from "./sources.ts";
import type { QuestionKind } from "../../protocol/schemas.ts";

export interface ReportRequest {
  /** Store-local days, both included. */
  from: string;
  to: string;
  groupBy: Dimension[];
  stores?: string[];
  terminals?: string[];
  employees?: string[];
}

/** What one row of the report is made of, before the figures are computed. */
interface Acc {
  key: Partial<Record<Dimension, string>>;
  tallies: Map<IndexName, Tally>;
  invalid: number;
  extra: number;
  flagged: number;
  unsolicited: number;
  fm: { confirmed: number; unreviewed: number; rejected: number };
  transactions: number | null;
  visitors: number | null;
}

interface Cell {
  storeId: string;
  terminalId: string;
  day: string;
  employee?: string;
  question?: string;
}

function keyOf(dims: readonly Dimension[], c: Cell, regionOf: ReadonlyMap<string, string> | undefined): Partial<Record<Dimension, string>> {
  const key: Partial<Record<Dimension, string>> = {};
  for (const d of dims) {
    if (d === "region") key.region = regionOf?.get(c.storeId) ?? "";
    else if (d === "store") key.store = c.storeId;
    else if (d === "terminal") key.terminal = c.terminalId;
    else if (d === "employee") key.employee = c.employee ?? "";
    else if (d === "question") key.question = c.question ?? "";
    else if (d === "day") key.day = c.day;
    else if (d === "week") key.week = isoWeek(c.day);
    else key.month = monthOf(c.day);
  }
  return key;
}

function newAcc(key: Acc["key"], perSurveyOnly: boolean): Acc {
  return {
    key,
    tallies: new Map(),
    invalid: 0,
    extra: 0,
    flagged: 0,
    unsolicited: perSurveyOnly ? NaN : 0,
    fm: perSurveyOnly ? { confirmed: NaN, unreviewed: NaN, rejected: NaN } : { confirmed: 0, unreviewed: 0, rejected: 0 },
    transactions: null,
    visitors: null,
  };
}

const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

function figureJson(f: IndexFigure, t: Tally): IndexFigureJson {
  return {
    index: f.index,
    title: INDEX_TITLE[f.index],
    value: pct(f.value),
    low: pct(f.ci?.low ?? null),
    high: pct(f.ci?.high ?? null),
    sample: f.sample,
    small: f.small,
    counts: { P: t.p, N: t.n, U: t.u, S: t.s, V: total(t), Nfm: t.nFm, Sfm: t.sFm },
  };
}

const ORDER: IndexName[] = ["inkStaff", "inkOffice", "iel"];

function groupJson(a: Acc, s: IndexSettings): GroupJson {
  const figures = ORDER.filter((i) => a.tallies.has(i)).map((i) => {
    const t = a.tallies.get(i)!;
    return { figure: INDEX_FUNCTIONS[i](t, s.minSample), tally: t };
  });
  const value = (i: IndexName) => figures.find((f) => f.figure.index === i)?.figure.value ?? null;
  const surveys = [...a.tallies.values()].reduce((n, t) => n + total(t), 0);
  const attributable = !Number.isNaN(a.unsolicited);
  const r = representativeness({ surveys, transactions: a.transactions, visitors: a.visitors, fmReported: attributable ? a.fm.confirmed + a.fm.unreviewed : 0 }, s.fmThreshold);
  const office = value("inkOffice");
  const staff = value("inkStaff");
  const verdict = diagnose(office === null ? null : office * 100, staff === null ? null : staff * 100, s.reference);
  return {
    key: a.key,
    indices: figures.map((f) => figureJson(f.figure, f.tally)),
    representativeness: {
      surveys,
      transactions: a.transactions,
      visitors: a.visitors,
      conversion: pct(r.conversion),
      coverage: pct(r.coverage),
      fmReported: attributable ? r.fmReported : null,
      fmLevel: attributable ? pct(r.fmLevel) : null,
      fmWarning: attributable && r.fmWarning,
    },
    unsolicited: attributable ? a.unsolicited : null,
    extra: a.extra,
    invalid: a.invalid,
    flagged: a.flagged,
    fm: attributable ? a.fm : null,
    diagnosis: { verdict, text: DIAGNOSIS_TEXT[verdict] },
  };
}

/** Transactions and visitors per (kind, store, terminal, day): a whole-day row wins over hourly rows. */
function dailyTraffic(rows: readonly TrafficRow[]): Map<string, { kind: TrafficRow["kind"]; storeId: string; terminalId: string; day: string; count: number }> {
  const daily = new Map<string, { kind: TrafficRow["kind"]; storeId: string; terminalId: string; day: string; count: number; whole: boolean }>();
  for (const r of rows) {
    const k = JSON.stringify([r.kind, r.storeId, r.terminalId, r.day]);
    const cur = daily.get(k);
    if (r.hour === -1) daily.set(k, { ...r, whole: true });
    else if (!cur) daily.set(k, { ...r, whole: false });
    else if (!cur.whole) cur.count += r.count;
  }
  return daily;
}

/** Builds the report from its sources (pure apart from `now`). */
export function buildReport(src: ReportSources, req: ReportRequest, s: IndexSettings, now: number): Report {
  const dims = req.groupBy;
  const perSurveyOnly = dims.includes("employee") || dims.includes("question");
  const keep = (storeId: string | undefined, terminalId: string, employee?: string) =>
    storeId !== undefined &&
    (!req.stores?.length || req.stores.includes(storeId)) &&
    (!req.terminals?.length || req.terminals.includes(terminalId)) &&
    (employee === undefined || !req.employees?.length || req.employees.includes(employee));
  const inRange = (day: string) => day >= req.from && day <= req.to;

  const groups = new Map<string, Acc>();
  const totalAcc = newAcc({}, false);
  const accFor = (c: Cell) => {
    const key = keyOf(dims, c, src.regionOf);
    const k = JSON.stringify(key);
    let a = groups.get(k);
    if (!a) groups.set(k, (a = newAcc(key, perSurveyOnly)));
    return a;
  };
  const trend = new Map<string, Map<IndexName, Tally>>();

  for (const r of src.counts) {
    const storeId = src.storeOf.get(r.terminalId);
    const index = INDEX_OF[r.questionKind as QuestionKind];
    if (!index || !inRange(r.day) || !keep(storeId, r.terminalId, r.employee)) continue;
    const k = s.kOn(r.day);
    const add = (a: Acc) => {
      addCounts(a.tallies.get(index) ?? a.tallies.set(index, emptyTally()).get(index)!, r, k);
      a.invalid += r.invalid;
      a.extra += r.extra;
      a.flagged += r.flagged;
    };
    add(accFor({ storeId: storeId!, terminalId: r.terminalId, day: r.day, employee: r.employee, question: `${r.questionKind}: ${r.questionText}` }));
    add(totalAcc);
  }
  for (const r of src.trend) {
    const index = INDEX_OF[r.questionKind as QuestionKind];
    if (!index || (req.stores?.length && !req.stores.includes(r.storeId))) continue;
    const day = trend.get(r.day) ?? trend.set(r.day, new Map()).get(r.day)!;
    addCounts(day.get(index) ?? day.set(index, emptyTally()).get(index)!, r, s.kOn(r.day));
  }

  let fmUnreviewedInRange = 0;
  for (const r of src.terminalDays) {
    const storeId = src.storeOf.get(r.terminalId);
    if (!inRange(r.day) || !keep(storeId, r.terminalId)) continue;
    const targets = perSurveyOnly ? [totalAcc] : [accFor({ storeId: storeId!, terminalId: r.terminalId, day: r.day }), totalAcc];
    for (const a of targets) {
      a.unsolicited += r.unsolicited;
      a.fm.confirmed += r.fmConfirmed;
      a.fm.unreviewed += r.fmUnreviewed;
      a.fm.rejected += r.fmRejected;
    }
    fmUnreviewedInRange += r.fmUnreviewed;
  }

  const untimed = { events: 0, unpaired: 0 };
  for (const u of src.untimed) {
    if (u.terminalId !== null ? keep(src.storeOf.get(u.terminalId), u.terminalId) : !req.stores?.length && !req.terminals?.length) untimed.events += u.count;
    if (u.terminalId === null && !req.stores?.length && !req.terminals?.length) untimed.unpaired += u.count;
  }

  /* Traffic: per terminal when grouped by terminal, else the store's figure (its own rows, or its terminals' sum). */
  const addTraffic = (a: Acc, kind: TrafficRow["kind"], n: number) => {
    if (kind === "transactions") a.transactions = (a.transactions ?? 0) + n;
    else a.visitors = (a.visitors ?? 0) + n;
  };
  const byTerminal = dims.includes("terminal") || (req.terminals?.length ?? 0) > 0;
  /* Traffic is counted per store or terminal: it cannot be split by employee or question. */
  const noTraffic = perSurveyOnly || (req.employees?.length ?? 0) > 0;
  const storeDays = new Map<string, { kind: TrafficRow["kind"]; storeId: string; day: string; own: number | null; terminals: number }>();
  for (const t of dailyTraffic(src.traffic).values()) {
    if (noTraffic || !inRange(t.day) || (req.stores?.length && !req.stores.includes(t.storeId))) continue;
    if (byTerminal) {
      if (t.terminalId === "" || (req.terminals?.length && !req.terminals.includes(t.terminalId))) continue;
      if (!perSurveyOnly) addTraffic(accFor({ storeId: t.storeId, terminalId: t.terminalId, day: t.day }), t.kind, t.count);
      addTraffic(totalAcc, t.kind, t.count);
      continue;
    }
    const k = JSON.stringify([t.kind, t.storeId, t.day]);
    const sd = storeDays.get(k) ?? storeDays.set(k, { kind: t.kind, storeId: t.storeId, day: t.day, own: null, terminals: 0 }).get(k)!;
    if (t.terminalId === "") sd.own = t.count;
    else sd.terminals += t.count;
  }
  for (const sd of storeDays.values()) {
    const n = sd.own ?? sd.terminals;
    if (!perSurveyOnly) addTraffic(accFor({ storeId: sd.storeId, terminalId: "", day: sd.day }), sd.kind, n);
    addTraffic(totalAcc, sd.kind, n);
  }

  const trendDays = daysBetween(addDays(req.to, 1 - s.trendDays), req.to);
  const sorted = [...groups.values()].sort((a, b) => {
    for (const d of dims) {
      const x = a.key[d] ?? "";
      const y = b.key[d] ?? "";
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
  return {
    schema: "loyalty-report/1",
    generatedAt: new Date(now).toISOString(),
    from: req.from,
    to: req.to,
    groupBy: dims,
    filter: { stores: req.stores ?? [], terminals: req.terminals ?? [], employees: req.employees ?? [] },
    settings: { k: s.kHistory, minSample: s.minSample, fmThreshold: s.fmThreshold, businessType: s.businessType },
    provisional: fmUnreviewedInRange > 0,
    untimed,
    groups: sorted.map((a) => groupJson(a, s)),
    total: groupJson(totalAcc, s),
    trend: {
      days: trendDays,
      series: ORDER.map((index) => {
        const figures = trendDays.map((d) => {
          const t = trend.get(d)?.get(index);
          return t ? INDEX_FUNCTIONS[index](t, s.minSample) : undefined;
        });
        return {
          index,
          title: INDEX_TITLE[index],
          values: figures.map((f) => pct(f?.value ?? null)),
          low: figures.map((f) => pct(f?.ci?.low ?? null)),
          high: figures.map((f) => pct(f?.ci?.high ?? null)),
          samples: figures.map((f) => f?.sample ?? 0),
        };
      }),
    },
  };
}
