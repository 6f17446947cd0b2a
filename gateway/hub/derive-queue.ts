/**
 * Which terminals the hub re-derives, and from when (docs/hub.md#derivation): the statements a batch's commit
 * (commit.ts) runs beside each run of rows, in the same transaction, so a committed change always has its queue
 * entry; as the store's `derive_queue`, an entry only moves earlier. A re-derivation from an earlier time than
 * needed gives the same rows (gateway/surveys/derive.ts, restartPoints), so a row sent twice costs only time.
 */

const QUEUE = `INSERT INTO hub_derive_queue (store_id, terminal_id, from_ms)`;
const EARLIER = `ON CONFLICT (store_id, terminal_id) DO UPDATE SET from_ms = least(hub_derive_queue.from_ms, excluded.from_ms)`;

/**
 * Per kind of row: `before` runs ahead of the run's own statement (it reads the rows as they were), `after` behind
 * it; $1 is the store, $2 the run's bodies as a JSON array. Terminals are queued in order, so two transactions
 * never wait for each other's queue rows in opposite orders.
 */
export const ENQUEUE: Record<string, { before?: string; after?: string }> = {
  /*
   * A store new at the hub, or in another time zone: its terminals from the beginning (their days are other days).
   * A new name or region changes no derived row: reports read regions when they are made.
   */
  store: {
    before: `${QUEUE} SELECT $1, t.id, ${Number.MIN_SAFE_INTEGER} FROM json_to_recordset($2::json) AS r(id text, time_zone text)
      JOIN terminals t ON t.store_id = $1 AND t.local_store_id = r.id
      LEFT JOIN stores s ON s.store_id = $1 AND s.local_id = r.id
      WHERE s.time_zone IS DISTINCT FROM r.time_zone ORDER BY t.id ${EARLIER}`,
  },
  /* New events: from the earliest timed one of each terminal (untimed events are in no survey). */
  event: {
    after: `${QUEUE} SELECT $1, r.terminal_id, min(r.at_ms) FROM json_to_recordset($2::json) AS r(terminal_id text, at_ms bigint, untimed integer)
      WHERE r.terminal_id IS NOT NULL AND r.untimed = 0 GROUP BY r.terminal_id ORDER BY r.terminal_id ${EARLIER}`,
  },
  /* A stored event re-timed or placed: from the earlier of its old and new times. */
  event_time: {
    before: `${QUEUE} SELECT $1, e.terminal_id, min(least(e.at_ms, r.at_ms)) FROM json_to_recordset($2::json) AS r(serial text, boot text, seq bigint, at_ms bigint)
      JOIN events e ON e.store_id = $1 AND e.serial = r.serial AND e.boot = r.boot AND e.seq = r.seq
      WHERE e.terminal_id IS NOT NULL GROUP BY e.terminal_id ORDER BY e.terminal_id ${EARLIER}`,
  },
  /* New terminal defaults of a store gateway: all its terminals from the beginning (indices change no derived row). */
  settings: {
    before: `${QUEUE} SELECT $1, t.id, ${Number.MIN_SAFE_INTEGER} FROM json_to_recordset($2::json) AS r(terminal_defaults text)
      JOIN terminals t ON t.store_id = $1 LEFT JOIN store_settings s ON s.store_id = $1
      WHERE s.terminal_defaults IS DISTINCT FROM r.terminal_defaults ORDER BY t.id ${EARLIER}`,
  },
  /* A setting from its time on (one set in advance too: deriving from a later time than any event changes nothing). */
  setting: {
    after: `${QUEUE} SELECT $1, r.terminal_id, min(r.from_ms) FROM json_to_recordset($2::json) AS r(terminal_id text, from_ms bigint)
      GROUP BY r.terminal_id ORDER BY r.terminal_id ${EARLIER}`,
  },
};
