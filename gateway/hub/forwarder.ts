/**
 * The store gateway's forwarder to the chain hub (docs/hub.md#the-store-side), a gateway part: it sends the outbox
 * (gateway/store/hub-outbox.ts) in order over MQTT QoS 1 to the hub's broker, one batch at a time, and moves on
 * when the hub acks after its PostgreSQL commit. After any outage or restart it sends again from the last acked
 * number. It only reads the outbox and records acks, so it never holds up the ingest; while the hub is away it
 * waits longer and longer between tries (up to hub.maxBackoffMs).
 */
import { readBrokerCa } from "./broker-ca.ts";
import mqtt, { type MqttClient } from "mqtt";
import type { Config } from "../config/schema.ts";
import { GatewayError } from "../errors.ts";
import type { Part } from "../lifecycle.ts";
import type { Logger } from "../log.ts";
import type { OutboxRow } from "../store/hub-outbox.ts";
import type { Store } from "../store/store.ts";
import type { TerminalSettings } from "../surveys/model.ts";
import { due, initialWindow, nextAfter, onAck, reconnected, sent, type WindowOptions, type WindowState } from "./forward-window.ts";
import { applyHubReviews } from "./review-apply.ts";
import { ackPayload, ackTopic, batchTopic, HUB_WIRE_VERSION, parsePayload } from "./wire.ts";

export type HubForwardConfig = Config["hub"];

export interface ForwarderDeps {
  store: Store;
  config: HubForwardConfig;
  log: Logger;
  now: () => number;
  /** What this store's figures are derived and counted with, forwarded so the hub uses the same (docs/hub.md#derivation). */
  settings?: { terminalDefaults: TerminalSettings; indices: Config["indices"] };
  /** Called after reviews made at the hub changed this store's figures (the dashboard pushes them). */
  onReviews?: (terminalIds: string[]) => void;
}

/** What `loyalty status` and tests read. */
export interface ForwarderStatus {
  connected: boolean;
  acked: number;
  last: number;
}

/** The first wait before reconnecting to the hub's broker; it doubles up to maxBackoffMs while the broker stays away. */
const FIRST_RECONNECT_MS = 1000;

export class HubForwarder implements Part {
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private window: WindowState | undefined;
  private readonly opts: WindowOptions;
  private readonly storeId: string;

  constructor(private readonly d: ForwarderDeps) {
    this.opts = { ackTimeoutMs: d.config.ackTimeoutMs, maxBackoffMs: d.config.maxBackoffMs, heartbeatMs: d.config.heartbeatMs, maxInFlight: d.config.inFlight };
    this.storeId = d.config.storeId ?? "";
  }

  get status(): ForwarderStatus {
    return { connected: this.client?.connected ?? false, acked: this.window?.acked ?? 0, last: this.d.store.hubOutbox.lastSeq() };
  }

