/**
 * How the hub stores each kind of outbox row (gateway/store/outbox-rows.ts says what a store sends): the table,
 * each column's name on the wire and in PostgreSQL with its type, the natural key, and what a row whose key is
 * stored already does. The zod schema of each kind's body is made from the same table.
 */
import { z } from "zod";

type ColType = "text" | "text?" | "int" | "int?" | "bool";

interface Col {
  wire: string;
  pg: string;
  type: ColType;
}

export interface RowKind {
  table: string;
  cols: readonly Col[];
  /** The natural key within a store (store_id comes first in every key). */
  key: readonly string[];
  /**
   * `nothing`: a stored row is final (an event is recorded once); `update`: the newer row replaces it (a store
   * renamed, a pairing ended, a setting given a new value); `update_only`: the row changes columns of a stored one
   * (an event re-timed) and inserts nothing.
   */
  conflict: "nothing" | "update" | "update_only";
  body: z.ZodType<Record<string, unknown>>;
}

const c = (wire: string, type: ColType, pg = wire): Col => ({ wire, pg, type });

function kind(table: string, cols: Col[], key: string[], conflict: RowKind["conflict"]): RowKind {
  const shape: Record<string, z.ZodType> = {};
  for (const col of cols) {
    const base = col.type.startsWith("text") ? z.string().max(10_000) : col.type === "bool" ? z.union([z.literal(0), z.literal(1)]) : z.number().int();
    shape[col.wire] = col.type.endsWith("?") ? base.nullable() : base;
  }
  return { table, cols, key, conflict, body: z.object(shape).passthrough() as unknown as z.ZodType<Record<string, unknown>> };
}

export const ROW_KINDS: Record<string, RowKind> = {
  store: kind("stores", [c("id", "text", "local_id"), c("name", "text"), c("time_zone", "text"), c("region", "text?"), c("created_ms", "int")], ["local_id"], "update"),
  terminal: kind(
    "terminals",
    [c("id", "text"), c("store_id", "text", "local_store_id"), c("point", "text"), c("name", "text?"), c("cctv_url", "text?"), c("created_ms", "int")],
    ["id"],
    "update",
  ),
  pairing: kind("pairings", [c("id", "int"), c("serial", "text"), c("terminal_id", "text"), c("role", "text"), c("from_ms", "int"), c("to_ms", "int?")], ["id"], "update"),
  setting: kind(
    "terminal_settings",
    [c("terminal_id", "text"), c("key", "text"), c("value", "text"), c("from_ms", "int"), c("set_ms", "int"), c("set_by", "text?")],
    ["terminal_id", "key", "from_ms"],
    "update",
  ),
  event: kind(
    "events",
    [
      c("id", "int", "local_id"),
      c("serial", "text"),
      c("boot", "text"),
      c("seq", "int"),
      c("kind", "text"),
      c("btn", "text?"),
      c("ts", "int"),
      c("synced", "bool"),
      c("untimed", "bool"),
      c("untimed_reason", "text?"),
      c("at_ms", "int"),
      c("received_ms", "int"),
      c("terminal_id", "text?"),
      c("link", "text?"),
    ],
    ["serial", "boot", "seq"],
    "nothing",
  ),
  event_time: kind("events", [c("serial", "text"), c("boot", "text"), c("seq", "int"), c("at_ms", "int"), c("untimed", "bool"), c("untimed_reason", "text?")], ["serial", "boot", "seq"], "update_only"),
  /* A review log entry (review sync); what it changes is done by review-sql.ts in the same transaction. */
  review: kind(
    "review_log",
    [
      c("uid", "text"),
      c("at_ms", "int"),
      c("by", "text", "reviewer"),
      c("via", "text?"),
      c("target", "text"),
      c("target_id", "int"),
      c("terminal_id", "text"),
      c("action", "text"),
      c("reason", "text?"),
      c("before", "text"),
      c("after", "text"),
      c("undoes_uid", "text?"),
    ],
    ["uid"],
    "nothing",
  ),
  /* The store gateway's figure settings: one row per store gateway, the newer replacing it. */
  settings: kind("store_settings", [c("terminal_defaults", "text"), c("indices", "text"), c("at_ms", "int")], [], "update"),
  traffic: kind(
    "traffic",
    [c("kind", "text"), c("store_id", "text", "local_store_id"), c("terminal_id", "text"), c("day", "text"), c("hour", "int"), c("count", "int"), c("source", "text"), c("imported_ms", "int")],
    ["kind", "local_store_id", "terminal_id", "day", "hour"],
    "update",
  ),
};

/** A row's natural key as one string (rows of one run with equal keys: the last one wins). */
export function keyOf(k: RowKind, body: Record<string, unknown>): string {
  return JSON.stringify(k.key.map((pg) => body[k.cols.find((col) => col.pg === pg)!.wire]));
}

const PG_TYPE: Record<ColType, string> = { text: "text", "text?": "text", int: "bigint", "int?": "bigint", bool: "boolean" };

/**
 * One statement that stores a run of rows of one kind, from a JSON array of their bodies ($2) for store $1:
 * json_to_recordset, so a run of a thousand events is one round trip.
 */
export function runSql(k: RowKind): string {
  const rec = k.cols.map((col) => `"${col.wire}" ${col.type === "bool" ? "integer" : PG_TYPE[col.type]}`).join(", ");
  const val = (col: Col) => (col.type === "bool" ? `(r."${col.wire}" <> 0)` : `r."${col.wire}"`);
  /* json, not jsonb: the text is read once, row by row, instead of first being converted (about a third faster). */
  const from = `json_to_recordset($2::json) AS r(${rec})`;
  if (k.conflict === "update_only") {
    const keys = k.key.map((pg) => `t.${pg} = ${val(k.cols.find((col) => col.pg === pg)!)}`).join(" AND ");
    const sets = k.cols.filter((col) => !k.key.includes(col.pg)).map((col) => `${col.pg} = ${val(col)}`).join(", ");
    return `UPDATE ${k.table} AS t SET ${sets} FROM ${from} WHERE t.store_id = $1 AND ${keys}`;
  }
  const names = ["store_id", ...k.cols.map((col) => col.pg)].join(", ");
  const vals = ["$1", ...k.cols.map(val)].join(", ");
  const target = ["store_id", ...k.key].join(", ");
  const action =
    k.conflict === "nothing"
      ? "DO NOTHING"
      : `DO UPDATE SET ${k.cols.filter((col) => !k.key.includes(col.pg)).map((col) => `${col.pg} = excluded.${col.pg}`).join(", ")}`;
  return `INSERT INTO ${k.table} (${names}) SELECT ${vals} FROM ${from} ON CONFLICT (${target}) ${action}`;
}
