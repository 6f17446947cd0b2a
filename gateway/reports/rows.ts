/**
 * A report flattened to rows, one per group and index, with the Russian headers: what the table and CSV
 * formats print.
 */
import { L, DIMENSION_TITLE, percentText } from "./labels.ts";
import type { GroupJson, Report } from "./schema.ts";

export interface FlatRows {
  header: string[];
  rows: string[][];
}

export function flatten(report: Report, decimalComma: boolean): FlatRows {
  const pc = (v: number | null) => (v === null ? "" : percentText(v, decimalComma));
  const header = [
    ...report.groupBy.map((d) => DIMENSION_TITLE[d]),
    L.index, L.value, L.low, L.high, L.sample, L.small, L.yes, L.no, L.unsure, L.silent, L.total, L.noFm, L.silentFm,
    L.conversion, L.coverage, L.fmLevel, L.fmWarning, L.unsolicited, L.extra, L.invalid, L.flagged, L.fmUnreviewed, L.diagnosis,
  ];
  const rowsOf = (g: GroupJson, keyCells: string[]): string[][] => {
    const rest = (g: GroupJson) => [
      pc(g.representativeness.conversion),
      pc(g.representativeness.coverage),
      pc(g.representativeness.fmLevel),
      g.representativeness.fmWarning ? L.yesWord : "",
      g.unsolicited === null ? "" : String(g.unsolicited),
      String(g.extra),
      String(g.invalid),
      String(g.flagged),
      g.fm === null ? "" : String(g.fm.unreviewed),
      g.diagnosis.text,
    ];
    if (g.indices.length === 0) return [[...keyCells, "", L.noData, "", "", "0", "", "", "", "", "", "", "", "", ...rest(g)]];
    return g.indices.map((f) => [
      ...keyCells,
      f.title,
      percentText(f.value, decimalComma),
      pc(f.low),
      pc(f.high),
      String(f.sample),
      f.small ? L.yesWord : "",
      String(f.counts.P),
      String(f.counts.N),
      String(f.counts.U),
      String(f.counts.S),
      String(f.counts.V),
      String(f.counts.Nfm),
      String(f.counts.Sfm),
      ...rest(g),
    ]);
  };
  const rows = report.groups.flatMap((g) => rowsOf(g, report.groupBy.map((d) => g.key[d] ?? "")));
  if (report.groupBy.length > 0) rows.push(...rowsOf(report.total, report.groupBy.map((_, i) => (i === 0 ? L.all : ""))));
  return { header, rows };
}
