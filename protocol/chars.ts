/**
 * Character-class checks shared by the framing (frame.ts) and the field table (fields.ts). Frames are ASCII,
 * so a character code is a byte. Inside the Espruino subset.
 */

/** A test of one character code. */
export type CharTest = (c: number) => boolean;

/** Whether `v` is a string of `min`..`max` characters that all pass `ok`. */
export function isStringOf(v: unknown, min: number, max: number, ok: CharTest): boolean {
  if (typeof v !== "string" || v.length < min || v.length > max) return false;
  for (let i = 0; i < v.length; i++) if (!ok(v.charCodeAt(i))) return false;
  return true;
}

export const isDigit: CharTest = (c) => c >= 48 && c <= 57;
/** Printable ASCII, 0x20..0x7e. */
export const isPrintable: CharTest = (c) => c >= 32 && c <= 126;
