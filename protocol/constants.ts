/**
 * Wire protocol v1: every constant of the contract in one table.
 * docs/protocol.md is the prose for each value. This file compiles into the firmware bundle,
 * so it stays inside the Espruino subset (../shared/espruino.md): plain values only.
 */

/** Major version, written in every frame header. A receiver rejects any other major with `bad_version`. */
export const PROTOCOL_MAJOR = 1;
/** Full version a device reports in `hello` (minor versions only add optional fields). */
export const PROTOCOL_VERSION = "1.0";
/** Start of a frame; anything before it on the same line is noise and is skipped. */
export const FRAME_MARKER = "~LB";
/** Longest line a device may send, in bytes, `\n` excluded; the gateway checks it before parsing. */
export const MAX_UP_LINE = 256;
/** Longest line the gateway may send, in bytes, `\n` excluded (room for a Cyrillic key question). */
export const MAX_DOWN_LINE = 1024;
/** Most sequence numbers one `ack` may carry. */
export const MAX_ACK_SEQS = 32;
/** Longest key question text in `config`, in characters. */
export const MAX_QUESTION_TEXT = 120;
/** Name of the one function a device that reads input through the Espruino REPL exposes: `\x10LB("<frame>")`. */
export const REPL_ENTRY = "LB";

/** Message types by direction. */
export const UP_TYPES = ["hello", "event", "status"] as const;
export const DOWN_TYPES = ["ack", "nack", "config", "time", "unpair", "query", "identify"] as const;

export const ROLES = ["combo", "keypad", "seller"] as const;
/** Event kinds: seller short / long press, customer keys, and a button held too long. */
export const EVENT_KINDS = ["short", "long", "yes", "no", "unsure", "stuck"] as const;
export const BUTTONS = ["seller", "yes", "no", "unsure"] as const;
export const QUESTION_KINDS = ["staff", "office", "recommend"] as const;

/** Why a line was rejected while decoding, in the order the checks run. */
export const DECODE_ERRORS = [
  "too_long",
  "no_marker",
  "not_ascii",
  "bad_frame",
  "bad_crc",
  "bad_version",
  "bad_json",
  "unknown_type",
  "bad_message",
] as const;
/** Codes the gateway may put in a `nack` besides the decode errors. */
export const GATEWAY_NACKS = ["not_paired", "wrong_device", "internal"] as const;

/**
 * Fields of every message after `t`, in the order they are encoded, by direction (a device bundles only
 * DOWN_FIELDS, the table it checks received messages against; FIELDS is both).
 * `name:type`, `name?:type` when optional. Types: `id` token [A-Za-z0-9._-]{1,32}; `s` printable ASCII 1..64;
 * `txt` text of up to MAX_QUESTION_TEXT characters (any Unicode, no control characters); `u` unsigned integer;
 * `n` finite number; `bit` 0 or 1; `us` array of `u` (1..MAX_ACK_SEQS); `ss` array of `s` (0..16);
 * any other type is the name of an enum in ENUMS.
 */
export const UP_FIELDS: { [type: string]: string } = {
  hello: "d:id b:id fw:s pv:s role:role cap:ss up:u",
  event: "d:id b:id n:u k:kind ts:u sync:bit btn?:button",
  status: "d:id b:id up:u q:u drop:u mem?:u vcc?:n clk?:u",
};
export const DOWN_FIELDS: { [type: string]: string } = {
  ack: "d:id b:id n:us",
  nack: "d:id code:s b?:id n?:u",
  config: "d:id tid:id role:role q:question qt:txt w:u l:u fm:u hb:u",
  time: "d:id ms:u",
  unpair: "d:id",
  query: "d:id",
  identify: "d:id s:u",
};
export const FIELDS: { [type: string]: string } = /* @__PURE__ */ Object.assign({}, UP_FIELDS, DOWN_FIELDS);

/** Enums the field table names: the lists above, looked up as they are. */
export const ENUMS: { [name: string]: readonly string[] } = {
  role: ROLES,
  kind: EVENT_KINDS,
  button: BUTTONS,
  question: QUESTION_KINDS,
};
