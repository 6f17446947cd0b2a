/**
 * The alerts page's forms (docs/web.md#alerts): a rule typed into the form of its kind becomes the rule object
 * gateway/alerts/rules.ts checks; every problem comes back in Russian, naming the field as the form labels it.
 * Pure.
 */
import { z } from "zod";
import { ruleSchema, RULE_KINDS, type RuleKind } from "../../alerts/rules.ts";
import { GatewayError } from "../../errors.ts";
import { formNumber } from "./change.ts";

const text = (max: number) => z.string().max(max).default("");
export const ruleForm = z.object({
  kind: text(20),
  name: text(200),
  index: text(20),
  op: text(10),
  threshold: text(20),
  window: text(10),
  minSample: text(20),
  per: text(20),
  minutes: text(20),
  depth: text(20),
  flag: text(20),
  count: text(20),
  store: text(100),
  terminal: text(100),
  email: text(2000),
  webhook: text(2000),
  _csrf: z.string().optional(),
});
export const ackForm = z.object({ comment: text(2000), _csrf: z.string().optional() });
export const commentForm = z.object({ text: text(2000), _csrf: z.string().optional() });

export const KIND_TITLE: Record<RuleKind, string> = {
  index: "Индекс выше или ниже порога",
  "fm-level": "Уровень форс-мажора",
  offline: "Терминал не на связи",
  outbox: "Очередь устройства растёт",
  flags: "Пометки опросов",
};

/** The fields each kind's form has, besides the common ones (name, scope, delivery). */
export const KIND_FIELDS: Record<RuleKind, readonly string[]> = {
  index: ["index", "op", "threshold", "window", "minSample", "per"],
  "fm-level": ["threshold", "minSample", "per"],
  offline: ["minutes"],
  outbox: ["depth"],
  flags: ["flag", "count", "per"],
};

/** The form's labels, which the errors name. */
export const FIELD_TITLE: Record<string, string> = {
  kind: "вид правила",
  name: "название",
  index: "индекс",
  op: "условие",
  threshold: "порог, %",
  window: "за какое время",
  minSample: "наименьшая выборка",
  per: "о чём оповещение",
  minutes: "минут без связи",
  depth: "событий в очереди",
  flag: "пометка",
  count: "опросов с пометкой",
  scope: "где",
  email: "e-mail",
  webhook: "веб-хук",
};

const NUMBERS = new Set(["threshold", "minSample", "minutes", "depth", "count"]);

function issueWords(i: z.core.$ZodIssue): string {
  const field = FIELD_TITLE[String(i.path[0] ?? "kind")] ?? String(i.path[0]);
  const v = i as { code: string; minimum?: number | bigint; maximum?: number | bigint; expected?: string };
  if (v.code === "too_small" && v.minimum !== undefined) return `${field}: не меньше ${v.minimum}`;
  if (v.code === "too_big" && v.maximum !== undefined) return `${field}: не больше ${v.maximum}`;
  if (v.code === "invalid_type" && v.expected === "int") return `${field}: целое число`;
  if (i.path[0] === "email") return `${field}: адрес вида manager@example.com`;
  if (i.path[0] === "webhook") return `${field}: адрес http:// или https://`;
  return `${field}: значение не подходит`;
}

/** The rule the form describes, checked by the rules' schema; a GatewayError lists every problem in words. */
export function ruleFromForm(f: z.infer<typeof ruleForm>): unknown {
  const kind = f.kind as RuleKind;
  if (!(RULE_KINDS as readonly string[]).includes(kind)) throw new GatewayError("invalid", "Выберите вид правила.");
  const problems: string[] = [];
  const rule: Record<string, unknown> = { kind };
  for (const key of KIND_FIELDS[kind]) {
    const raw = (f as Record<string, string>)[key]!.trim();
    if (!raw) {
      if (key === "minSample" || key === "window" || key === "per") continue; /* the rule's defaults */
      problems.push(`${FIELD_TITLE[key]}: не заполнено`);
      continue;
    }
    if (NUMBERS.has(key)) {
      const n = formNumber(raw);
      if (n === undefined) problems.push(`${FIELD_TITLE[key]}: «${raw}» не число`);
      else rule[key] = n;
    } else rule[key] = raw;
  }
  if (f.name.trim()) rule.name = f.name.trim();
  rule.scope = { stores: f.store.trim() ? [f.store.trim()] : [], terminals: f.terminal.trim() ? [f.terminal.trim()] : [] };
  rule.email = f.email.split(/[,;\s]+/).filter(Boolean);
  if (f.webhook.trim()) rule.webhook = f.webhook.trim();
  if (problems.length === 0) {
    const r = ruleSchema.safeParse(rule);
    if (r.success) return rule;
    problems.push(...r.error.issues.map(issueWords));
  }
  throw new GatewayError("invalid", `Правило не добавлено: ${[...new Set(problems)].join("; ")}.`);
}
