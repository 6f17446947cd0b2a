/**
 * What a run of review log entries changes at the hub (docs/hub.md#review-sync), beside storing them: $1 is the
 * store gateway, $2 the entries as a JSON array (their wire columns: uid, target, target_id, terminal_id,
 * undoes_uid). Used by a batch's commit (entries a store made) and by the hub's own review actions (review.ts),
 * so both put a target's state in force the same way: the after-state of its latest entry by (at_ms, uid), as
 * gateway/review/decide.ts orders them (uids compared byte by byte, as JavaScript compares them).
 */

const TARGETS = `json_to_recordset($2::json) AS r(target text, target_id bigint)`;

/** Before the entries are stored: each target's lock, in one order, so a commit and an action never interleave on one. */
export const REVIEW_LOCK = `SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended($1 || '/' || r.target || '/' || r.target_id, 17) AS k
  FROM ${TARGETS} ORDER BY k) x`;

const LATEST = (target: string) => `CROSS JOIN LATERAL (SELECT x.after::jsonb AS a FROM review_log x
    WHERE x.store_id = $1 AND x.target = '${target}' AND x.target_id = t.target_id ORDER BY x.at_ms DESC, x.uid COLLATE "C" DESC LIMIT 1) l`;

/** After they are stored: mark what they undo, put each target's latest entry in force, and queue its terminal's re-derivation. */
export const REVIEW_AFTER: readonly string[] = [
  `UPDATE review_log x SET undone_by_uid = r.uid FROM json_to_recordset($2::json) AS r(uid text, undoes_uid text)
    WHERE x.store_id = $1 AND r.undoes_uid IS NOT NULL AND x.uid = r.undoes_uid`,
  `INSERT INTO survey_reviews (store_id, opening_event_id, valid, reason)
    SELECT $1, t.target_id, (l.a->>'valid')::boolean, l.a->>'reason'
    FROM (SELECT DISTINCT r.target_id FROM ${TARGETS} WHERE r.target = 'survey') t ${LATEST("survey")}
    ORDER BY t.target_id
    ON CONFLICT (store_id, opening_event_id) DO UPDATE SET valid = excluded.valid, reason = excluded.reason`,
  `INSERT INTO fm_reviews (store_id, start_event_id, status, end_ms)
    SELECT $1, t.target_id, l.a->>'status', (l.a->>'endMs')::bigint
    FROM (SELECT DISTINCT r.target_id FROM ${TARGETS} WHERE r.target = 'fm') t ${LATEST("fm")}
    ORDER BY t.target_id
    ON CONFLICT (store_id, start_event_id) DO UPDATE SET status = excluded.status, end_ms = excluded.end_ms`,
  /* From the reviewed press's time: the derivation recounts the days from there (a period's corrected end is later). */
  `INSERT INTO hub_derive_queue (store_id, terminal_id, from_ms)
    SELECT $1, e.terminal_id, min(e.at_ms) FROM ${TARGETS} JOIN events e ON e.store_id = $1 AND e.local_id = r.target_id
    WHERE e.terminal_id IS NOT NULL GROUP BY e.terminal_id ORDER BY e.terminal_id
    ON CONFLICT (store_id, terminal_id) DO UPDATE SET from_ms = least(hub_derive_queue.from_ms, excluded.from_ms)`,
];

/** The hub's reviews a store has not applied yet, in order, as the wire carries them (wire.ts, hubReview). */
export const PENDING_REVIEWS = `SELECT hub_seq::float8 AS n, uid, at_ms::float8 AS "atMs", reviewer AS by, target, target_id::float8 AS "targetId",
    terminal_id AS "terminalId", action, reason, before, after, undoes_uid AS "undoesUid"
  FROM review_log WHERE store_id = $1 AND hub_seq > $2 ORDER BY hub_seq LIMIT $3`;

/** Rows of PENDING_REVIEWS as wire reviews (their states are JSON text in the log). */
export function pendingAsWire(rows: readonly Record<string, unknown>[]): unknown[] {
  return rows.map((r) => ({ ...r, before: JSON.parse(r.before as string), after: JSON.parse(r.after as string) }));
}
