/**
 * The forwarder's pure core (docs/hub.md#the-store-side): one batch in flight at a time, sent again when its ack
 * does not come, with a wait that doubles while the hub stays away. No clock, no socket, no database: the
 * forwarder (forwarder.ts) passes the time and what the outbox holds, and does what the answers say.
 */
import type { AckPayload } from "./wire.ts";

export interface WindowOptions {
  ackTimeoutMs: number;
  maxBackoffMs: number;
  heartbeatMs: number;
}

export interface WindowState {
  /** The highest number the hub has said it committed. */
  acked: number;
  /** The batch sent and not answered yet. */
  inflight: { after: number; to: number; sentMs: number } | undefined;
  /** How long the batch in flight waits for its ack before it is sent again. */
  waitMs: number;
  /** When the last batch (or heartbeat) went out. */
  lastSentMs: number;
}

export function initialWindow(acked: number, o: WindowOptions): WindowState {
  return { acked, inflight: undefined, waitMs: o.ackTimeoutMs, lastSentMs: -Infinity };
}

/**
 * Whether to send now, with the outbox's newest number: `batch` (rows after `acked`), `heartbeat` (nothing to
 * send for heartbeatMs), `resend` (the batch in flight was not answered in time: the wait doubles), or nothing.
 */
export function due(s: WindowState, nowMs: number, lastSeq: number, o: WindowOptions): { send: "batch" | "heartbeat" | "resend" | undefined; state: WindowState } {
  if (s.inflight) {
    if (nowMs - s.inflight.sentMs < s.waitMs) return { send: undefined, state: s };
    return { send: "resend", state: { ...s, inflight: undefined, waitMs: Math.min(s.waitMs * 2, o.maxBackoffMs) } };
  }
  if (lastSeq > s.acked) return { send: "batch", state: s };
  if (nowMs - s.lastSentMs >= o.heartbeatMs) return { send: "heartbeat", state: s };
  return { send: undefined, state: s };
}

/** The window once a batch of rows (after, to] went out. */
export function sent(s: WindowState, after: number, to: number, nowMs: number): WindowState {
  return { ...s, inflight: { after, to, sentMs: nowMs }, lastSentMs: nowMs };
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
  const f = s.inflight;
  /* The batch in flight is answered when the ack covers it, asks for a replay, or rewinds below it; an older ack (to a duplicate) is not its answer. */
  const answered = !f || a.acked >= f.to || a.replayFrom !== undefined || a.acked < f.after;
  const inflight = answered ? undefined : f;
  const waitMs = answered ? o.ackTimeoutMs : s.waitMs;
  const state = { ...s, acked: a.acked, inflight, waitMs };
  if (a.acked > lastSeq) return { state, outcome: { kind: "ahead", acked: a.acked, last: lastSeq } };
  if (a.acked < s.acked) return { state, outcome: { kind: "rewind", acked: a.acked, was: s.acked } };
  return { state: { ...state, acked: Math.max(s.acked, a.acked) }, outcome: { kind: "acked", acked: a.acked } };
}

/** After a reconnect nothing is in flight: what was sent may be lost, so it goes again at once. */
export function reconnected(s: WindowState, o: WindowOptions): WindowState {
  return { ...s, inflight: undefined, waitMs: o.ackTimeoutMs };
}
