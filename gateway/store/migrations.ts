/**
 * Versioned schema migrations, tracked in SQLite's `user_version`. Append new steps; never edit a shipped one.
 * Events are an append-only log; surveys, periods and unsolicited presses are derived from it and can be rebuilt.
 */
import type Database from "better-sqlite3";
import { GatewayError } from "../errors.ts";
import { bodySql, OUTBOX_SOURCES_V12, REVIEW_SOURCE, triggerSql } from "./outbox-rows.ts";

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE stores (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, time_zone TEXT NOT NULL, created_ms INTEGER NOT NULL
  );
  CREATE TABLE terminals (
    id TEXT PRIMARY KEY, store_id TEXT NOT NULL REFERENCES stores(id), point TEXT NOT NULL,
    name TEXT, created_ms INTEGER NOT NULL
  );
  CREATE TABLE devices (
    serial TEXT PRIMARY KEY, role TEXT, fw TEXT, pv TEXT, caps TEXT NOT NULL DEFAULT '[]',
    first_seen_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL, link TEXT,
    boot TEXT, uptime_ms INTEGER, outbox INTEGER, dropped INTEGER, mem INTEGER, vcc REAL,
    device_clock_ms INTEGER, status_ms INTEGER
  );
  -- Which device plays which role in which terminal, and when; to_ms NULL is the current pairing.
  CREATE TABLE pairings (
    id INTEGER PRIMARY KEY, serial TEXT NOT NULL, terminal_id TEXT NOT NULL REFERENCES terminals(id),
    role TEXT NOT NULL, from_ms INTEGER NOT NULL, to_ms INTEGER
  );
  CREATE INDEX pairings_serial ON pairings(serial, from_ms);
  CREATE INDEX pairings_terminal ON pairings(terminal_id, from_ms);
  -- Terminal configuration history, one key at a time: the value in force at t is the row with the latest from_ms <= t.
  CREATE TABLE terminal_settings (
    terminal_id TEXT NOT NULL REFERENCES terminals(id), key TEXT NOT NULL, value TEXT NOT NULL,
    from_ms INTEGER NOT NULL, set_ms INTEGER NOT NULL, set_by TEXT,
    PRIMARY KEY (terminal_id, key, from_ms)
  );
  CREATE TABLE events (
    id INTEGER PRIMARY KEY, serial TEXT NOT NULL, boot TEXT NOT NULL, seq INTEGER NOT NULL,
    kind TEXT NOT NULL, btn TEXT, ts INTEGER NOT NULL, synced INTEGER NOT NULL, at_ms INTEGER NOT NULL,
    received_ms INTEGER NOT NULL, terminal_id TEXT, link TEXT,
    UNIQUE (serial, boot, seq)
  );
  CREATE INDEX events_terminal_at ON events(terminal_id, at_ms);
  -- Per boot: offset_ms = epoch - uptime, the smallest (received - uptime) seen, to convert unsynced times.
  CREATE TABLE boots (
    serial TEXT NOT NULL, boot TEXT NOT NULL, offset_ms INTEGER NOT NULL, first_seen_ms INTEGER NOT NULL,
    PRIMARY KEY (serial, boot)
  );
  -- Clock corrections sent and device clock offsets observed, per device.
  CREATE TABLE clock_log (
    id INTEGER PRIMARY KEY, serial TEXT NOT NULL, at_ms INTEGER NOT NULL, kind TEXT NOT NULL, value_ms INTEGER NOT NULL
  );
  CREATE INDEX clock_log_serial ON clock_log(serial, at_ms);
  CREATE TABLE rejects (
    link TEXT NOT NULL, code TEXT NOT NULL, count INTEGER NOT NULL, last_reason TEXT, last_ms INTEGER,
    PRIMARY KEY (link, code)
  );
  CREATE TABLE surveys (
    opening_event_id INTEGER PRIMARY KEY, terminal_id TEXT NOT NULL, opened_ms INTEGER NOT NULL,
    window_ms INTEGER NOT NULL, closed_ms INTEGER NOT NULL, answer TEXT NOT NULL, answer_event_id INTEGER,
    question_kind TEXT NOT NULL, question_text TEXT NOT NULL, employee TEXT, extra_event_ids TEXT NOT NULL
  );
  CREATE INDEX surveys_terminal_opened ON surveys(terminal_id, opened_ms);
  CREATE TABLE fm_periods (
    start_event_id INTEGER PRIMARY KEY, terminal_id TEXT NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL,
    end_reason TEXT NOT NULL, end_event_id INTEGER
  );
  CREATE INDEX fm_periods_terminal_start ON fm_periods(terminal_id, start_ms);
  CREATE TABLE unsolicited (
    event_id INTEGER PRIMARY KEY, terminal_id TEXT NOT NULL, at_ms INTEGER NOT NULL
  );
  CREATE INDEX unsolicited_terminal_at ON unsolicited(terminal_id, at_ms);
  -- Terminals whose derived data must be rebuilt from from_ms; written in the same transaction as the events.
  CREATE TABLE derive_queue (terminal_id TEXT PRIMARY KEY, from_ms INTEGER NOT NULL);
  -- Messages for devices, written by the CLI or the gateway, sent by the gateway when the device is reachable.
  CREATE TABLE commands (
    id INTEGER PRIMARY KEY, serial TEXT NOT NULL, message TEXT NOT NULL, created_ms INTEGER NOT NULL, sent_ms INTEGER
  );
  CREATE INDEX commands_unsent ON commands(sent_ms, serial);
  `,
  /* 2: expert reviews with their audit log, daily rollups for the indices (docs/indices.md), imported traffic. */
  `
  ALTER TABLE terminals ADD COLUMN cctv_url TEXT;
  -- Every review action, append-only: who, when, what it changed (before/after as JSON), and which one undid it.
  CREATE TABLE review_log (
    id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, by TEXT NOT NULL, target TEXT NOT NULL, target_id INTEGER NOT NULL,
    terminal_id TEXT NOT NULL, action TEXT NOT NULL, reason TEXT, before TEXT NOT NULL, after TEXT NOT NULL,
    undoes INTEGER REFERENCES review_log(id), undone_by INTEGER REFERENCES review_log(id)
  );
  CREATE INDEX review_log_target ON review_log(target, target_id);
  -- The review state in force, keyed by the stable event ids that derived rows keep across rebuilds.
  CREATE TABLE survey_reviews (opening_event_id INTEGER PRIMARY KEY, valid INTEGER NOT NULL, reason TEXT);
  CREATE TABLE fm_reviews (
    start_event_id INTEGER PRIMARY KEY, status TEXT NOT NULL CHECK (status IN ('confirmed', 'rejected')), end_ms INTEGER
  );
  -- Per terminal, store-local day, question and employee: the counts every index is computed from.
  CREATE TABLE daily_counts (
    terminal_id TEXT NOT NULL, day TEXT NOT NULL, question_kind TEXT NOT NULL, question_text TEXT NOT NULL,
    employee TEXT NOT NULL, p INTEGER NOT NULL, n INTEGER NOT NULL, u INTEGER NOT NULL, s INTEGER NOT NULL,
    p_fm INTEGER NOT NULL, n_fm INTEGER NOT NULL, u_fm INTEGER NOT NULL, s_fm INTEGER NOT NULL,
    invalid INTEGER NOT NULL, extra INTEGER NOT NULL, flagged INTEGER NOT NULL,
    PRIMARY KEY (day, terminal_id, question_kind, question_text, employee)
  );
  CREATE INDEX daily_counts_terminal ON daily_counts(terminal_id, day);
  -- Per terminal and store-local day: presses and periods that are no survey.
  CREATE TABLE daily_terminal (
    terminal_id TEXT NOT NULL, day TEXT NOT NULL, unsolicited INTEGER NOT NULL,
    fm_unreviewed INTEGER NOT NULL, fm_confirmed INTEGER NOT NULL, fm_rejected INTEGER NOT NULL,
    PRIMARY KEY (day, terminal_id)
  );
  CREATE INDEX daily_terminal_terminal ON daily_terminal(terminal_id, day);
  -- Transactions and visitors imported from CSV; terminal '' is the whole store, hour -1 the whole day.
  CREATE TABLE traffic (
    kind TEXT NOT NULL CHECK (kind IN ('transactions', 'visitors')), store_id TEXT NOT NULL, terminal_id TEXT NOT NULL,
    day TEXT NOT NULL, hour INTEGER NOT NULL, count INTEGER NOT NULL, source TEXT NOT NULL, imported_ms INTEGER NOT NULL,
    PRIMARY KEY (kind, store_id, terminal_id, day, hour)
  );
  CREATE INDEX traffic_day ON traffic(day);
  -- Rebuild every terminal once, so the rollups cover the surveys derived before this version.
  INSERT INTO derive_queue (terminal_id, from_ms) SELECT id, -9007199254740991 FROM terminals WHERE true
    ON CONFLICT (terminal_id) DO UPDATE SET from_ms = excluded.from_ms;
  `,
  /*
   * 3: untimed events (docs/decisions.md, "An unsynced event whose boot was never heard live is untimed"). A boot's
   * offset is known once a hello or status of that boot arrived; an unsynced event of a boot without one has no
   * date and is kept out of surveys. Boots stored before this version are taken as known: which frame gave their
   * offset was not recorded, and surveys the expert may have reviewed are not re-derived behind their back.
   */
  `
  -- When the first hello or status of this boot arrived; NULL: only replayed events of it were seen.
  ALTER TABLE boots ADD COLUMN live_ms INTEGER;
  UPDATE boots SET live_ms = first_seen_ms;
  -- 1: an unsynced event of a boot whose offset is not known; at_ms then holds only the latest it can have happened.
  ALTER TABLE events ADD COLUMN untimed INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX events_untimed ON events(terminal_id, received_ms) WHERE untimed = 1;
  `,
  /*
   * 4: per-device MQTT credentials (docs/protocol.md "MQTT", docs/decisions.md "Each device has its own MQTT
   * secret"). Only a SHA-256 of the secret is kept: the secret is 128 random bits, so a slow hash adds nothing.
   * One row per device; `loyalty flash` replaces it, `unpair` and `replace` revoke it.
   */
  `
  CREATE TABLE device_credentials (
    serial TEXT PRIMARY KEY, secret_sha256 TEXT NOT NULL, issued_ms INTEGER NOT NULL, revoked_ms INTEGER
  );
  `,
  /*
   * 5: a store's region, so the chain hub can group stores (docs/operations.md "Stores"). Stores get their time zone
   * from `loyalty stores add`, no longer from the process that ran `pair` (docs/decisions.md).
   */
  `
  ALTER TABLE stores ADD COLUMN region TEXT;
  `,
  /*
   * 6: what the caps and expiry of pending devices, spare boots and clock logs dropped, by kind, for `loyalty status`
   * (docs/gateway.md#floods, issue 15).
   */
  `
  CREATE TABLE prune_counts (kind TEXT PRIMARY KEY, count INTEGER NOT NULL, last_ms INTEGER NOT NULL);
  `,
  /*
   * 7: why an event is untimed (docs/decisions.md, "A synced time the gateway cannot believe is untimed"): its boot
   * was never heard live (every untimed event before this version), or its synced time is ahead of its arrival by
   * more than the clock tolerance, or before 2020. Only the first kind is placed when its boot is heard live.
   */
  `
  ALTER TABLE events ADD COLUMN untimed_reason TEXT;
  UPDATE events SET untimed_reason = 'unheard_boot' WHERE untimed = 1;
  `,
  /*
   * 8: the last night whose reports the nightly job wrote, per store (docs/reports.md#the-nightly-job), so that a
   * gateway that was down at the job's time writes the nights it missed when it starts again.
   */
  `
  CREATE TABLE report_nights (store_id TEXT PRIMARY KEY, day TEXT NOT NULL, written_ms INTEGER NOT NULL);
  `,
  /*
   * 9: the Mosquitto 2.0 password hash (`$7$`, PBKDF2-HMAC-SHA512) of each device's secret, made at `loyalty flash`
   * beside the SHA-256, so that `loyalty mosquitto` can write an external Mosquitto's password file (the secret
   * itself is kept nowhere). NULL for credentials issued before this version: those devices are flashed again.
   */
  `
  ALTER TABLE device_credentials ADD COLUMN mosquitto_hash TEXT;
  `,
  /*
   * 10 (issue 16): alert rules, alerts with their lifecycle and comments, and the delivery log (docs/alerts.md). A rule
   * is stored as its JSON (gateway/alerts/rules.ts checks it); at most one alert per rule and subject is not closed.
   */
  `
  CREATE TABLE alert_rules (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, rule TEXT NOT NULL, created_ms INTEGER NOT NULL, created_by TEXT NOT NULL,
    removed_ms INTEGER
  );
  -- state: open, acknowledged, closed; closed_by NULL with state closed: closed automatically on recovery.
  -- rearmed: for an alert a person closed while its condition held, 1 once the condition recovered (until then no new one).
  CREATE TABLE alerts (
    id INTEGER PRIMARY KEY, rule_id INTEGER NOT NULL REFERENCES alert_rules(id), subject TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'closed')), opened_ms INTEGER NOT NULL,
    value REAL, message TEXT NOT NULL, acked_ms INTEGER, acked_by TEXT, closed_ms INTEGER, closed_by TEXT,
    rearmed INTEGER NOT NULL DEFAULT 1
  );
  CREATE UNIQUE INDEX alerts_one_open ON alerts(rule_id, subject) WHERE state <> 'closed';
  CREATE INDEX alerts_rule_subject ON alerts(rule_id, subject, id);
  CREATE TABLE alert_comments (
    id INTEGER PRIMARY KEY, alert_id INTEGER NOT NULL REFERENCES alerts(id), at_ms INTEGER NOT NULL, by TEXT NOT NULL,
    text TEXT NOT NULL
  );
  -- Every attempt to deliver an alert or a scheduled report: e-mail or webhook, whether it went, and why not.
  CREATE TABLE alert_deliveries (
    id INTEGER PRIMARY KEY, alert_id INTEGER REFERENCES alerts(id), what TEXT NOT NULL, channel TEXT NOT NULL,
    target TEXT NOT NULL, attempt INTEGER NOT NULL, at_ms INTEGER NOT NULL, ok INTEGER NOT NULL, detail TEXT
  );
  CREATE INDEX alert_deliveries_alert ON alert_deliveries(alert_id);
  `,
  /*
   * 11: the web app's users, their sessions and the audit of changes that are no review (docs/web.md, issue 16).
   * A password is kept as a scrypt hash (gateway/web/password.ts); a session only as the SHA-256 of its cookie, so a
   * copy of the database opens no session. review_log says through what (cli, api, web) and, from the web, which
   * user (by id: the login is kept in `by`, and a removed user's entries stay).
   */
  `
  CREATE TABLE users (
    id INTEGER PRIMARY KEY, login TEXT NOT NULL UNIQUE COLLATE NOCASE, name TEXT, roles TEXT NOT NULL,
    password TEXT NOT NULL, created_ms INTEGER NOT NULL, password_ms INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    token_sha256 TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL, created_ms INTEGER NOT NULL, seen_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL
  );
  CREATE INDEX sessions_user ON sessions(user_id);
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, by TEXT NOT NULL, user_id INTEGER, via TEXT NOT NULL,
    action TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT
  );
  ALTER TABLE review_log ADD COLUMN via TEXT;
  ALTER TABLE review_log ADD COLUMN user_id INTEGER;
  `,
  /*
   * 12: the forward outbox to the chain hub (docs/hub.md, issue 17). While `hub_forward` has its row (the gateway
   * was started with `hub.url`), every row the hub needs gets an outbox row, numbered by AUTOINCREMENT (never
   * reused, rolled back with its transaction), written by a trigger in the transaction that stores it: nothing
   * can be stored and not forwarded. The forwarder sends them in order and deletes them once the hub has
   * committed them. Without a hub the triggers write nothing.
   */
  `
  CREATE TABLE hub_forward (
    id INTEGER PRIMARY KEY CHECK (id = 1), store_id TEXT NOT NULL, acked_seq INTEGER NOT NULL DEFAULT 0,
    started_ms INTEGER NOT NULL, acked_ms INTEGER
  );
  CREATE TABLE hub_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, body TEXT NOT NULL);
  ${OUTBOX_SOURCES_V12.map(triggerSql).join("\n  ")}
  `,
  /*
   * 13: review sync with the chain hub (docs/hub.md#review-sync). Every review gets a chain-wide identity (uid) and
   * names the entry it undoes by that identity, so a review keeps one identity at the store and at the hub. The
   * state in force is the after-state of a target's latest entry by (at_ms, uid) (gateway/review/decide.ts).
   * hub_forward.review_seq is the number of the last review made at the hub that this store applied. Reviews are
   * forwarded like every other row; a store already forwarding puts its earlier reviews in the outbox now.
   * hub_forward.settings_sent: the figure settings (terminal defaults, indices) last forwarded, so the hub derives
   * with this store's own (docs/hub.md#derivation).
   */
  `
  ALTER TABLE review_log ADD COLUMN uid TEXT;
  ALTER TABLE review_log ADD COLUMN undoes_uid TEXT;
  UPDATE review_log SET uid = lower(hex(randomblob(16)));
  UPDATE review_log SET undoes_uid = (SELECT u.uid FROM review_log u WHERE u.id = review_log.undoes) WHERE undoes IS NOT NULL;
  CREATE UNIQUE INDEX review_log_uid ON review_log(uid);
  ALTER TABLE hub_forward ADD COLUMN review_seq INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE hub_forward ADD COLUMN settings_sent TEXT;
  INSERT INTO hub_outbox (kind, body) SELECT 'review', ${bodySql(REVIEW_SOURCE, "")} FROM review_log WHERE EXISTS (SELECT 1 FROM hub_forward) ORDER BY id;
  ${triggerSql(REVIEW_SOURCE)}
  `,
];

/** Brings the database to the newest schema; returns the versions applied. */
export function migrate(db: Database.Database): number[] {
  const applied: number[] = [];
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    /* Not a fault of ours: a newer gateway wrote the file. A config error, so every command says it in one line. */
    throw new GatewayError("config", `database schema version ${current} is newer than this gateway knows (${MIGRATIONS.length}): a newer version of the gateway wrote it; run that version (upgrade this one), the file is left as it was`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    })();
    applied.push(v + 1);
  }
  return applied;
}
