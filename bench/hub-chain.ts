/**
 * The chain's nightly report for `npm run bench:hub`: a hub database filled directly with a chain's rollups
 * (stores, terminals, daily_counts, daily_terminal, traffic, and a few untimed events, which the report counts),
 * by generate_series SQL in PostgreSQL, then the chain report for last night as the nightly job would make it
 * (gateway/hub/report.ts: the sources read from the hub, the store's buildReport, grouped by region and store),
 * rendered as HTML. The rollups are laid out terminal by terminal (as a hub that derived everything at once has
 * them), so one day's rows are spread over the whole table: the harder case for a report that must not grow
 * with history.
 */
import pg from "pg";
import { hubConfigSchema } from "../gateway/hub/config.ts";
import { migrateHub } from "../gateway/hub/pg-schema.ts";
import { makeHubReport } from "../gateway/hub/report.ts";
import { render } from "../gateway/reports/render.ts";
import { addDays } from "../gateway/time/zone.ts";

export interface ChainSpec {
  stores: number;
  terminalsPerStore: number;
  days: number;
  /** The last day of history, the night's report day ("yesterday"). */
  lastDay: string;
}

const ZONES = ["Europe/Moscow", "Asia/Yekaterinburg", "Asia/Vladivostok"];
const QUESTIONS = ["staff", "office", "recommend"];
export const HUB_ZONE = "Europe/Moscow";

/** Fills an empty, migrated hub database with the chain's rollups; each statement is one pass of generate_series. */
export async function fillChain(c: pg.Client, s: ChainSpec): Promise<void> {
  const from = addDays(s.lastDay, 1 - s.days);
  await c.query(
    `INSERT INTO stores (store_id, local_id, name, time_zone, region, created_ms)
     SELECT id, id, 'Store ' || i, ($2::text[])[1 + i % cardinality($2::text[])], 'region-' || (i % 8), 0
     FROM (SELECT i, 's' || lpad(i::text, 5, '0') AS id FROM generate_series(1, $1::int) i) x`,
    [s.stores, ZONES],
  );
  await c.query(`INSERT INTO hub_stores (store_id, committed_seq, reported_last, first_contact_ms, last_contact_ms) SELECT local_id, 0, 0, 0, 0 FROM stores`);
  await c.query(
    `INSERT INTO terminals (store_id, id, local_store_id, point, name, cctv_url, created_ms)
     SELECT s.local_id, s.local_id || '.till-' || k, s.local_id, 'till-' || k, NULL, NULL, 0 FROM stores s, generate_series(1, $1::int) k ORDER BY 1, 2`,
    [s.terminalsPerStore],
  );
  /* Two employees a terminal a day, each with their own row, as a shift change gives. */
  await c.query(
    `INSERT INTO daily_counts (store_id, terminal_id, day, question_kind, question_text, employee, p, n, u, s, p_fm, n_fm, u_fm, s_fm, invalid, extra, flagged)
     SELECT t.store_id, t.id, to_char(d, 'YYYY-MM-DD'), ($3::text[])[1 + abs(hashtext(t.id)) % 3], '', 'emp-' || (abs(hashtext(t.id)) % 50) || '-' || e,
       60 + (random() * 40)::int, 10 + (random() * 10)::int, 15 + (random() * 10)::int, 30 + (random() * 20)::int,
       (random() * 3)::int, (random() * 2)::int, (random() * 2)::int, (random() * 3)::int, 0, (random() * 5)::int, 0
     FROM terminals t, generate_series($1::date, $2::date, '1 day') d, generate_series(1, 2) e ORDER BY t.store_id, t.id, d, e`,
    [from, s.lastDay, QUESTIONS],
  );
  await c.query(
    `INSERT INTO daily_terminal (store_id, terminal_id, day, unsolicited, fm_unreviewed, fm_confirmed, fm_rejected)
     SELECT t.store_id, t.id, to_char(d, 'YYYY-MM-DD'), (random() * 4)::int, (random() * 2)::int, 0, 0
     FROM terminals t, generate_series($1::date, $2::date, '1 day') d ORDER BY t.store_id, t.id, d`,
    [from, s.lastDay],
  );
  await c.query(
    `INSERT INTO traffic (store_id, kind, local_store_id, terminal_id, day, hour, count, source, imported_ms)
     SELECT s.local_id, 'transactions', s.local_id, '', to_char(d, 'YYYY-MM-DD'), -1, 800 + (random() * 400)::int, 'bench.csv', 0
     FROM stores s, generate_series($1::date, $2::date, '1 day') d ORDER BY s.local_id, d`,
    [from, s.lastDay],
  );
  /* An untimed event (an unheard boot) on every tenth day of each terminal, a tenth of them each day: the report counts them by arrival day. */
  await c.query(
    `INSERT INTO events (store_id, serial, boot, seq, local_id, kind, btn, ts, synced, untimed, untimed_reason, at_ms, received_ms, terminal_id, link)
     SELECT t.store_id, 'SER-' || t.id, 'b1', i, row_number() OVER (PARTITION BY t.store_id ORDER BY t.id, i), 'yes', NULL, ms, false, true, 'unheard_boot', ms, ms, t.id, 'mqtt'
     FROM terminals t, generate_series(0, $2::int - 1) i,
       LATERAL (SELECT (extract(epoch FROM $1::date + i) * 1000)::bigint + 43200000 AS ms) m
     WHERE (i + abs(hashtext(t.id))) % 10 = 0`,
    [from, s.days],
  );
  /* What autovacuum gives a running hub: visibility map set, statistics taken. */
  await c.query("VACUUM ANALYZE");
}

export interface FilledChain {
  days: number;
  stores: number;
  terminals: number;
  dailyCounts: number;
  fillMs: number;
  dbMB: number;
}

/** Migrates the fresh database `url` and fills it with `s`. */
export async function fillChainDb(url: string, s: ChainSpec): Promise<FilledChain> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await migrateHub(pool);
    const t0 = performance.now();
    await fillChain(c, s);
    const fillMs = performance.now() - t0;
    const n = async (sql: string) => Number((await c.query<{ n: string }>(sql)).rows[0]!.n);
    return {
      days: s.days,
      stores: s.stores,
      terminals: await n(`SELECT count(*) AS n FROM terminals`),
      dailyCounts: await n(`SELECT count(*) AS n FROM daily_counts`),
      fillMs,
      dbMB: Math.round((await n(`SELECT pg_database_size(current_database()) AS n`)) / 1e6),
    };
  } finally {
    await pool.end();
    await c.end();
  }
}

export interface NightlyRun {
  ms: number;
  groups: number;
  surveys: number;
}

/** One chain report of `day` as the nightly job makes it: read, built, rendered as HTML (a pool per run, as a job starts). */
export async function nightlyReport(url: string, day: string): Promise<NightlyRun> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  try {
    const config = hubConfigSchema.parse({ postgres: { url }, mqtt: { url: "mqtt://127.0.0.1:1" }, timeZone: HUB_ZONE });
    const t0 = performance.now();
    const report = await makeHubReport(pool, config, { from: day, to: day, groupBy: ["region", "store"] }, Date.now());
    render(report, "html", { timeZone: HUB_ZONE });
    return { ms: performance.now() - t0, groups: report.groups.length, surveys: report.total.representativeness.surveys };
  } finally {
    await pool.end();
  }
}