  start(): void {
    const c = this.d.config;
    if (!c.url || !c.storeId) throw new GatewayError("config", "hub.url and hub.storeId are needed to forward to the hub");
    const { store, log } = this.d;
    const begun = store.tx(() => {
      const fresh = store.hubOutbox.state() === undefined;
      const state = store.hubOutbox.begin(c.storeId!, this.d.now());
      if (this.d.settings && store.hubOutbox.settings(JSON.stringify(this.d.settings), this.d.now()) && !fresh) log.info("the figure settings changed since the hub last had them; forwarding them");
      return { state, fresh };
    });
    if (begun.fresh) log.info({ rows: store.hubOutbox.lastSeq() }, "forwarding to the hub starts: every row stored so far is in the outbox");
    this.window = initialWindow(begun.state.ackedSeq, this.opts);
    const ca = readBrokerCa(c.ca, "hub.ca");
    /* Not awaited: the gateway runs while the hub is away, and the client keeps trying. */
    const client = mqtt.connect(c.url, {
      clientId: `loyalty-fwd-${c.storeId}`.slice(0, 64),
      clean: true,
      reconnectPeriod: FIRST_RECONNECT_MS,
      connectTimeout: 10_000,
      /*
       * A WAN cut closes nothing (no FIN, no RST): the connection only goes silent. The client pings after
       * keepaliveS without traffic and drops the connection when the broker has not answered for 1.5 × keepaliveS,
       * then reconnects and sends again from the last acked number.
       */
      keepalive: c.keepaliveS,
      ...(c.username !== undefined ? { username: c.username } : {}),
      ...(c.password !== undefined ? { password: c.password } : {}),
      ...(ca ? { ca } : {}),
    });
    this.client = client;
    const ack = ackTopic(c.topicPrefix, c.storeId);
    client.on("connect", () => {
      client.options.reconnectPeriod = FIRST_RECONNECT_MS;
      log.info({ url: c.url, acked: this.window?.acked }, "connected to the hub's broker; sending from the last acked row");
      client.subscribe(ack, { qos: 1 }, (err) => {
        if (err) log.warn({ err: err.message }, "cannot subscribe to the hub's acks");
        else if (this.window) {
          this.window = reconnected(this.window, this.opts);
          this.pump();
        }
      });
    });
    client.on("close", () => {
      /* Each failed reconnect waits twice as long as the last, up to maxBackoffMs. */
      client.options.reconnectPeriod = Math.min((client.options.reconnectPeriod ?? FIRST_RECONNECT_MS) * 2, c.maxBackoffMs);
    });
    client.on("offline", () => log.warn({ url: c.url }, "the hub's broker is away; the outbox keeps what is stored"));
    client.on("error", (err) => log.debug({ err: err.message }, "hub broker connection error"));
    client.on("message", (topic, payload) => {
      if (topic === ack) this.onAck(payload.toString("utf8"));
    });
    this.timer = setInterval(() => this.pump(), c.pollMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const client = this.client;
    this.client = undefined;
    if (client) await client.endAsync(true).catch(() => undefined);
  }

  /** Sends what is due; called by the timer and after every ack. */
  private pump(): void {
    const client = this.client;
    let w = this.window;
    if (!client?.connected || !w) return;
    const { store, config: c, now, log } = this.d;
    try {
      const last = store.hubOutbox.lastSeq();
      const t = now();
      /* As many batches as the window takes (a resend empties it first). */
      for (let i = 0; i <= c.inFlight; i++) {
        const d = due(w, t, last, this.opts);
        this.window = w = d.state;
        if (!d.send) return;
        if (d.send === "resend") log.info({ after: d.state.acked, waitMs: d.state.waitMs }, "no ack from the hub in time; sending again");
        const after = nextAfter(d.state);
        const rows = d.send === "heartbeat" ? [] : store.hubOutbox.after(after, c.batchMax);
        const to = rows.length > 0 ? rows[rows.length - 1]!.seq : after;
        const text = batchText(this.storeId, after, to, Math.max(last, to), t, rows, store.hubOutbox.reviewSeq());
        client.publish(batchTopic(c.topicPrefix, this.storeId), text, { qos: 1 });
        this.window = w = sent(w, after, to, t);
        if (d.send === "heartbeat" || to === after) return;
      }
    } catch (err) {
      log.warn({ err }, "cannot read the hub outbox; trying again");
    }
  }

  private onAck(text: string): void {
    const { store, log, now } = this.d;
    const p = parsePayload(ackPayload, text);
    if (!p.ok) {
      log.warn({ reason: p.reason }, "an ack from the hub that is not one; ignored");
      return;
    }
    if (!this.window) return;
    if (p.value.reviews?.length) applyHubReviews(store, p.value.reviews, log, this.d.onReviews);
    if (p.value.error) log.warn({ error: p.value.error }, "the hub refused a batch; it is sent again");
    const r = onAck(this.window, p.value, store.hubOutbox.lastSeq(), this.opts);
    this.window = r.state;
    const o = r.outcome;
    try {
      if (o.kind === "ahead") {
        log.error({ hub: o.acked, local: o.last }, "the hub has committed rows this database never numbered (was it restored from a backup?); new rows are numbered after the hub's");
        store.tx(() => {
          store.hubOutbox.skipTo(o.acked);
          store.hubOutbox.acked(o.acked, now());
        });
      } else if (o.kind === "rewind") {
        /*
         * The hub's database was restored from an older backup. Rows it lacks that the outbox no longer keeps are
         * put in the outbox again from the tables, all of them (which ones it lacks is not known here); the hub
         * skips those it has (docs/decisions.md, "A hub restored from a backup is refilled from the tables").
         */
        const reseeded = store.tx(() => {
          const n = store.hubOutbox.lostAfter(o.acked) ? store.hubOutbox.seed({ changes: true }) : 0;
          store.hubOutbox.rewind(o.acked);
          return n;
        });
        if (reseeded > 0) log.error({ hub: o.acked, was: o.was, rows: reseeded }, "the hub lost rows this outbox no longer kept (its database was restored from a backup): every row is in the outbox again, and the hub stores those it lacks");
        else log.warn({ hub: o.acked, was: o.was }, "the hub has fewer rows than it acked before; sending again from its number");
      } else if (o.acked > 0) {
        /* Without fsync: a lost ack record only means sending again rows the hub then skips. */
        store.txWithoutFsync(() => store.hubOutbox.acked(o.acked, now()));
      }
    } catch (err) {
      log.debug({ err }, "cannot record the hub's ack now (it is asked again)");
    }
    this.pump();
  }
}

/** A batch's JSON, with each row's body as stored (already JSON), so nothing is parsed on the store's side. */
export function batchText(storeId: string, after: number, to: number, last: number, sentMs: number, rows: OutboxRow[], reviewSeq?: number): string {
  const body = rows.map((r) => `{"s":${r.seq},"k":${JSON.stringify(r.kind)},"d":${r.body}}`).join(",");
  return `{"v":${HUB_WIRE_VERSION},"store":${JSON.stringify(storeId)},"after":${after},"to":${to},"last":${last},"sentMs":${sentMs},"rows":[${body}]${reviewSeq === undefined ? "" : `,"reviewSeq":${reviewSeq}`}}`;
}
