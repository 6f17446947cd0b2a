/**
 * A review log entry as it travels between a store and the hub (docs/hub.md#review-sync): what both sides keep of
 * every review, under its chain-wide uid. The zod schema is the wire's (gateway/hub/wire.ts adds the hub's number);
 * the type is what the store applies (actions.ts) and the hub keeps (gateway/hub/review.ts).
 */
import { z } from "zod";

export const surveyStateSchema = z.object({ valid: z.boolean(), reason: z.string().max(2000).nullable() }).strict();
export const fmStateSchema = z.object({ status: z.enum(["unreviewed", "confirmed", "rejected"]), endMs: z.number().int().nullable() }).strict();

export const reviewEntrySchema = z
  .object({
    uid: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, "8 to 64 letters, digits or '-'"),
    atMs: z.number().int(),
    by: z.string().min(1).max(200),
    target: z.enum(["survey", "fm"]),
    targetId: z.number().int().min(1),
    terminalId: z.string().min(1).max(200),
    action: z.enum(["valid", "invalid", "confirm", "reject", "undo"]),
    reason: z.string().max(2000).nullable(),
    before: z.union([surveyStateSchema, fmStateSchema]),
    after: z.union([surveyStateSchema, fmStateSchema]),
    undoesUid: z.string().max(64).nullable(),
  })
  .strict();
export type ReviewEntry = z.infer<typeof reviewEntrySchema>;

/** Both states must be of the target's kind: a survey's (valid, reason) or a period's (status, end). */
export function statesMatchTarget(r: Pick<ReviewEntry, "target" | "before" | "after">): boolean {
  return "valid" in r.before === (r.target === "survey") && "valid" in r.after === (r.target === "survey");
}
