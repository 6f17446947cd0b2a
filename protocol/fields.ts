/**
 * Structural check of one decoded message against the field table in constants.ts (docs/protocol.md#messages).
 * Inside the Espruino subset: the table is strings, parsed as it is read, so it costs little RAM on a device.
 */
import { isDigit, isPrintable, isStringOf, type CharTest } from "./chars.ts";
import { ENUMS, MAX_ACK_SEQS, MAX_QUESTION_TEXT } from "./constants.ts";

const MAX_SAFE = 9007199254740991;

/* Token characters: [A-Za-z0-9._-]. */
const tokenChar: CharTest = (c) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46 || c === 95;
/* Text: anything but control characters (C0 and DEL). */
const textChar: CharTest = (c) => c >= 32 && c !== 127;

function isUnsigned(v: unknown): boolean {
  return typeof v === "number" && v >= 0 && v <= MAX_SAFE && Math.floor(v) === v;
}

function allOf(v: unknown, min: number, max: number, check: (x: unknown) => boolean): boolean {
  if (!Array.isArray(v) || v.length < min || v.length > max) return false;
  for (let i = 0; i < v.length; i++) if (!check(v[i])) return false;
  return true;
}

function isAscii(x: unknown): boolean {
  return isStringOf(x, 1, 64, isPrintable);
}

/** Whether `v` has field type `type` (see FIELDS). */
export function fieldOk(type: string, v: unknown): boolean {
  if (type === "id") return isStringOf(v, 1, 32, tokenChar);
  if (type === "s") return isAscii(v);
  if (type === "txt") return isStringOf(v, 0, MAX_QUESTION_TEXT, textChar);
  if (type === "u") return isUnsigned(v);
  if (type === "n") return typeof v === "number" && isFinite(v);
  if (type === "bit") return v === 0 || v === 1;
  if (type === "us") return allOf(v, 1, MAX_ACK_SEQS, isUnsigned);
  if (type === "ss") return allOf(v, 0, 16, isAscii);
  const words = ENUMS[type];
  return !!words && words.indexOf(v as string) >= 0;
}

/**
 * Calls `visit(name, type, optional)` for each field of a spec string, in encoding order.
 * Stops early and returns what `visit` returned when that is a string.
 */
export function eachField(spec: string, visit: (name: string, type: string, optional: boolean) => string | undefined): string | undefined {
  const parts = spec.split(" ");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const colon = part.indexOf(":");
    const optional = part.charAt(colon - 1) === "?";
    const stop = visit(part.slice(0, optional ? colon - 1 : colon), part.slice(colon + 1), optional);
    if (typeof stop === "string") return stop;
  }
  return undefined;
}

/** The first problem of `msg` against `spec` as `field: problem`, or undefined when it fits. */
export function checkFields(msg: { [k: string]: unknown }, spec: string): string | undefined {
  return eachField(spec, (name, type, optional) => {
    const v = msg[name];
    if (v === undefined) return optional ? undefined : name + ": missing";
    if (!fieldOk(type, v)) return name + ": not a valid " + type;
    return undefined;
  });
}
