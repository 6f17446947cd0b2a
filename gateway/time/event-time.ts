/**
 * Whether a synced event's time may be used (docs/decisions.md, "A synced time the gateway cannot believe is
 * untimed"). A device stamps a synced event with its own clock, which the gateway set by `time`; the press came
 * before its frame arrived, so a time later than the arrival by more than the clock tolerance (plus a margin for
 * drift between two checks) is a wrong clock, not a press in the future. A time before 2020 was never set by a
 * gateway (`time` carries 2020..2100, docs/protocol.md). Such an event is stored untimed, like an unsynced event of a
 * boot never heard live: kept, acked, shown to the expert, counted on no day. Pure.
 */
import { EPOCH_MIN } from "../../protocol/schemas.ts";

/** Why a stored event is untimed: its boot was never heard live, its synced time is ahead of its arrival, or before 2020. */
export const UNTIMED_REASONS = ["unheard_boot", "ahead", "before_2020"] as const;
export type UntimedReason = (typeof UNTIMED_REASONS)[number];

/**
 * Added to the clock tolerance before a synced time counts as ahead: a device clock is checked at each `status`
 * (every heartbeat) and corrected past the tolerance, so between two checks it may be off by a little more.
 */
export const AHEAD_MARGIN_MS = 60_000;

/** Why the synced time `ts` of an event that arrived at `receivedMs` cannot be used; undefined when it can. */
export function syncedTimeFault(ts: number, receivedMs: number, toleranceMs: number): UntimedReason | undefined {
  if (ts < EPOCH_MIN) return "before_2020";
  if (ts > receivedMs + toleranceMs + AHEAD_MARGIN_MS) return "ahead";
  return undefined;
}
