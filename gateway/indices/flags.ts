/**
 * Hints for the expert (docs/reports.md#expert-review, "Flags"): surveys worth checking against the CCTV archive.
 * Pure; beside the rollups, which count flagged surveys per day, and read by the review lists.
 * - quick: answered within 1 s of the window opening (the seller may have pressed the key);
 * - multi: several keys pressed in one window (extra presses after the answer);
 * - silent-run: part of a run of at least 5 silent surveys in a row at the terminal;
 * - unsolicited: a key was pressed outside any window within a minute after this survey closed.
 */
export const FLAGS = ["quick", "multi", "silent-run", "unsolicited"] as const;
export type Flag = (typeof FLAGS)[number];

export const QUICK_MS = 1000;
export const SILENT_RUN = 5;
export const UNSOLICITED_AFTER_MS = 60_000;

export interface FlagInput {
  openingEventId: number;
  openedAt: number;
  closedAt: number;
  answer: string;
  extraCount: number;
}

/** Flags of each survey of one terminal; `surveys` in opening order, `unsolicitedAt` sorted. */
export function flagSurveys(surveys: readonly FlagInput[], unsolicitedAt: readonly number[]): Map<number, Flag[]> {
  const out = new Map<number, Flag[]>();
  const add = (id: number, f: Flag) => {
    const list = out.get(id) ?? [];
    if (!list.includes(f)) list.push(f);
    out.set(id, list);
  };
  let run: number[] = [];
  const endRun = () => {
    if (run.length >= SILENT_RUN) for (const id of run) add(id, "silent-run");
    run = [];
  };
  let u = 0;
  surveys.forEach((s, i) => {
    if (s.answer !== "silent" && s.closedAt - s.openedAt < QUICK_MS) add(s.openingEventId, "quick");
    if (s.extraCount > 0) add(s.openingEventId, "multi");
    if (s.answer === "silent") run.push(s.openingEventId);
    else endRun();
    const next = surveys[i + 1]?.openedAt ?? Infinity;
    while (u < unsolicitedAt.length && (unsolicitedAt[u] as number) < s.closedAt) u++;
    const at = unsolicitedAt[u];
    if (at !== undefined && at < next && at - s.closedAt <= UNSOLICITED_AFTER_MS) add(s.openingEventId, "unsolicited");
  });
  endRun();
  return out;
}
