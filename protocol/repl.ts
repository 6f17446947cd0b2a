/**
 * The REPL form of a down frame (docs/protocol.md#serial): for a device that reads its input through the
 * Espruino REPL, the gateway writes `\x10LB("<frame>")\n`, one call of the firmware's one entry function.
 * `\x10` turns the REPL's echo off for that line. The frame is printable ASCII, so the JSON string literal of
 * it is a valid JavaScript string literal and carries nothing else the REPL would execute.
 */
import { REPL_ENTRY } from "./constants.ts";

/** Wraps one frame line (with or without its `\n`) into the REPL entry call. */
export function replCall(frameLine: string): string {
  const frame = frameLine.charCodeAt(frameLine.length - 1) === 10 ? frameLine.slice(0, -1) : frameLine;
  return "\x10" + REPL_ENTRY + "(" + JSON.stringify(frame) + ")\n";
}
