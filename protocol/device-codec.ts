/**
 * The device's half of the codec (docs/protocol.md; docs/decisions.md "Canonical encoding"): it frames the up
 * messages a device builds and checks the down lines it receives with the same rules, in the same order and with
 * the same codes as the gateway's codec (frame.ts `decodeFrame`, codec.ts `decodePayload` against DOWN_FIELDS).
 *
 * Written for the device's RAM rather than shared with the gateway: on Espruino every function object costs
 * variables (about 5, plus one per parameter) while function text run from flash costs none, and the shared
 * codec's twenty small functions and tables took 247 of an ESP8266's 1,600 variables. So this is two functions
 * with every check inline, and the field table and enums come in as arguments: the firmware passes them as
 * build-time literals (firmware/build/build.ts defines LB_DOWN and LB_ENUMS from protocol/constants.ts), which
 * exist only while a line is being decoded. tests/protocol/device-codec.test.ts holds it to the full codec's
 * verdict and code on every golden frame and on thousands of generated and corrupted ones.
 *
 * One difference, forced by the runtime: the characters of a `txt` field (the key question) are not checked for
 * control characters. Espruino builds without Unicode support (the Pico's, the ESP8266's) keep only the low byte
 * of a `\uXXXX` escape, so `"\u0412"` (В) reads as 0x12 and a Russian question would look full of control
 * characters; the device does not use the text, and the gateway never sends a control character (its encoder
 * checks the same table). No multi-character `indexOf` either: 2v29's reports a partial match at the end of a
 * string (shared/espruino.md).
 */
import { MAX_ACK_SEQS, MAX_DOWN_LINE, MAX_QUESTION_TEXT, PROTOCOL_MAJOR } from "./constants.ts";
import type { DecodeErrorCode } from "./result.ts";
import type { DownMsg, UpMsg } from "./schemas.ts";

/** A CRC-32 over a string of byte-valued characters (E.CRC32 on a device). */
export type Crc = (text: string) => number;

/**
 * The frame line (`\n` included) of an up message built with `t` first and its fields in table order, optional
 * ones absent or undefined, strings printable ASCII: JSON.stringify then gives the canonical payload (Espruino's,
 * too, leaves out undefined values). tests/firmware checks every frame the firmware writes against the full codec.
 */
export const encodeUp = (msg: UpMsg, crc: Crc): string => {
  const body = PROTOCOL_MAJOR + "|" + JSON.stringify(msg);
  return "~LB" + body + "|" + (crc(body) >>> 0).toString(16).padStart(8, "0") + "\n";
};

/**
 * A down line to its message, or the code it is rejected with (docs/protocol.md "Framing": too_long, no_marker,
 * not_ascii, bad_frame, bad_crc, bad_version, bad_json, unknown_type, bad_message). `fields` is DOWN_FIELDS and
 * `enums` ENUMS of protocol/constants.ts. As in decodeFrame, each `~LB` of the line is tried in turn; the first
 * frame that checks out is the one decoded, and when none does, the first failure past the frame's shape (or
 * else the last one) is the answer.
 */
export const decodeDown = (line: string, crc: Crc, fields: { [t: string]: string }, enums: { [name: string]: readonly string[] }): DownMsg | DecodeErrorCode => {
  let e = line.length;
  if (e && line.charCodeAt(e - 1) === 10) e--;
  if (e && line.charCodeAt(e - 1) === 13) e--;
  if (e > MAX_DOWN_LINE) return "too_long";
  let kept: DecodeErrorCode | undefined;
  let last: DecodeErrorCode = "no_marker";
  let payload: string | undefined;
  for (let at = 0; at + 3 <= e && payload === undefined; at++) {
    if (line.charCodeAt(at) !== 126 || line.substr(at, 3) !== "~LB") continue;
    const rest = line.slice(at + 3, e);
    let code: DecodeErrorCode | undefined;
    for (let i = 0; i < rest.length && !code; i++) {
      const c = rest.charCodeAt(i);
      if (c < 32 || c > 126) code = "not_ascii";
    }
    const bar = rest.indexOf("|");
    const end = rest.lastIndexOf("|");
    const ver = rest.slice(0, bar);
    const sum = rest.slice(end + 1);
    if (!code && (bar < 0 || end === bar || !/^[0-9]+$/.test(ver) || ver.length > 3 || !/^[0-9a-f]+$/.test(sum) || sum.length !== 8)) code = "bad_frame";
    if (!code && (crc(rest.slice(0, end)) >>> 0).toString(16).padStart(8, "0") !== sum) code = "bad_crc";
    if (!code && parseInt(ver, 10) !== PROTOCOL_MAJOR) code = "bad_version";
    if (code) {
      if (!kept && code !== "bad_frame") kept = code;
      last = code;
    } else payload = rest.slice(bar + 1, end);
  }
  if (payload === undefined) return kept || last;
  let m: { [k: string]: unknown };
  try {
    m = JSON.parse(payload);
  } catch (x) {
    return "bad_json";
  }
  if (typeof m !== "object" || m === null || Array.isArray(m)) return "bad_message";
  const spec = typeof m.t === "string" ? fields[m.t] : undefined;
  if (typeof spec !== "string") return "unknown_type";
  const parts = spec.split(" ");
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p] as string;
    const colon = part.indexOf(":");
    const opt = part.charAt(colon - 1) === "?";
    const type = part.slice(colon + 1);
    const v = m[part.slice(0, opt ? colon - 1 : colon)];
    if (v === undefined) {
      if (opt) continue;
      return "bad_message";
    }
    /* Strings: id 1..32 of [A-Za-z0-9._-], s 1..64 printable ASCII, txt 0..120 characters (see below). */
    const str = type === "id" ? 32 : type === "s" ? 64 : type === "txt" ? MAX_QUESTION_TEXT : 0;
    let ok = typeof v === "string" && v.length >= (type === "txt" ? 0 : 1) && v.length <= str;
    for (let i = 0; ok && type !== "txt" && i < (v as string).length; i++) {
      const c = (v as string).charCodeAt(i);
      ok = type === "s" ? c >= 32 && c <= 126 : (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46 || c === 95;
    }
    if (!str) {
      /* u: an unsigned safe integer; us: 1..MAX_ACK_SEQS of them; else the name of an enum. */
      const list = type === "us" ? v : [v];
      ok = type === "u" || type === "us" ? Array.isArray(list) && list.length >= 1 && list.length <= MAX_ACK_SEQS : false;
      for (let i = 0; ok && i < (list as unknown[]).length; i++) {
        const n = (list as unknown[])[i];
        ok = typeof n === "number" && n >= 0 && n <= 9007199254740991 && Math.floor(n) === n;
      }
      const words = enums[type];
      if (!ok && words && type !== "u" && type !== "us") for (let i = 0; i < words.length; i++) if (words[i] === v) ok = true;
    }
    if (!ok) return "bad_message";
  }
  return m as unknown as DownMsg;
};
