/**
 * Alert rules (docs/alerts.md): one zod schema per kind, the type of each from its schema. A rule says what to
 * watch, over which subjects (`scope` narrows to stores, terminals or employees; `per` says what one alert is
 * about), and where to deliver (`email` recipients, a `webhook` URL). Thresholds are in the units people read:
 * percent for the indices and the force-majeure level, minutes, counts.
 */
import { z } from "zod";
import { INDEX_NAMES } from "../indices/formulas.ts";
import { inWords } from "../../protocol/zod-words.ts";
import { GatewayError } from "../errors.ts";

const ids = z.array(z.string().trim().min(1).max(100)).max(1000).default([]);

const scope = z
  .object({
    stores: ids,
    terminals: ids,
    employees: ids,
  })
  .strict()
  .prefault({});

const delivery = {
  /** E-mail recipients of this rule's alerts. */
  email: z.array(z.email("an e-mail address, e.g. manager@example.com")).max(50).default([]),
  /** An HTTP(S) URL that gets each alert as JSON (POST). */
  webhook: z.url({ protocol: /^https?$/, error: "an http:// or https:// URL" }).optional(),
};

const common = {
  name: z.string().trim().min(1).max(200).optional(),
  scope,
  ...delivery,
};

/** An index over or under a threshold (percent) for today or the last hour, once the sample is big enough. */
export const indexRuleSchema = z
  .object({
    kind: z.literal("index"),
    index: z.enum(INDEX_NAMES),
    op: z.enum(["above", "below"]),
    /** Percent: ИНК 0..100, ИЭЛ −100..100. */
    threshold: z.number().min(-100).max(100),
    /** `day`: the store-local day so far; `hour`: the last 60 minutes. */
    window: z.enum(["day", "hour"]).default("day"),
    /** Fewer surveys than this say nothing: no alert opens, and an open one stays as it is. */
    minSample: z.number().int().min(1).max(100_000).default(10),
    per: z.enum(["store", "terminal", "employee"]).default("terminal"),
    ...common,
  })
  .strict();

/** «Уровень форс-мажора» today (periods reported / surveys, percent) over a threshold. */
export const fmRuleSchema = z
  .object({
    kind: z.literal("fm-level"),
    threshold: z.number().min(0).max(1000),
    minSample: z.number().int().min(1).max(100_000).default(10),
    per: z.enum(["store", "terminal"]).default("terminal"),
    ...common,
  })
  .strict();

/** A terminal none of whose paired devices was heard for `minutes` (any one silent that long makes it offline). */
export const offlineRuleSchema = z
  .object({
    kind: z.literal("offline"),
    minutes: z.number().int().min(1).max(7 * 24 * 60),
    ...common,
  })
  .strict();

/** A paired device whose outbox (unsent events, from its status frames) holds at least `depth` events. */
export const outboxRuleSchema = z
  .object({
    kind: z.literal("outbox"),
    depth: z.number().int().min(1).max(1_000_000),
    ...common,
  })
  .strict();

/** Surveys with a review flag today (silent-run or quick answer) at least `count`. */
export const flagRuleSchema = z
  .object({
    kind: z.literal("flags"),
    flag: z.enum(["silent-run", "quick"]),
    count: z.number().int().min(1).max(100_000),
    per: z.enum(["store", "terminal", "employee"]).default("terminal"),
    ...common,
  })
  .strict();

export const ruleSchema = z.discriminatedUnion("kind", [indexRuleSchema, fmRuleSchema, offlineRuleSchema, outboxRuleSchema, flagRuleSchema]);

export type Rule = z.infer<typeof ruleSchema>;
export type RuleInput = z.input<typeof ruleSchema>;
export type RuleKind = Rule["kind"];
export const RULE_KINDS = ["index", "fm-level", "offline", "outbox", "flags"] as const satisfies readonly RuleKind[];

/** A stored rule with its id. */
export type StoredRule = Rule & { id: number; createdMs: number; createdBy: string };

/** `value` as a rule, or a GatewayError naming `where` and each problem in words. */
export function parseRule(value: unknown, where: string): Rule {
  const r = ruleSchema.safeParse(value, { error: inWords });
  if (r.success) return r.data;
  const words = r.error.issues.map((i) => {
    const path = i.path.join(".") || "(rule)";
    if (i.code === "invalid_union" && i.path.length === 0) return `kind: expected one of ${RULE_KINDS.join(", ")}`;
    if (i.path[0] === "kind") return `kind: expected one of ${RULE_KINDS.join(", ")}`;
    if (i.code === "unrecognized_keys") return `${path}: unknown field(s) ${i.keys.join(", ")}`;
    return `${path}: ${i.message}`;
  });
  throw new GatewayError("invalid", `${where}: ${words.join("; ")}`);
}
