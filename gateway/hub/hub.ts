/**
 * The chain hub (`loyalty hub`, docs/hub.md): creates its PostgreSQL schema, takes every store's batches from the
 * hub's MQTT broker, commits each one (commit.ts) and acks it to its store. Batches of one store are committed
 * one after another, in the order they came; stores do not wait for each other. Nothing a store sends stops the
 * hub: a payload that is not a batch is logged and dropped (the store sends its rows again), a row of the wrong
 * shape is kept in hub_rejected_rows. Every `derive.pollMs` it re-derives the terminals the batches changed
 * (rebuild.ts), apart from the commits, so deriving never holds up an ack. Its HTTP API (http/server.ts) serves chain
 * reports and its status; its nightly job (nightly.ts) writes the chain's report of each night. A review made at
 * the hub (review.ts, in any process) is announced on a PostgreSQL channel, and the hub sends it to its store at
 * once on the store's ack topic (docs/hub.md#review-sync); every ack carries what the store has not applied yet.
 */
import { readBrokerCa } from "./broker-ca.ts";
import mqtt, { type MqttClient } from "mqtt";
import pg from "pg";
import { GatewayError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { commitBatch, REVIEWS_PER_ACK } from "./commit.ts";
import { REVIEW_CHANNEL } from "./review.ts";
import { PENDING_REVIEWS, pendingAsWire } from "./review-sql.ts";
import type { HubConfig } from "./config.ts";
import { HubHttpServer } from "./http/server.ts";
import { HubNightly } from "./nightly.ts";
import { migrateHub } from "./pg-schema.ts";
import { rebuildHubQueued } from "./rebuild.ts";
import { terminalDefaults } from "../terminals/config.ts";
import { ackTopic, allBatchesTopic, batchPayload, HUB_WIRE_VERSION, parsePayload, storeOfBatchTopic, type AckPayload } from "./wire.ts";

export interface HubDeps {
  log: Logger;
  now?: () => number;
}

/** The PostgreSQL advisory lock a running hub holds (one hub per database). */
const HUB_LOCK = 17_019;

export class Hub {
  readonly pool: pg.Pool;
  private client: MqttClient | undefined;
  /** Per store, the tail of its chain of batches being committed. */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly now: () => number;
  private deriveTimer: NodeJS.Timeout | undefined;
  private deriving: Promise<void> | undefined;
  /** Chain reports and status over HTTP (undefined with `http.enabled` false). */
  readonly http: HubHttpServer | undefined;
  readonly nightly: HubNightly | undefined;
  private listener: pg.Client | undefined;
  private listenTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly config: HubConfig,
    private readonly deps: HubDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.pool = new pg.Pool({ connectionString: config.postgres.url, max: config.postgres.poolSize });
    /* An idle connection that PostgreSQL closes (a restart) is replaced at the next query; it must not crash the hub. */
    this.pool.on("error", (err) => deps.log.warn({ err: err.message }, "a PostgreSQL connection closed"));
    const parts = { pool: this.pool, config, now: this.now };
    if (config.http.enabled) this.http = new HubHttpServer({ ...parts, log: deps.log.child({ part: "http" }) });
    if (config.reports.nightly.enabled) this.nightly = new HubNightly({ ...parts, log: deps.log.child({ part: "nightly" }) });
  }

  async start(): Promise<void> {
    const { log } = this.deps;
    try {
      const applied = await migrateHub(this.pool);
      if (applied.length) log.info({ versions: applied }, "hub schema migrated");
    } catch (e) {
      throw new GatewayError("config", `cannot use the hub's PostgreSQL database (postgres.url): ${(e as Error).message}`);
    }
    await this.http?.start();
    await this.listen(true);
    const m = this.config.mqtt;
    const ca = readBrokerCa(m.ca, "mqtt.ca");
    /* A kept session (clean: false): what stores send while the hub is down waits at the broker for it. */
    const client = mqtt.connect(m.url, {
      clientId: m.clientId,
      clean: false,
      reconnectPeriod: 1000,
      ...(m.username !== undefined ? { username: m.username } : {}),
      ...(m.password !== undefined ? { password: m.password } : {}),
      ...(ca ? { ca } : {}),
    });
    this.client = client;
    client.on("connect", (ack) => {
      log.info({ url: m.url, sessionPresent: ack.sessionPresent }, "hub connected to its broker");
      client.subscribe(allBatchesTopic(m.topicPrefix), { qos: 1 }, (err) => err && log.error({ err: err.message }, "cannot subscribe to the stores' batches"));
    });
    client.on("offline", () => log.warn({ url: m.url }, "the hub's broker is away; stores keep their rows until it is back"));
    client.on("error", (err) => log.debug({ err: err.message }, "broker connection error"));
    client.on("message", (topic, payload) => this.onMessage(topic, payload));
    this.deriveTimer = setInterval(() => void this.deriveQueued(), this.config.derive.pollMs);
    this.nightly?.start();
  }

  /**
   * Listens for reviews made at the hub on a connection that also holds the hub's lock: one hub per database (two
   * would take each other's broker session, the same client id, every second, and write the same nightly files).
   * At start a lock held by another hub refuses the start; a lost connection is made again (meanwhile the stores'
   * next acks carry the reviews), and the lock taken again.
   */
  private async listen(first = false): Promise<void> {
    const { log } = this.deps;
    const again = () => {
      if (this.stopped || this.listenTimer) return;
      this.listenTimer = setTimeout(() => {
        this.listenTimer = undefined;
        void this.listen();
      }, 1000);
    };
    const client = new pg.Client({ connectionString: this.config.postgres.url });
    client.on("error", (err) => {
      log.warn({ err: err.message }, "the hub's review listener lost PostgreSQL; listening again");
      void client.end().catch(() => undefined);
      if (this.listener === client) this.listener = undefined;
      again();
    });
    client.on("notification", (n) => {
      if (n.channel === REVIEW_CHANNEL && n.payload) this.pushReviews(n.payload);
    });
    try {
      await client.connect();
      const locked = (await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${HUB_LOCK}) AS ok`)).rows[0]!.ok;
      if (!locked) {
        await client.end().catch(() => undefined);
        const why = "another `loyalty hub` is running on this database (it holds the hub's lock): run one hub per database, stop the other first";
        if (first) throw new GatewayError("conflict", why);
        log.error(why);
        again();
        return;
      }
      await client.query(`LISTEN ${REVIEW_CHANNEL}`);
      this.listener = client;
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      log.warn({ err: (err as Error).message }, "cannot listen for the hub's reviews; trying again");
      void client.end().catch(() => undefined);
      again();
    }
  }

  /**
   * Sends a store the hub's reviews it has not applied, unasked, on its ack topic (with the committed number, so it
   * answers no batch); queued behind that store's commits so acks keep their order.
   */
  pushReviews(storeId: string): void {
    this.enqueue(storeId, async () => {
      const s = (await this.pool.query<{ committed: string; acked: string | null }>(`SELECT committed_seq AS committed, review_acked AS acked FROM hub_stores WHERE store_id = $1`, [storeId])).rows[0];
      if (!s || s.acked === null) return;
      const rows = (await this.pool.query(PENDING_REVIEWS, [storeId, s.acked, REVIEWS_PER_ACK])).rows;
      if (!rows.length) return;
      const ack: AckPayload = { v: HUB_WIRE_VERSION, acked: Number(s.committed), reviews: pendingAsWire(rows) };
      this.client?.publish(ackTopic(this.config.mqtt.topicPrefix, storeId), JSON.stringify(ack), { qos: 1 });
      this.deps.log.debug({ store: storeId, reviews: rows.length }, "the hub's reviews sent to their store");
    });
  }

  /** Runs `job` after everything queued for this store; a failure is logged, never thrown. */
  private enqueue(storeId: string, job: () => Promise<void>): void {
    const prev = this.queues.get(storeId) ?? Promise.resolve();
    const next = prev.then(job).catch((err: Error) => this.deps.log.error({ store: storeId, err: err.message }, "a job of this store failed"));
    this.queues.set(storeId, next);
    void next.then(() => {
      if (this.queues.get(storeId) === next) this.queues.delete(storeId);
    });
  }

  /** Re-derives the queued terminals, one run at a time; a failure is logged and the terminal stays queued. */
  deriveQueued(): Promise<void> {
    this.deriving ??= rebuildHubQueued(this.pool, terminalDefaults(this.config), (store, terminal, err) =>
      this.deps.log.error({ store, terminal, err: err.message }, "cannot derive a terminal's surveys; it stays queued"),
    )
      .catch((err: Error) => this.deps.log.warn({ err: err.message }, "cannot read the derive queue; trying again"))
      .then(() => {
        this.deriving = undefined;
      });
    return this.deriving;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.listenTimer);
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
    await this.http?.stop();
    await this.nightly?.stop();
    const client = this.client;
    this.client = undefined;
    if (client) await client.endAsync(true).catch(() => undefined);
    clearInterval(this.deriveTimer);
    await Promise.allSettled([...this.queues.values(), this.deriving]);
    await this.pool.end().catch(() => undefined);
    this.deps.log.info("hub stopped");
  }

  /** Resolves when every batch received so far is committed or failed (tests). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.queues.values()]);
  }

  private onMessage(topic: string, payload: Buffer): void {
    const { log } = this.deps;
    const prefix = this.config.mqtt.topicPrefix;
    const storeId = storeOfBatchTopic(prefix, topic);
    if (storeId === undefined) return;
    const p = parsePayload(batchPayload, payload.toString("utf8"));
    if (!p.ok) {
      log.warn({ store: storeId, reason: p.reason }, "a message on a batch topic that is not a batch; dropped");
      return;
    }
    if (p.value.store !== storeId) {
      log.warn({ topic, store: p.value.store }, "a batch whose store is not its topic's; dropped");
      return;
    }
    const batch = p.value;
    this.enqueue(storeId, async () => {
      try {
        const r = await commitBatch(this.pool, batch, this.now());
        if (r.rejected) log.warn({ store: storeId, rejected: r.rejected }, "rows of the wrong shape kept in hub_rejected_rows");
        if (r.decision === "gap") log.info({ store: storeId, after: batch.after, acked: r.ack.acked }, "a batch after rows the hub lacks; asking for a replay");
        else log.debug({ store: storeId, decision: r.decision, stored: r.stored, acked: r.ack.acked }, "batch");
        this.client?.publish(ackTopic(prefix, storeId), JSON.stringify(r.ack), { qos: 1 });
      } catch (err) {
        /* Not acked: the store sends it again after its ack timeout. */
        log.error({ store: storeId, err: (err as Error).message }, "cannot commit a batch; the store will send it again");
      }
    });
  }
}
