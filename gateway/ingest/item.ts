/** A valid message on its way through the ingest, and what one batch collects while it is stored. */
import type { DownMsg, UpMsg } from "../../protocol/schemas.ts";
import type { PairingRow } from "../store/terminals.ts";
import type { Link } from "./link.ts";

export interface Item {
  msg: UpMsg;
  link: Link;
  receivedMs: number;
}

export interface Outgoing {
  link: Link;
  msg: DownMsg;
}

/** Collected by the handlers of one batch, so that each device and terminal is written once per batch. */
export interface Collected {
  /** Replies, sent after the commit. */
  out: Outgoing[];
  /** Sequence numbers to ack, per link, device and boot. */
  acks: Map<string, { link: Link; d: string; b: string; n: Set<number> }>;
  /** Where and when each device that sent an event was last heard. */
  seen: Map<string, { link: string; ms: number }>;
  /** Terminals to rebuild, from their earliest changed time. */
  rebuildFrom: Map<string, number>;
  /** Each device's current pairing, read once per batch. */
  pairings: Map<string, PairingRow | undefined>;
}

/**
 * What a benchmark watches in a running ingest (bench/probe.ts), set with `Ingest.watch`; the product sets none.
 * Each hook is one optional call on its path: a line as it arrives, before it is decoded; each group commit, with
 * the ms it took from its transaction to its last ack and reply handed to the links (timed only while watched);
 * each message handed to a link (acks, replies, nacks).
 */
export interface IngestProbe {
  received?(line: string): void;
  committed?(ms: number): void;
  sent?(link: Link, msg: DownMsg): void;
}

/** Counts since start (tests, benchmarks). */
export interface IngestStats {
  received: number;
  stored: number;
  duplicates: number;
  /** Stored untimed: unsynced of a boot never heard live, or synced with an unbelievable time (docs/gateway.md#clocks). */
  untimed: number;
  batches: number;
}
