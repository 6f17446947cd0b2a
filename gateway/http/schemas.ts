/** HTTP request shapes of the report and review API, and their check (docs/reports.md#http, #expert-review). */
import { z } from "zod";
import { describeIssues, inWords } from "../../protocol/zod-words.ts";
import { GatewayError } from "../errors.ts";

/** `value` checked by `schema`, or a GatewayError naming `where` and each problem in words. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const r = schema.safeParse(value ?? {}, { error: inWords });
  if (!r.success) throw new GatewayError("invalid", `${where}: ${describeIssues(r.error)}`);
  return r.data;
}

const csv = z
  .string()
  .optional()
  .transform((v) => (v ? v.split(",").map((x) => x.trim()).filter(Boolean) : undefined));

export const reportQuery = z
  .object({
    from: z.string().default("yesterday"),
    to: z.string().optional(),
    groupBy: z.string().default("store"),
    store: csv,
    terminal: csv,
    employee: csv,
    format: z.enum(["json", "csv", "html"]).default("json"),
    token: z.string().optional(),
  })
  .strict();

export const reviewQuery = z
  .object({
    from: z.string().default("yesterday"),
    to: z.string().optional(),
    store: csv,
    terminal: csv,
    employee: csv,
    answer: csv,
    flag: csv,
    status: csv,
    invalid: z.enum(["true", "false"]).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(500),
    token: z.string().optional(),
  })
  .strict();

export const surveyReviewBody = z
  /* `by`: who reviews, required from a program; a signed-in user's login is taken instead (gateway/web/auth.ts). */
  .object({ valid: z.boolean(), reason: z.string().trim().min(1).max(500).optional(), by: z.string().trim().min(1).max(100).optional() })
  .strict()
  .refine((b) => b.valid || b.reason !== undefined, { message: "a survey is marked invalid with a reason", path: ["reason"] });

export const periodReviewBody = z
  .object({
    status: z.enum(["confirmed", "rejected"]),
    /** Corrected end: an ISO time, or store-local `YYYY-MM-DD HH:MM[:SS]`. */
    end: z.string().optional(),
    reason: z.string().trim().max(500).optional(),
    by: z.string().trim().min(1).max(100).optional(),
  })
  .strict();

export const undoBody = z.object({ by: z.string().trim().min(1).max(100).optional() }).strict();
