/**
 * PostgreSQL's raw batched insert rate for `npm run bench:hub`: the same event rows the forward run stores, into
 * the hub's own `events` table (the hub's schema, so the same keys and indexes), `batch` rows per statement with
 * `unnest` of one array per column, each statement its own transaction (committed, fsynced), on one connection, as
 * the hub commits one store's batches. Nothing else: no batch parsing, no store row, no derive queue, no ack.
 */
import pg from "pg";
import { ROW_KINDS } from "../gateway/hub/row-kinds.ts";

export interface RawPgRate {
  eps: number;
  rows: number;
  batch: number;
  elapsedMs: number;
}

const EVENT = ROW_KINDS.event!;
const PG_TYPE = { text: "text", "text?": "text", int: "bigint", "int?": "bigint", bool: "boolean" } as const;

const INSERT = `INSERT INTO events (store_id, ${EVENT.cols.map((c) => c.pg).join(", ")})
  SELECT $1, * FROM unnest(${EVENT.cols.map((c, i) => `$${i + 2}::${PG_TYPE[c.type]}[]`).join(", ")})`;

/** Inserts `rows` (event bodies as the wire carries them) for store `storeId` into an empty events table. */
export async function rawPgRate(url: string, storeId: string, rows: readonly Record<string, unknown>[], batch: number): Promise<RawPgRate> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query("TRUNCATE events");
    /* The columns of each batch are made before the clock starts: the figure is PostgreSQL's. */
    const batches: unknown[][][] = [];
    for (let i = 0; i < rows.length; i += batch) {
      const part = rows.slice(i, i + batch);
      batches.push(EVENT.cols.map((col) => part.map((r) => (col.type === "bool" ? r[col.wire] === 1 : r[col.wire]))));
    }
    const t0 = performance.now();
    for (const cols of batches) await c.query(INSERT, [storeId, ...cols]);
    const elapsedMs = performance.now() - t0;
    return { eps: (rows.length / elapsedMs) * 1000, rows: rows.length, batch, elapsedMs };
  } finally {
    await c.end();
  }
}
