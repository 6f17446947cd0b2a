/**
 * The forwarder's pure core (docs/hub.md#the-store-side): up to `maxInFlight` batches in flight, each starting
 * where the one before it ends, so the store's read, the broker's hops and the hub's commit of successive batches
 * overlap; all sent again from the last acked number when the oldest is not answered in time, with a wait that
 * doubles while the hub stays away. The hub commits a store's batches in order, so order still holds. No clock, no socket, no database: the
 * forwarder (forwarder.ts) passes the time and what the outbox holds, and does what the answers say.
 */
import type { AckPayload } from "./wire.ts";

export interface WindowOptions {
  ackTimeoutMs: number;
  maxBackoffMs: number;
  heartbeatMs: number;
  /** Batches sent and not answered at once (default 1). */
  maxInFlight?: number;
}

export interface InFlight {
  after: number;
  to: number;
  sentMs: number;
}

export interface WindowState {
  /** The highest number the hub has said it committed. */
  acked: number;
  /** The batches sent and not answered yet, in order, each starting where the one before ends. */
  inflight: InFlight[];
  /** How long the oldest batch in flight waits for its ack before all are sent again. */
  waitMs: number;
  /** When the last batch (or heartbeat) went out. */
  lastSentMs: number;
}

export function initialWindow(acked: number, o: WindowOptions): WindowState {
  return { acked, inflight: [], waitMs: o.ackTimeoutMs, lastSentMs: -Infinity };
}

/** Where the next batch starts: after the last batch in flight, or after what the hub acked. */
export function nextAfter(s: WindowState): number {
  return s.inflight.at(-1)?.to ?? s.acked;
}

/**
 * Whether to send now, with the outbox's newest number: `batch` (rows after `nextAfter`), `heartbeat` (nothing
 * in flight and nothing sent for heartbeatMs), `resend` (the oldest batch in flight was not answered in time:
 * everything in flight is forgotten, the next batch starts after `acked` again, and the wait doubles), or nothing.
 */
export function due(s: WindowState, nowMs: number, lastSeq: number, o: WindowOptions): { send: "batch" | "heartbeat" | "resend" | undefined; state: WindowState } {
  const oldest = s.inflight[0];
  if (oldest && nowMs - oldest.sentMs >= s.waitMs) return { send: "resend", state: { ...s, inflight: [], waitMs: Math.min(s.waitMs * 2, o.maxBackoffMs) } };
  if (s.inflight.length < (o.maxInFlight ?? 1) && lastSeq > nextAfter(s)) return { send: "batch", state: s };
  if (!oldest && nowMs - s.lastSentMs >= o.heartbeatMs) return { send: "heartbeat", state: s };
  return { send: undefined, state: s };
}

/** The window once a batch of rows (after, to] went out. */
export function sent(s: WindowState, after: number, to: number, nowMs: number): WindowState {
  return { ...s, inflight: [...s.inflight, { after, to, sentMs: nowMs }], lastSentMs: nowMs };
}

export type AckOutcome =
  /** The hub committed up to `acked`: record it (and drop the rows up to it). */
  | { kind: "acked"; acked: number }
  /** The hub has less than this store thought (its database was restored): send again from `acked`. */
  | { kind: "rewind"; acked: number; was: number }
  /** The hub has committed numbers this database never gave (this database was restored): number new rows after them. */
  | { kind: "ahead"; acked: number; last: number };

/** What an ack means for the window; `lastSeq` is the outbox's newest number. */
export function onAck(s: WindowState, a: AckPayload, lastSeq: number, o: WindowOptions): { state: WindowState; outcome: AckOutcome } {
  /*
   * A replay asked for, or an ack below what was acked (the hub lost rows), forgets every batch in flight: the next
   * starts after `acked` again. Otherwise the batches the ack covers are answered; an older ack (to a duplicate, or
   * the hub's reviews sent unasked) answers none.
   */
  const reset = a.replayFrom !== undefined || a.acked < s.acked || a.acked > lastSeq;
  const inflight = reset ? [] : s.inflight.filter((b) => b.to > a.acked);
  const answered = inflight.length < s.inflight.length;
  const waitMs = answered ? o.ackTimeoutMs : s.waitMs;
  const state = { ...s, acked: a.acked, inflight, waitMs };
  if (a.acked > lastSeq) return { state, outcome: { kind: "ahead", acked: a.acked, last: lastSeq } };
  if (a.acked < s.acked) return { state, outcome: { kind: "rewind", acked: a.acked, was: s.acked } };
  return { state: { ...state, acked: Math.max(s.acked, a.acked) }, outcome: { kind: "acked", acked: a.acked } };
}

/** After a reconnect nothing is in flight: what was sent may be lost, so it goes again at once. */
export function reconnected(s: WindowState, o: WindowOptions): WindowState {
  return { ...s, inflight: [], waitMs: o.ackTimeoutMs };
}
