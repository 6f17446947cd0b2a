/**
 * What the store forwards to the chain hub (docs/hub.md): for each kind of outbox row, the table it comes from
 * and the columns its JSON body carries. Migration 12's triggers and the backfill when forwarding starts
 * (hub-outbox.ts) are both made from this table, so the two cannot differ. It is part of a shipped migration:
 * change it only together with a new migration that drops and re-creates the triggers.
 */

export interface OutboxSource {
  /** The outbox row's kind, as the hub reads it (gateway/hub/wire.ts). */
  kind: string;
  table: string;
  columns: readonly string[];
  /** Which statements bring a row: `insert`, or `update` of the columns listed (all of `columns` when empty). */
  on: "insert" | "update";
  updateOf?: readonly string[];
  /** The order of the backfill (oldest first); none for update kinds, whose rows the backfill's inserts carry. */
  orderBy?: string;
  /** The column `loyalty hub resend --from` filters on (the rows stored since); sources without it are sent whole. */
  since?: string;
  /**
   * For an update kind: which rows a resend (hub-outbox.ts `seed`) carries again after the inserts, because the
   * hub keeps its first version of the insert kind's row (an event is final there) and would miss the change.
   */
  resend?: { where: string; orderBy: string };
}

const STORE = ["id", "name", "time_zone", "region", "created_ms"] as const;
const TERMINAL = ["id", "store_id", "point", "name", "cctv_url", "created_ms"] as const;
const PAIRING = ["id", "serial", "terminal_id", "role", "from_ms", "to_ms"] as const;
const SETTING = ["terminal_id", "key", "value", "from_ms", "set_ms", "set_by"] as const;
const EVENT = ["id", "serial", "boot", "seq", "kind", "btn", "ts", "synced", "untimed", "untimed_reason", "at_ms", "received_ms", "terminal_id", "link"] as const;
const EVENT_TIME = ["serial", "boot", "seq", "at_ms", "untimed", "untimed_reason"] as const;
const TRAFFIC = ["kind", "store_id", "terminal_id", "day", "hour", "count", "source", "imported_ms"] as const;

/** The sources of migration 12's triggers, as shipped. */
export const OUTBOX_SOURCES_V12: readonly OutboxSource[] = [
  { kind: "store", table: "stores", columns: STORE, on: "insert", orderBy: "created_ms, id" },
  { kind: "store", table: "stores", columns: STORE, on: "update" },
  { kind: "terminal", table: "terminals", columns: TERMINAL, on: "insert", orderBy: "created_ms, id" },
  { kind: "terminal", table: "terminals", columns: TERMINAL, on: "update" },
  { kind: "pairing", table: "pairings", columns: PAIRING, on: "insert", orderBy: "id" },
  { kind: "pairing", table: "pairings", columns: PAIRING, on: "update" },
  { kind: "setting", table: "terminal_settings", columns: SETTING, on: "insert", orderBy: "set_ms, terminal_id, key, from_ms" },
  { kind: "setting", table: "terminal_settings", columns: SETTING, on: "update" },
  { kind: "event", table: "events", columns: EVENT, on: "insert", orderBy: "id", since: "received_ms" },
  /* Re-timed or placed events (docs/gateway.md#clocks): only their time changes, and only unsynced ones are re-timed. */
  { kind: "event_time", table: "events", columns: EVENT_TIME, on: "update", updateOf: ["at_ms", "untimed", "untimed_reason"], resend: { where: "synced = 0", orderBy: "id" } },
  { kind: "traffic", table: "traffic", columns: TRAFFIC, on: "insert", orderBy: "imported_ms, kind, store_id, terminal_id, day, hour" },
  { kind: "traffic", table: "traffic", columns: TRAFFIC, on: "update" },
];

const REVIEW = ["uid", "at_ms", "by", "via", "target", "target_id", "terminal_id", "action", "reason", "before", "after", "undoes_uid"] as const;

/**
 * Expert reviews (migration 13, review sync): each entry of the review log, once (an entry never changes; an undo
 * is an entry of its own). Reviews the hub made come back this way too, and the hub skips them by their uid.
 */
export const REVIEW_SOURCE: OutboxSource = { kind: "review", table: "review_log", columns: REVIEW, on: "insert", orderBy: "id" };

/** Every source, in the order the backfill puts them in the outbox (reviews after the events they name). */
export const OUTBOX_SOURCES: readonly OutboxSource[] = [...OUTBOX_SOURCES_V12, REVIEW_SOURCE];

/** `json_object('col', <prefix>col, ...)` for one source. */
export function bodySql(s: OutboxSource, prefix: string): string {
  return `json_object(${s.columns.map((c) => `'${c}', ${prefix}${c}`).join(", ")})`;
}

/** The trigger that writes one outbox row per row stored, in the same transaction, while forwarding is on. */
export function triggerSql(s: OutboxSource): string {
  const name = `hub_outbox_${s.table}_${s.on}${s.updateOf ? "_time" : ""}`;
  const cols = s.updateOf ?? s.columns;
  const event = s.on === "insert" ? "INSERT" : `UPDATE OF ${cols.join(", ")}`;
  /* An update that changes nothing forwarded (an upsert replacing a row with itself) adds no row. */
  const changed = s.on === "update" ? ` AND (${cols.map((c) => `OLD.${c} IS NOT NEW.${c}`).join(" OR ")})` : "";
  return `CREATE TRIGGER ${name} AFTER ${event} ON ${s.table}
    WHEN EXISTS (SELECT 1 FROM hub_forward)${changed}
    BEGIN INSERT INTO hub_outbox (kind, body) VALUES ('${s.kind}', ${bodySql(s, "NEW.")}); END;`;
}
