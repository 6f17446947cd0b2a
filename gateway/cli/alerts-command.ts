/**
 * `loyalty alerts`: alert rules (add, list, remove), alerts (list, ack, comment, close) and the delivery log
 * (docs/alerts.md#the-command-line). Works on the database like `loyalty review`; a running gateway picks up a new
 * rule at its next evaluation.
 */
import type { Command } from "commander";
import { ackAlert, addRule, closeAlert, commentAlert, deliveries, listAlerts, listRules, removeRule, type AlertView } from "../alerts/manage.ts";
import { GatewayError } from "../errors.ts";
import { indexSettings } from "../reports/settings.ts";
import { table } from "../reports/table.ts";
import { formatLocal } from "../time/zone.ts";
import type { CliIo } from "./io.ts";
import { withDbFlags, withStore, type DbFlags } from "./open.ts";

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(",").map((x) => x.trim()).filter(Boolean)];
const who = () => ({ by: process.env.LOYALTY_REVIEWER ?? process.env.USER ?? "manager", now: Date.now() });

function num(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.replace(",", "."));
  if (text.trim() === "" || !Number.isFinite(n)) throw new GatewayError("invalid", `${flag}: expected a number, got "${text}"`);
  return n;
}

function idArg(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new GatewayError("invalid", `expected an alert or rule number, got "${text}"`);
  return n;
}

interface AddFlags extends DbFlags {
  kind: string;
  name?: string;
  index?: string;
  above?: string;
  below?: string;
  window?: string;
  minSample?: string;
  per?: string;
  threshold?: string;
  minutes?: string;
  depth?: string;
  flag?: string;
  count?: string;
  store?: string[];
  terminal?: string[];
  employee?: string[];
  email?: string[];
  webhook?: string;
}

/** The rule the flags describe; rules.ts checks it. */
function ruleFrom(f: AddFlags): Record<string, unknown> {
  if (f.above !== undefined && f.below !== undefined) throw new GatewayError("invalid", "choose one of --above and --below");
  const r: Record<string, unknown> = {
    kind: f.kind,
    name: f.name,
    scope: { stores: f.store ?? [], terminals: f.terminal ?? [], employees: f.employee ?? [] },
    email: f.email ?? [],
    webhook: f.webhook,
  };
  if (f.kind === "index") {
    if (f.above === undefined && f.below === undefined) throw new GatewayError("invalid", "an index rule needs --above <percent> or --below <percent>");
    Object.assign(r, { index: f.index, op: f.above !== undefined ? "above" : "below", threshold: num(f.above ?? f.below, f.above !== undefined ? "--above" : "--below"), window: f.window, minSample: num(f.minSample, "--min-sample"), per: f.per });
    if (f.index === undefined) throw new GatewayError("invalid", "an index rule needs --index inkStaff|inkOffice|iel");
  } else if (f.kind === "fm-level") Object.assign(r, { threshold: num(f.threshold ?? f.above, "--threshold"), minSample: num(f.minSample, "--min-sample"), per: f.per });
  else if (f.kind === "offline") Object.assign(r, { minutes: num(f.minutes, "--minutes") });
  else if (f.kind === "outbox") Object.assign(r, { depth: num(f.depth, "--depth") });
  else if (f.kind === "flags") Object.assign(r, { flag: f.flag, count: num(f.count, "--count"), per: f.per });
  for (const k of Object.keys(r)) if (r[k] === undefined) delete r[k];
  return r;
}

const STATE: Record<string, string> = { open: "открыта", acknowledged: "подтверждена", closed: "закрыта" };

function alertRows(alerts: AlertView[], tz: string): string[][] {
  return alerts.map((a) => [
    String(a.id),
    STATE[a.state] ?? a.state,
    formatLocal(a.openedMs, tz),
    a.ruleName,
    a.message,
    a.ackedBy ?? "-",
    a.state === "closed" ? (a.closedBy ?? "авто") : "-",
    String(a.comments.length),
  ]);
}

