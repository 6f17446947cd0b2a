/**
 * The hub's pure core for one batch (docs/hub.md#the-hub): given what it has committed for the store, whether the
 * batch is a duplicate, leaves a gap, or has rows to store; and those rows as runs of one kind, each row checked
 * against its kind's shape. No database, no clock.
 */
import { inWords } from "../../protocol/zod-words.ts";
import { keyOf, ROW_KINDS } from "./row-kinds.ts";
import type { BatchPayload } from "./wire.ts";

export type Decision =
  /** Everything in it is committed already (a batch sent again, a heartbeat): ack what is committed. */
  | { kind: "duplicate" }
  /** It starts after rows the hub lacks: ask for a replay from committed + 1. */
  | { kind: "gap" }
  /** Store these runs, then committed becomes `to`. */
  | { kind: "apply"; runs: Run[]; rejected: Rejected[]; to: number };

export interface Run {
  kind: string;
  bodies: Record<string, unknown>[];
}

export interface Rejected {
  seq: number;
  kind: string;
  reason: string;
  body: string;
}

export function decide(committed: number, b: BatchPayload): Decision {
  if (b.to <= committed) return { kind: "duplicate" };
  if (b.after > committed) return { kind: "gap" };
  const { runs, rejected } = runsOf(b.rows.filter((r) => r.s > committed));
  return { kind: "apply", runs, rejected, to: b.to };
}

/**
 * Consecutive rows of one kind make a run, stored by one statement; within a run a later row with the same key
 * replaces an earlier one (one statement cannot change a row twice), which is what storing them one by one in
 * order would leave. A row of an unknown kind or the wrong shape is rejected, and kept as it came.
 */
export function runsOf(rows: BatchPayload["rows"]): { runs: Run[]; rejected: Rejected[] } {
  const runs: Run[] = [];
  const rejected: Rejected[] = [];
  let current: { kind: string; byKey: Map<string, Record<string, unknown>> } | undefined;
  const close = () => {
    if (current) runs.push({ kind: current.kind, bodies: [...current.byKey.values()] });
    current = undefined;
  };
  for (const r of rows) {
    const k = ROW_KINDS[r.k];
    if (!k) {
      rejected.push({ seq: r.s, kind: r.k, reason: `unknown kind '${r.k}'`, body: JSON.stringify(r.d) });
      continue;
    }
    /* Without the error map first: it only words the issues, and costs about as much as the check itself. */
    const p = k.body.safeParse(r.d);
    if (!p.success) {
      const i = k.body.safeParse(r.d, { error: inWords }).error!.issues[0]!;
      rejected.push({ seq: r.s, kind: r.k, reason: `${i.path.join(".") || "row"}: ${i.message}`, body: JSON.stringify(r.d) });
      continue;
    }
    if (current?.kind !== r.k) {
      close();
      current = { kind: r.k, byKey: new Map() };
    }
    const key = keyOf(k, p.data);
    /* Delete first, so the replacing row takes the later place in the run. */
    current.byKey.delete(key);
    current.byKey.set(key, p.data);
  }
  close();
  return { runs, rejected };
}
