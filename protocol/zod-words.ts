/**
 * Zod's issues in words. Zod's own wording ("Invalid input: expected boolean, received undefined", "Too small:
 * expected string to have >=1 characters") is the validator's, not an answer to a person or a device: pass
 * `{ error: inWords }` to every `safeParse` whose issues are shown, and `describeIssues` for the `path: message` list.
 * A message a schema gives itself (`.min(1, "expected some text")`, `.refine(..., { message })`) wins over this map.
 * It lives in protocol/ because the Node end of the wire (protocol/endpoints.ts) uses it too, and protocol/ imports
 * nothing from gateway/.
 */
import type { z } from "zod";

type Primitive = string | number | bigint | boolean | symbol | null | undefined;

const shown = (v: Primitive) => (typeof v === "string" ? JSON.stringify(v) : String(v));

/* "a" or "b"; one of "a", "b", "c". */
function oneOf(values: readonly Primitive[]): string {
  return values.length <= 2 ? values.map(shown).join(" or ") : `one of ${values.map(shown).join(", ")}`;
}

const A_TYPE: Record<string, string> = { int: "a whole number", nan: "a number", array: "a list", object: "an object", nonoptional: "a value", undefined: "nothing" };

const UNIT: Record<string, [string, string]> = { string: ["character", "characters"], array: ["item", "items"], set: ["item", "items"], file: ["byte", "bytes"] };

function bound(iss: { origin: string; inclusive?: boolean; exact?: boolean }, small: boolean, n: number | bigint): string {
  const unit = UNIT[iss.origin];
  const size = unit ? ` ${n} ${n === 1 || n === 1n ? unit[0] : unit[1]}` : ` ${iss.origin === "date" ? new Date(Number(n)).toISOString() : n}`;
  if (iss.exact) return `expected exactly${size}`;
  if (iss.inclusive === false) return `expected ${small ? "more" : "less"} than${size}`;
  return `expected ${small ? "at least" : "at most"}${size}`;
}

function format(iss: z.core.$ZodRawIssue<z.core.$ZodIssueInvalidStringFormat>): string {
  if (iss.format === "starts_with") return `expected text starting with ${JSON.stringify(iss.prefix)}`;
  if (iss.format === "ends_with") return `expected text ending with ${JSON.stringify(iss.suffix)}`;
  if (iss.format === "includes") return `expected text containing ${JSON.stringify(iss.includes)}`;
  if (iss.format === "regex") return "not in the expected form";
  return `expected a valid ${iss.format}`;
}

/** The words for one issue; `undefined` only where zod has a message of the schema's own. */
export const inWords: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case "invalid_type":
      return iss.input === undefined ? "required" : `expected ${A_TYPE[iss.expected] ?? `a ${iss.expected}`}`;
    case "too_small":
      return bound(iss, true, iss.minimum);
    case "too_big":
      return bound(iss, false, iss.maximum);
    case "invalid_format":
      return format(iss);
    case "not_multiple_of":
      return `expected a multiple of ${iss.divisor}`;
    case "unrecognized_keys":
      return `unknown field${iss.keys.length > 1 ? "s" : ""} ${iss.keys.map((k) => JSON.stringify(k)).join(", ")}`;
    case "invalid_union": {
      const options = (iss as { options?: Primitive[] }).options;
      return options?.length ? `expected ${oneOf(options)}` : "matches none of the allowed forms";
    }
    case "invalid_key":
      return "a key is not allowed here";
    case "invalid_element":
      return "an element is not allowed here";
    case "invalid_value":
      return `expected ${oneOf(iss.values)}`;
    case "custom":
      return "not allowed here";
    default:
      return undefined;
  }
};

/** `path: message` for each issue, joined with "; ", the path `root` when the whole value is at fault. */
export function describeIssues(error: z.ZodError, root = "(root)"): string {
  return issueLines(error, root).join("; ");
}

/** `path: message` for each issue, one string each. */
export function issueLines(error: z.ZodError, root = "(root)"): string[] {
  return error.issues.map((i) => `${i.path.map(String).join(".") || root}: ${i.message}`);
}
