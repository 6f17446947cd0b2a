/**
 * The wire between a store gateway's forwarder and the hub (docs/hub.md#wire-format): two MQTT topics per store,
 * JSON payloads, QoS 1. The store publishes batches of its outbox; the hub answers each with the highest
 * sequence number it has committed. One zod schema per payload and per kind of row, checked at the hub's edge.
 */
import { z } from "zod";
import { inWords } from "../../protocol/zod-words.ts";
import { reviewEntrySchema, statesMatchTarget } from "../review/entry.ts";

export const HUB_WIRE_VERSION = 1;
export const DEFAULT_HUB_PREFIX = "loyalty-hub";

/** A store id as it stands in topics and the hub's tables. */
export const hubStoreId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "letters, digits, '_', '-' or '.', at most 64");

export function batchTopic(prefix: string, storeId: string): string {
  return `${prefix}/${storeId}/batch`;
}
export function ackTopic(prefix: string, storeId: string): string {
  return `${prefix}/${storeId}/ack`;
}
/** What the hub subscribes to: every store's batches. */
export function allBatchesTopic(prefix: string): string {
  return `${prefix}/+/batch`;
}
/** The store id in a batch topic, or undefined when the topic is not one. */
export function storeOfBatchTopic(prefix: string, topic: string): string | undefined {
  const parts = topic.split("/");
  return parts.length === 3 && parts[0] === prefix && parts[2] === "batch" ? parts[1] : undefined;
}

const seq = z.number().int().min(0);

/** One outbox row on the wire: its number, kind and the columns of the row (gateway/store/outbox-rows.ts). */
export const wireRow = z.object({ s: seq, k: z.string().min(1).max(32), d: z.record(z.string(), z.unknown()) }).strict();

/**
 * A batch: every outbox row numbered in (after, to], in order. `last` is the highest number the store has
 * given (so the hub knows how far behind it is); an empty batch (`to` = `after`) is the store's heartbeat.
 */
export const batchPayload = z
  .object({
    v: z.literal(HUB_WIRE_VERSION),
    store: hubStoreId,
    after: seq,
    to: seq,
    last: seq,
    sentMs: z.number().int(),
    rows: z.array(wireRow).max(100_000),
    /** The number of the last review made at the hub that the store has applied (review sync; absent: a store before it). */
    reviewSeq: seq.optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.to < b.after) ctx.addIssue({ code: "custom", message: `to (${b.to}) is before after (${b.after})` });
    if (b.last < b.to) ctx.addIssue({ code: "custom", message: `last (${b.last}) is before to (${b.to})` });
    let prev = b.after;
    for (const r of b.rows) {
      if (r.s <= prev || r.s > b.to) {
        ctx.addIssue({ code: "custom", message: `row ${r.s} is out of order or outside (${b.after}, ${b.to}]` });
        return;
      }
      prev = r.s;
    }
  });
export type BatchPayload = z.infer<typeof batchPayload>;

/**
 * A review made at the hub, on its way to the store whose survey or period it is (docs/hub.md#review-sync): `n` is
 * its number among that store's hub reviews; the rest is the review log entry, under its chain-wide uid.
 */
export const hubReview = reviewEntrySchema.extend({ n: seq }).refine(statesMatchTarget, "before and after must be states of the target's kind");
export type HubReview = z.infer<typeof hubReview>;

/**
 * The hub's answer: every row up to `acked` is committed in PostgreSQL. `replayFrom` asks the store to send again
 * from that number (the batch left a gap after what the hub has). `reviews`: reviews made at the hub after the
 * store's `reviewSeq`, in order; the hub also sends them unasked (with `acked` as before) as soon as one is made.
 * Each review is checked on its own (hubReview), so one the store cannot read never stops its forwarding.
 */
export const ackPayload = z
  .object({ v: z.literal(HUB_WIRE_VERSION), acked: seq, replayFrom: seq.optional(), error: z.string().optional(), reviews: z.array(z.unknown()).max(1000).optional() })
  .strict();
export type AckPayload = z.infer<typeof ackPayload>;

/** Parses JSON text with a schema; the reason in words, never the validator's dump. */
export function parsePayload<T>(schema: z.ZodType<T>, text: string): { ok: true; value: T } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: "not JSON" };
  }
  return parseValue(schema, json);
}

/** Checks a value already parsed (a review inside an ack) with a schema; the reason in words. */
export function parseValue<T>(schema: z.ZodType<T>, json: unknown): { ok: true; value: T } | { ok: false; reason: string } {
  const r = schema.safeParse(json, { error: inWords });
  if (r.success) return { ok: true, value: r.data };
  const i = r.error.issues[0]!;
  return { ok: false, reason: `${i.path.join(".") || "payload"}: ${i.message}` };
}