export function registerAlerts(program: Command, io: CliIo): void {
  const alerts = program.command("alerts").description("alert rules, alerts (acknowledge, comment, close) and their deliveries");
  const rules = alerts.command("rules").description("alert rules: what to watch and whom to tell");

  withDbFlags(
    rules
      .command("add")
      .requiredOption("--kind <kind>", "index, fm-level, offline, outbox or flags")
      .option("--name <name>", "a name people read in e-mails")
      .option("--index <index>", "index: inkStaff, inkOffice or iel")
      .option("--above <percent>", "index: alert above this percent")
      .option("--below <percent>", "index: alert below this percent")
      .option("--window <window>", "index: day (the store's day so far, default) or hour (the last 60 minutes)")
      .option("--min-sample <n>", "index, fm-level: fewer surveys say nothing (default 10)")
      .option("--per <what>", "index, flags: store, terminal (default) or employee; fm-level: store or terminal")
      .option("--threshold <percent>", "fm-level: alert above this force-majeure level")
      .option("--minutes <n>", "offline: a terminal not heard for this long")
      .option("--depth <n>", "outbox: a device with at least this many unsent events")
      .option("--flag <flag>", "flags: silent-run or quick")
      .option("--count <n>", "flags: at least this many flagged surveys today")
      .option("--store <ids>", "only these stores", list)
      .option("--terminal <ids>", "only these terminals", list)
      .option("--employee <names>", "only these employees", list)
      .option("--email <addresses>", "send alerts to these addresses", list)
      .option("--webhook <url>", "POST each alert as JSON to this URL")
      .description("add a rule"),
  ).action((f: AddFlags) =>
    withStore(f, (store) => {
      const v = addRule(store, ruleFrom(f), who());
      io.out(`Rule ${v.id} added: ${v.text}. A running gateway checks it within its next evaluation.\n`);
    }),
  );

  withDbFlags(rules.command("list", { isDefault: true }).option("--json", "print JSON").description("the rules in force")).action((f: DbFlags & { json?: boolean }) =>
    withStore(f, (store) => {
      const rs = listRules(store);
      if (f.json) return io.out(JSON.stringify(rs, null, 2) + "\n");
      if (!rs.length) return io.out("No alert rules. Add one: loyalty alerts rules add --kind offline --minutes 15 --email manager@example.com\n");
      io.out(table(["rule", "name", "condition", "e-mail", "webhook"], rs.map((r) => [String(r.id), r.name, r.text, r.rule.email.join(", ") || "-", r.rule.webhook ?? "-"])));
    }),
  );

  withDbFlags(rules.command("remove").argument("<rule>", "rule number").description("remove a rule; its alerts are closed")).action((id: string, f: DbFlags) =>
    withStore(f, (store) => {
      removeRule(store, idArg(id), who());
      io.out(`Rule ${id} removed; its alerts are closed.\n`);
    }),
  );

  withDbFlags(
    alerts
      .command("list", { isDefault: true })
      .option("--all", "closed alerts too")
      .option("--limit <n>", "at most this many", "100")
      .option("--json", "print JSON")
      .description("alerts not closed, newest first"),
  ).action((f: DbFlags & { all?: boolean; limit: string; json?: boolean }) =>
    withStore(f, (store, config) => {
      const limit = num(f.limit, "--limit")!;
      if (!Number.isInteger(limit) || limit < 1) throw new GatewayError("invalid", `--limit: expected a positive whole number, got "${f.limit}"`);
      const as = listAlerts(store, { all: f.all, limit });
      if (f.json) return io.out(JSON.stringify(as, null, 2) + "\n");
      if (!as.length) return io.out(f.all ? "No alerts yet.\n" : "No open alerts.\n");
      io.out(table(["alert", "state", "opened", "rule", "message", "acknowledged by", "closed by", "comments"], alertRows(as, config.timeZone)));
    }),
  );

  withDbFlags(alerts.command("ack").argument("<alert>", "alert number").option("--comment <text>", "what is being done").description("acknowledge an open alert")).action((id: string, f: DbFlags & { comment?: string }) =>
    withStore(f, (store) => {
      const a = ackAlert(store, idArg(id), f.comment, who());
      io.out(`Alert ${a.id} acknowledged by ${a.ackedBy}.\n`);
    }),
  );

  withDbFlags(alerts.command("comment").argument("<alert>", "alert number").argument("<text>", "the comment").description("comment on an alert")).action((id: string, text: string, f: DbFlags) =>
    withStore(f, (store) => {
      const a = commentAlert(store, idArg(id), text, who());
      io.out(`Comment added to alert ${a.id} (${a.comments.length} in all).\n`);
    }),
  );

  withDbFlags(alerts.command("close").argument("<alert>", "alert number").option("--comment <text>", "why").description("close an alert")).action((id: string, f: DbFlags & { comment?: string }) =>
    withStore(f, (store, config) => {
      const a = closeAlert(store, indexSettings(config), idArg(id), f.comment, who());
      io.out(`Alert ${a.id} closed.${a.rearmed ? "" : " Its condition still holds: no new alert opens for it until it has recovered."}\n`);
    }),
  );

  withDbFlags(alerts.command("deliveries").option("--alert <n>", "of this alert only").option("--json", "print JSON").description("the e-mails and webhooks sent, and why any failed")).action((f: DbFlags & { alert?: string; json?: boolean }) =>
    withStore(f, (store) => {
      const ds = deliveries(store, { alertId: f.alert === undefined ? undefined : idArg(f.alert) });
      if (f.json) return io.out(JSON.stringify(ds, null, 2) + "\n");
      if (!ds.length) return io.out("Nothing delivered yet.\n");
      io.out(table(["at", "alert", "what", "channel", "to", "attempt", "ok", "detail"], ds.map((d) => [new Date(d.atMs).toISOString(), d.alertId === null ? "-" : String(d.alertId), d.what, d.channel, d.target, String(d.attempt), d.ok ? "yes" : "no", d.detail ?? ""])));
    }),
  );
}
