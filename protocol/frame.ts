/**
 * Framing (docs/protocol.md#framing): `[noise]~LB<major>|<payload>|<crc>` on one line.
 * The CRC-32 (IEEE, as zlib's crc32 and Espruino's E.CRC32) covers `<major>|<payload>` and is written as
 * 8 lower-case hex digits. Pure and inside the Espruino subset: the CRC function comes in from the caller.
 */
import { isDigit, isPrintable, isStringOf, type CharTest } from "./chars.ts";
import { FRAME_MARKER, PROTOCOL_MAJOR } from "./constants.ts";
import type { Failure } from "./result.ts";

/** A CRC-32 over a string of byte-valued characters; any sign, only the low 32 bits count. */
export type Crc32 = (text: string) => number;

export type FrameResult = { ok: true; payload: string } | Failure;

/** Lower-case 8-digit hex of the low 32 bits of `n`. */
export function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}

/** Wraps a payload (printable ASCII) into a frame line, `\n` included. */
export function encodeFrame(payload: string, crc32: Crc32): string {
  const body = PROTOCOL_MAJOR + "|" + payload;
  return FRAME_MARKER + body + "|" + hex8(crc32(body)) + "\n";
}

/* Index of the first character outside printable ASCII, or -1. Its own loop rather than isStringOf: this scan
   covers the whole line and is the gateway's hottest check (a test function per character costs it about 15 %). */
function firstUnprintable(text: string): number {
  for (let i = 0; i < text.length; i++) if (!isPrintable(text.charCodeAt(i))) return i;
  return -1;
}

/* CRC digits: lower-case hex only (docs/decisions.md "Lower-case CRC hex only"). */
const hexChar: CharTest = (c) => isDigit(c) || (c >= 97 && c <= 102);

/* Checks the frame that starts right after one marker; `rest` is the line after `~LB`. */
function decodeAt(rest: string, crc32: Crc32): FrameResult {
  if (firstUnprintable(rest) >= 0) {
    return { ok: false, code: "not_ascii", reason: "byte 0x" + rest.charCodeAt(firstUnprintable(rest)).toString(16) + " at frame offset " + firstUnprintable(rest) };
  }
  const bar = rest.indexOf("|");
  const last = rest.lastIndexOf("|");
  if (bar < 0 || last === bar) return { ok: false, code: "bad_frame", reason: "expected ~LB<version>|<payload>|<crc>" };
  const version = rest.slice(0, bar);
  if (!isStringOf(version, 1, 3, isDigit)) return { ok: false, code: "bad_frame", reason: "version '" + version.slice(0, 8) + "' is not a number" };
  const crcText = rest.slice(last + 1);
  if (!isStringOf(crcText, 8, 8, hexChar)) return { ok: false, code: "bad_frame", reason: "CRC '" + crcText.slice(0, 12) + "' is not 8 lower-case hex digits" };
  const body = rest.slice(0, last);
  const want = hex8(crc32(body));
  if (crcText !== want) return { ok: false, code: "bad_crc", reason: "CRC " + crcText + " does not match " + want };
  if (parseInt(version, 10) !== PROTOCOL_MAJOR) {
    return { ok: false, code: "bad_version", reason: "protocol version " + version + " is not supported (this side speaks " + PROTOCOL_MAJOR + ")" };
  }
  return { ok: true, payload: rest.slice(bar + 1, last) };
}

/**
 * Finds and checks the frame in one line (its `\n` or `\r\n` may be present). The length limit applies to the
 * whole line before anything else is looked at. Noise before the marker is skipped; when the noise itself holds
 * a marker, each later marker is tried; the first failure past the frame's shape is reported, else the last.
 */
export function decodeFrame(line: string, maxLength: number, crc32: Crc32): FrameResult {
  let end = line.length;
  if (end > 0 && line.charCodeAt(end - 1) === 10) end--;
  if (end > 0 && line.charCodeAt(end - 1) === 13) end--;
  if (end > maxLength) return { ok: false, code: "too_long", reason: "line of " + end + " bytes exceeds " + maxLength };
  const text = end === line.length ? line : line.slice(0, end);
  let at = text.indexOf(FRAME_MARKER);
  if (at < 0) return { ok: false, code: "no_marker", reason: "no " + FRAME_MARKER + " in line" };
  /* A marker can also stand inside a payload: report the first failure that got past the frame's shape. */
  let kept: FrameResult | undefined;
  for (;;) {
    const result = decodeAt(text.slice(at + FRAME_MARKER.length), crc32);
    if (!kept && !result.ok && result.code !== "bad_frame") kept = result;
    at = text.indexOf(FRAME_MARKER, at + 1);
    if (result.ok || at < 0) return result.ok ? result : (kept ?? result);
  }
}
