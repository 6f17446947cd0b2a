/**
 * The hub's PostgreSQL schema, as versioned migrations tracked in `hub_schema` (append; never edit a shipped one).
 * Every table has `store_id`: the store gateway that forwarded the row (its `hub.storeId`), and each table's key is
 * the row's natural key within that store, so a row sent twice is stored once. Ready for what comes next
 * (docs/hub.md#next): surveys and rollups derived at the hub read events, settings and pairings by store and
 * terminal; review sync keys reviews by the store's event ids (`events.local_id`).
 */
import type { Pool } from "pg";

export const HUB_MIGRATIONS: readonly string[] = [
  `
  -- Per store gateway: the highest sequence number committed here, the highest it said it has, when it was heard.
  CREATE TABLE hub_stores (
    store_id text PRIMARY KEY, committed_seq bigint NOT NULL DEFAULT 0, reported_last bigint NOT NULL DEFAULT 0,
    first_contact_ms bigint NOT NULL, last_contact_ms bigint NOT NULL, last_commit_ms bigint
  );
  -- A store gateway's stores (usually the one it serves); local_id is the store's own id there.
  CREATE TABLE stores (
    store_id text NOT NULL, local_id text NOT NULL, name text NOT NULL, time_zone text NOT NULL, region text,
    created_ms bigint NOT NULL, PRIMARY KEY (store_id, local_id)
  );
  CREATE TABLE terminals (
    store_id text NOT NULL, id text NOT NULL, local_store_id text NOT NULL, point text NOT NULL, name text,
    cctv_url text, created_ms bigint NOT NULL, PRIMARY KEY (store_id, id)
  );
  CREATE TABLE pairings (
    store_id text NOT NULL, id bigint NOT NULL, serial text NOT NULL, terminal_id text NOT NULL, role text NOT NULL,
    from_ms bigint NOT NULL, to_ms bigint, PRIMARY KEY (store_id, id)
  );
  CREATE INDEX pairings_serial ON pairings (store_id, serial, from_ms);
  CREATE TABLE terminal_settings (
    store_id text NOT NULL, terminal_id text NOT NULL, key text NOT NULL, value text NOT NULL, from_ms bigint NOT NULL,
    set_ms bigint NOT NULL, set_by text, PRIMARY KEY (store_id, terminal_id, key, from_ms)
  );
  CREATE TABLE events (
    store_id text NOT NULL, serial text NOT NULL, boot text NOT NULL, seq bigint NOT NULL, local_id bigint NOT NULL,
    kind text NOT NULL, btn text, ts bigint NOT NULL, synced boolean NOT NULL, untimed boolean NOT NULL,
    untimed_reason text, at_ms bigint NOT NULL, received_ms bigint NOT NULL, terminal_id text, link text,
    PRIMARY KEY (store_id, serial, boot, seq)
  );
  CREATE INDEX events_terminal_at ON events (store_id, terminal_id, at_ms);
  CREATE UNIQUE INDEX events_local_id ON events (store_id, local_id);
  CREATE TABLE traffic (
    store_id text NOT NULL, kind text NOT NULL, local_store_id text NOT NULL, terminal_id text NOT NULL, day text NOT NULL,
    hour integer NOT NULL, count integer NOT NULL, source text NOT NULL, imported_ms bigint NOT NULL,
    PRIMARY KEY (store_id, kind, local_store_id, terminal_id, day, hour)
  );
  -- Rows a store sent that do not have the shape of their kind: kept whole, so nothing sent is lost.
  CREATE TABLE hub_rejected_rows (
    store_id text NOT NULL, seq bigint NOT NULL, kind text NOT NULL, reason text NOT NULL, body text NOT NULL,
    at_ms bigint NOT NULL, PRIMARY KEY (store_id, seq)
  );
  `,
  `
  -- Derived at the hub with the store's pure core (docs/hub.md#derivation): per store gateway and terminal, the
  -- time to re-derive from, written in the transaction of the batch that changed its events or settings.
  CREATE TABLE hub_derive_queue (store_id text NOT NULL, terminal_id text NOT NULL, from_ms bigint NOT NULL, PRIMARY KEY (store_id, terminal_id));
  -- Event ids are the store's own (events.local_id), unique per store gateway.
  CREATE TABLE surveys (
    store_id text NOT NULL, opening_event_id bigint NOT NULL, terminal_id text NOT NULL, opened_ms bigint NOT NULL,
    window_ms bigint NOT NULL, closed_ms bigint NOT NULL, answer text NOT NULL, answer_event_id bigint,
    question_kind text NOT NULL, question_text text NOT NULL, employee text, extra_event_ids jsonb NOT NULL,
    PRIMARY KEY (store_id, opening_event_id)
  );
  CREATE INDEX surveys_terminal_opened ON surveys (store_id, terminal_id, opened_ms);
  CREATE TABLE fm_periods (
    store_id text NOT NULL, start_event_id bigint NOT NULL, terminal_id text NOT NULL, start_ms bigint NOT NULL,
    end_ms bigint NOT NULL, end_reason text NOT NULL, end_event_id bigint, PRIMARY KEY (store_id, start_event_id)
  );
  CREATE INDEX fm_periods_terminal_start ON fm_periods (store_id, terminal_id, start_ms);
  CREATE TABLE unsolicited (
    store_id text NOT NULL, event_id bigint NOT NULL, terminal_id text NOT NULL, at_ms bigint NOT NULL,
    PRIMARY KEY (store_id, event_id)
  );
  CREATE INDEX unsolicited_terminal_at ON unsolicited (store_id, terminal_id, at_ms);
  -- The store's daily rollups (gateway/store/rollups.ts), per store gateway; chain reports read only these.
  CREATE TABLE daily_counts (
    store_id text NOT NULL, terminal_id text NOT NULL, day text NOT NULL, question_kind text NOT NULL,
    question_text text NOT NULL, employee text NOT NULL, p integer NOT NULL, n integer NOT NULL, u integer NOT NULL,
    s integer NOT NULL, p_fm integer NOT NULL, n_fm integer NOT NULL, u_fm integer NOT NULL, s_fm integer NOT NULL,
    invalid integer NOT NULL, extra integer NOT NULL, flagged integer NOT NULL,
    PRIMARY KEY (store_id, terminal_id, day, question_kind, question_text, employee)
  );
  CREATE INDEX daily_counts_day ON daily_counts (day);
  CREATE TABLE daily_terminal (
    store_id text NOT NULL, terminal_id text NOT NULL, day text NOT NULL, unsolicited integer NOT NULL,
    fm_unreviewed integer NOT NULL, fm_confirmed integer NOT NULL, fm_rejected integer NOT NULL,
    PRIMARY KEY (store_id, terminal_id, day)
  );
  CREATE INDEX daily_terminal_day ON daily_terminal (day);
  CREATE INDEX events_untimed ON events (store_id, terminal_id, received_ms) WHERE untimed;
  -- Everything stored before derivation existed is derived once, from the beginning.
  INSERT INTO hub_derive_queue (store_id, terminal_id, from_ms) SELECT store_id, id, -9007199254740991 FROM terminals;
  `,
  `
  -- The last night the hub's nightly job wrote, per report ('chain'), so that a hub that was down catches up.
  CREATE TABLE hub_report_nights (report text PRIMARY KEY, day text NOT NULL, written_ms bigint NOT NULL);
  `,
  `
  -- Review sync (docs/hub.md#review-sync): every review of every store, made there or here, under its chain-wide uid;
  -- origin says where it was made, hub_seq numbers the hub's own per store (what it sends the store, in order).
  CREATE TABLE review_log (
    store_id text NOT NULL, uid text NOT NULL, at_ms bigint NOT NULL, reviewer text NOT NULL, via text,
    origin text NOT NULL DEFAULT 'store', target text NOT NULL, target_id bigint NOT NULL, terminal_id text NOT NULL,
    action text NOT NULL, reason text, before text NOT NULL, after text NOT NULL, undoes_uid text, undone_by_uid text,
    hub_seq bigint, PRIMARY KEY (store_id, uid)
  );
  CREATE INDEX review_log_target ON review_log (store_id, target, target_id);
  CREATE UNIQUE INDEX review_log_hub_seq ON review_log (store_id, hub_seq) WHERE hub_seq IS NOT NULL;
  -- The state in force: the after-state of each target's latest entry by (at_ms, uid) (gateway/review/decide.ts).
  CREATE TABLE survey_reviews (
    store_id text NOT NULL, opening_event_id bigint NOT NULL, valid boolean NOT NULL, reason text,
    PRIMARY KEY (store_id, opening_event_id)
  );
  CREATE TABLE fm_reviews (
    store_id text NOT NULL, start_event_id bigint NOT NULL, status text NOT NULL, end_ms bigint,
    PRIMARY KEY (store_id, start_event_id)
  );
  -- review_seq: the hub's last review number for the store; review_acked: the last the store applied (NULL: a store
  -- gateway from before review sync, which is sent none).
  ALTER TABLE hub_stores ADD COLUMN review_seq bigint NOT NULL DEFAULT 0, ADD COLUMN review_acked bigint;
  -- What each store gateway derives and counts with (its terminalDefaults and indices, JSON): the hub derives its
  -- surveys with its own; a store gateway that never sent them is derived with the hub's config.
  CREATE TABLE store_settings (store_id text PRIMARY KEY, terminal_defaults text NOT NULL, indices text NOT NULL, at_ms bigint NOT NULL);
  `,
  `
  -- A chain report reads one night's traffic and untimed events of every store: found by day and by arrival time,
  -- so its cost does not grow with the history kept (npm run bench:hub, docs/performance.md#chain-hub).
  CREATE INDEX traffic_day ON traffic (day);
  CREATE INDEX events_untimed_received ON events (received_ms) WHERE untimed;
  -- Its 30-day trend sums every store's days: read from this index alone, wherever the rows lie in the table
  -- (the day index it replaces read the table too, more of it the more history it holds).
  CREATE INDEX daily_counts_day_sums ON daily_counts (day) INCLUDE (store_id, terminal_id, question_kind, employee, p, n, u, s, p_fm, n_fm, u_fm, s_fm);
  DROP INDEX daily_counts_day;
  `,
];

