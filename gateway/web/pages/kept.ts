/**
 * What the user typed into a form the gateway refused, drawn back into that form with the error (docs/web.md#forms):
 * nothing typed is lost to a mistake in one field. Only the form posted to the same address gets the values back.
 * Pure.
 */
import type { FastifyRequest } from "fastify";

export interface Kept {
  /** The address the form was posted to, e.g. `/alerts/rules` or `/terminals/s1.till-2/timing`. */
  action: string;
  fields: Readonly<Record<string, string>>;
}

/** The posted form of `req` (its text fields, not the CSRF token). */
export function keptOf(req: FastifyRequest): Kept {
  const fields: Record<string, string> = {};
  const body = req.body;
  if (body && typeof body === "object") for (const [k, v] of Object.entries(body)) if (typeof v === "string" && k !== "_csrf") fields[k] = v;
  return { action: req.url.split("?")[0]!, fields };
}

/** A form's values: what was typed into it when it was the one refused (`same`: also another field set of it), else `fallback`. */
export function formValues(kept: Kept | undefined, action: string, same?: (fields: Kept["fields"]) => boolean) {
  const mine = kept !== undefined && kept.action === action && (same?.(kept.fields) ?? true) ? kept.fields : undefined;
  return {
    /** The text field's value. */
    value: (name: string, fallback = ""): string => mine?.[name] ?? fallback,
    /** Whether `option` of the select `name` is the selected one. */
    selected: (name: string, option: string, fallback = false): boolean => (mine && name in mine ? mine[name] === option : fallback),
  };
}
