/**
 * The one codec both sides import (docs/protocol.md): message <-> frame line.
 * Never throws: every failure is `{ ok: false, code, reason }`. Pure and inside the Espruino subset; the
 * CRC function and the length limits come in as options, because device and gateway differ in both.
 */
import { DOWN_TYPES, FIELDS, UP_TYPES } from "./constants.ts";
import { checkFields, eachField } from "./fields.ts";
import { decodeFrame, encodeFrame, type Crc32 } from "./frame.ts";
import type { Failure } from "./result.ts";
import type { Message } from "./schemas.ts";

export interface CodecOptions {
  /** CRC-32 (IEEE) of a string; the gateway passes protocol/crc32.ts, a device passes E.CRC32. */
  crc32: Crc32;
  /** Longest line accepted by `decode` (MAX_UP_LINE on the gateway, MAX_DOWN_LINE on a device). */
  maxIn: number;
  /** Longest line `encode` may produce (MAX_DOWN_LINE on the gateway, MAX_UP_LINE on a device). */
  maxOut: number;
}

/**
 * A decoded message: its fields have the shapes the field table names; unknown fields are kept. A JSON object of a
 * known type that breaks its spec fails with the object as `parsed`, so that the gateway can name the event it
 * refuses without parsing the frame again (endpoints.ts).
 */
export type Decoded = { ok: true; msg: Message } | (Failure & { parsed?: { [k: string]: unknown } });
export type Encoded = { ok: true; line: string } | Failure;

export interface Codec {
  encode(msg: Message): Encoded;
  decode(line: string): Decoded;
}

/* JSON.stringify leaves characters above 0x7e as they are; frames carry printable ASCII only. */
function asciiOnly(json: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c > 126) {
      out += json.slice(from, i) + "\\u" + c.toString(16).padStart(4, "0");
      from = i + 1;
    }
  }
  return from === 0 ? json : out + json.slice(from);
}

/* The spec of a message type in a field table, or undefined (a non-string or inherited name is no type). */
function specOf(type: unknown, fields: { [type: string]: string }): string | undefined {
  if (typeof type !== "string") return undefined;
  const spec = fields[type];
  return typeof spec === "string" ? spec : undefined;
}

/** The direction of a message type, or undefined when the type is unknown. */
export function directionOf(type: string): "up" | "down" | undefined {
  if ((UP_TYPES as readonly string[]).indexOf(type) >= 0) return "up";
  if ((DOWN_TYPES as readonly string[]).indexOf(type) >= 0) return "down";
  return undefined;
}

/* Canonical JSON: `t` first, then the table's fields in order; unknown fields are not sent. */
function toJson(msg: { [k: string]: unknown }, spec: string): string {
  let json = '{"t":' + JSON.stringify(msg.t);
  eachField(spec, (name) => {
    const v = msg[name];
    if (v !== undefined) json += ',"' + name + '":' + JSON.stringify(v);
    return undefined;
  });
  return asciiOnly(json + "}");
}

/**
 * The message in a checked frame's payload: a JSON object whose `t` is a type of `fields` (FIELDS, or one
 * direction's table) and whose fields fit that type's spec. Unknown fields are kept.
 */
export function decodePayload(payload: string, fields: { [type: string]: string }): Decoded {
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch (e) {
    return { ok: false, code: "bad_json", reason: "payload is not JSON" };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { ok: false, code: "bad_message", reason: "payload is not a JSON object" };
  }
  const obj = raw as { [k: string]: unknown };
  const spec = specOf(obj.t, fields);
  if (spec === undefined) return { ok: false, code: "unknown_type", reason: "unknown message type " + String(obj.t).slice(0, 32) };
  const problem = checkFields(obj, spec);
  if (problem !== undefined) return { ok: false, code: "bad_message", reason: obj.t + " " + problem, parsed: obj };
  return { ok: true, msg: obj as unknown as Message };
}

export function createCodec(opts: CodecOptions): Codec {
  const crc32 = opts.crc32;
  return {
    encode(msg: Message): Encoded {
      const raw = msg as unknown as { [k: string]: unknown };
      if (typeof raw !== "object" || raw === null) return { ok: false, code: "bad_message", reason: "not an object" };
      const spec = specOf(raw.t, FIELDS);
      if (spec === undefined) return { ok: false, code: "unknown_type", reason: "unknown message type " + String(raw.t) };
      const problem = checkFields(raw, spec);
      if (problem !== undefined) return { ok: false, code: "bad_message", reason: raw.t + " " + problem };
      const line = encodeFrame(toJson(raw, spec), crc32);
      if (line.length - 1 > opts.maxOut) {
        return { ok: false, code: "too_long", reason: raw.t + " frame of " + (line.length - 1) + " bytes exceeds " + opts.maxOut };
      }
      return { ok: true, line: line };
    },

    decode(line: string): Decoded {
      const frame = decodeFrame(line, opts.maxIn, crc32);
      return frame.ok ? decodePayload(frame.payload, FIELDS) : frame;
    },
  };
}