/** Brings the hub's database to the newest schema (one hub at a time: an advisory lock); returns the versions applied. */
export async function migrateHub(pool: Pool): Promise<number[]> {
  const c = await pool.connect();
  const applied: number[] = [];
  try {
    await c.query("SELECT pg_advisory_lock(17017)");
    await c.query("CREATE TABLE IF NOT EXISTS hub_schema (version integer NOT NULL)");
    const r = await c.query<{ v: number }>("SELECT coalesce(max(version), 0) AS v FROM hub_schema");
    const current = Number(r.rows[0]!.v);
    if (current > HUB_MIGRATIONS.length) throw new Error(`the hub's database has schema version ${current}, newer than this hub knows (${HUB_MIGRATIONS.length}); upgrade the hub`);
    for (let v = current; v < HUB_MIGRATIONS.length; v++) {
      await c.query("BEGIN");
      try {
        await c.query(HUB_MIGRATIONS[v]!);
        await c.query("INSERT INTO hub_schema (version) VALUES ($1)", [v + 1]);
        await c.query("COMMIT");
      } catch (e) {
        await c.query("ROLLBACK");
        throw e;
      }
      applied.push(v + 1);
    }
  } finally {
    await c.query("SELECT pg_advisory_unlock(17017)").catch(() => undefined);
    c.release();
  }
  return applied;
}
