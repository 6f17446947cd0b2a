/**
 * `loyalty review`: the expert's list of surveys and force-majeure periods, the untimed events that are in neither,
 * and the review actions (docs/reports.md#expert-review).
 */
import type { Command } from "commander";
import { GatewayError } from "../errors.ts";
import { reviewPeriod, reviewSurvey, undoReview } from "../review/actions.ts";
import { FLAGS, type Flag } from "../indices/flags.ts";
import { checkFilter, reviewPeriods, reviewSurveys, reviewUnassigned, reviewUntimed, type ReviewFilter } from "../review/list.ts";
import { parseDay } from "../reports/query.ts";
import { catchUp } from "../reports/report.ts";
import { parseTime } from "../time/zone.ts";
import type { CliIo } from "./io.ts";
import { withDbFlags, withStore, type DbFlags } from "./open.ts";
import { table } from "../reports/table.ts";
import type { Config } from "../config/schema.ts";
import type { Store } from "../store/store.ts";
import type { UntimedReason } from "../time/event-time.ts";

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(",").map((x) => x.trim()).filter(Boolean)];

interface ListFlags extends DbFlags {
  from: string;
  to?: string;
  store?: string[];
  terminal?: string[];
  employee?: string[];
  answer?: string[];
  flag?: string[];
  invalid?: boolean;
  status?: string[];
  limit: string;
  json?: boolean;
}

function filter(f: ListFlags, config: Config, store: Store): ReviewFilter {
  const now = Date.now();
  const from = parseDay(f.from, config.timeZone, now, "--from");
  const to = f.to === undefined ? from : parseDay(f.to, config.timeZone, now, "--to");
  for (const x of f.flag ?? []) if (!(FLAGS as readonly string[]).includes(x)) throw new GatewayError("invalid", `--flag: unknown flag "${x}" (use ${FLAGS.join(", ")})`);
  for (const x of f.status ?? []) if (!["unreviewed", "confirmed", "rejected"].includes(x)) throw new GatewayError("invalid", `--status: expected unreviewed, confirmed or rejected, got "${x}"`);
  const limit = Number(f.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new GatewayError("invalid", `--limit: expected a positive whole number, got "${f.limit}"`);
  checkFilter(store, { stores: f.store, terminals: f.terminal });
  return {
    from,
    to,
    stores: f.store,
    terminals: f.terminal,
    employees: f.employee,
    answers: f.answer,
    flags: f.flag as Flag[] | undefined,
    valid: f.invalid ? false : undefined,
    status: f.status as ReviewFilter["status"],
    limit,
  };
}

function listOptions(cmd: Command): Command {
  return withDbFlags(cmd)
    .option("--from <day>", "first store-local day (YYYY-MM-DD, today, yesterday, -N)", "yesterday")
    .option("--to <day>", "last day, included (default: --from)")
    .option("--store <ids>", "only these stores", list)
    .option("--terminal <ids>", "only these terminals", list)
    .option("--employee <names>", "only these employees", list)
    .option("--limit <n>", "at most this many rows", "500")
    .option("--json", "print JSON");
}

/** What `review untimed` says of each reason (gateway/time/event-time.ts). */
const WHY: Record<UntimedReason, string> = { unheard_boot: "boot never heard", ahead: "clock ahead", before_2020: "clock before 2020" };

const who = () => ({ by: process.env.LOYALTY_REVIEWER ?? process.env.USER ?? "expert", now: Date.now(), via: "cli" as const });

/** A positive whole number from the command line, refused in words (`what` names the argument). */
export function idArg(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new GatewayError("invalid", `${what}: expected a positive whole number, got "${text}"`);
  return n;
}

function periodEnd(store: Store, id: number, text: string, fallbackTz: string): number {
  const p = store.derived.period(id);
  const tz = p ? (store.terminals.store(store.terminals.terminal(p.terminalId)?.storeId ?? "")?.timeZone ?? fallbackTz) : fallbackTz;
  const t = parseTime(text, tz, Date.now());
  if (t === undefined) throw new GatewayError("invalid", `--end: expected "YYYY-MM-DD HH:MM[:SS]" in the store's time zone or an ISO time, got "${text}"`);
  return t;
}

export function registerReview(program: Command, io: CliIo): void {
  const review = program.command("review").description("expert review: list surveys and force-majeure, mark, confirm, undo");
  const done = (id: number | null, what: string) => io.out(id === null ? `nothing to change: ${what} already so\n` : `${what} (review ${id}; undo with \`loyalty review undo ${id}\`)\n`);

  listOptions(review.command("surveys").description("surveys with times to the second, flags and CCTV links"))
    .option("--answer <answers>", "only these answers: yes, no, unsure, silent", list)
    .option("--flag <flags>", `only surveys with any of: ${FLAGS.join(", ")}`, list)
    .option("--invalid", "only surveys marked invalid")
    .action((f: ListFlags) =>
      withStore(f, (store, config) => {
        catchUp(store, config);
        const items = reviewSurveys(store, filter(f, config, store));
        if (f.json) return io.out(JSON.stringify(items, null, 2) + "\n");
        io.out(items.length === 0 ? "no surveys match\n" : table(["id", "terminal", "opened", "closed", "answer", "employee", "flags", "valid", "cctv"], items.map((s) => [s.id, s.terminal, s.opened, s.closed.slice(11), s.answer, s.employee ?? "-", s.flags.join(",") || "-", s.valid ? "yes" : `no: ${s.reason}`, s.cctv ?? "-"])));
      }),
    );
  listOptions(review.command("periods").description("force-majeure periods and their review state"))
    .option("--status <states>", "only: unreviewed, confirmed, rejected", list)
    .action((f: ListFlags) =>
      withStore(f, (store, config) => {
        catchUp(store, config);
        const items = reviewPeriods(store, filter(f, config, store));
        if (f.json) return io.out(JSON.stringify(items, null, 2) + "\n");
        io.out(items.length === 0 ? "no periods match\n" : table(["id", "terminal", "start", "end", "ended by", "status", "cctv"], items.map((p) => [p.id, p.terminal, p.start, p.end.slice(11) + (p.corrected ? " (corrected)" : ""), p.endReason === "max" ? "Fmax" : "long press", p.status, p.cctv ?? "-"])));
      }),
    );
  listOptions(review.command("untimed").description("events in no survey because their time cannot be known, by the day they arrived"))
    .action((f: ListFlags) =>
      withStore(f, (store, config) => {
        const { total, items } = reviewUntimed(store, filter(f, config, store), config.timeZone);
        if (f.json) return io.out(JSON.stringify({ total, items }, null, 2) + "\n");
        if (total === 0) return io.out("no untimed events arrived on these days\n");
        io.out(`${total} untimed event${total === 1 ? "" : "s"}: presses whose time cannot be known; stored and in no survey or period\n`);
        io.out(table(["id", "terminal", "device", "boot", "seq", "kind", "why", "after boot / device clock", "arrived", "no later than"], items.map((e) => [e.id, e.terminal ?? "(none: unpaired)", e.device, e.boot, e.seq, e.kind, WHY[e.reason], e.deviceClock ?? `${(e.uptimeMs / 1000).toFixed(1)} s`, e.received, e.latest.slice(11)])));
        if (items.length < total) io.out(`(${total - items.length} more; raise --limit)\n`);
      }),
    );
  withDbFlags(review.command("unassigned").description("events of no terminal (recorded after an unpair, before the device learnt of it), by the day they arrived"))
    .option("--from <day>", "first day in the gateway's time zone (YYYY-MM-DD, today, yesterday, -N)", "yesterday")
    .option("--to <day>", "last day, included (default: --from)")
    .option("--limit <n>", "at most this many rows", "500")
    .option("--json", "print JSON")
    .action((f: ListFlags) =>
      withStore(f, (store, config) => {
        const { total, items } = reviewUnassigned(store, filter(f, config, store), config.timeZone);
        if (f.json) return io.out(JSON.stringify({ total, items }, null, 2) + "\n");
        if (total === 0) return io.out("no events of no terminal arrived on these days\n");
        io.out(`${total} event${total === 1 ? "" : "s"} of no terminal: the device was unpaired when ${total === 1 ? "it" : "they"} arrived; in no figure\n`);
        io.out(table(["id", "device", "boot", "seq", "kind", "time", "arrived"], items.map((e) => [e.id, e.device, e.boot, e.seq, e.kind + (e.button ? ` ${e.button}` : ""), e.timed ? e.time : `untimed (${WHY[e.reason!]}), no later than ${e.time}`, e.received])));
        if (items.length < total) io.out(`(${total - items.length} more; raise --limit)\n`);
      }),
    );
  withDbFlags(review.command("invalid").argument("<survey>").requiredOption("--reason <text>", "why the survey is doubtful").description("mark a survey invalid: it counts nowhere"))
    .action((id: string, f: DbFlags & { reason: string }) =>
      withStore(f, (store, config) => {
        catchUp(store, config);
        done(reviewSurvey(store, idArg(id, "survey"), false, f.reason, who()), `survey ${id} marked invalid`);
      }),
    );
  withDbFlags(review.command("valid").argument("<survey>").description("mark a survey valid again"))
    .action((id: string, f: DbFlags) =>
      withStore(f, (store, config) => {
        catchUp(store, config);
        done(reviewSurvey(store, idArg(id, "survey"), true, null, who()), `survey ${id} marked valid`);
      }),
    );
  for (const [name, status] of [["confirm", "confirmed"], ["reject", "rejected"]] as const) {
    withDbFlags(review.command(name).argument("<period>").description(`${name} a force-majeure period${name === "confirm" ? ", optionally correcting its end" : ""}`))
      .option("--end <time>", "corrected end: store-local YYYY-MM-DD HH:MM[:SS] or an ISO time")
      .option("--reason <text>", "a note for the audit log")
      .action((id: string, f: DbFlags & { end?: string; reason?: string }) =>
        withStore(f, (store, config) => {
          catchUp(store, config);
          const n = idArg(id, "period");
          done(reviewPeriod(store, n, status, f.end ? periodEnd(store, n, f.end, config.timeZone) : null, f.reason ?? null, who()), `period ${id} ${status}`);
        }),
      );
  }
  withDbFlags(review.command("undo").argument("<review>").description("undo a review (the log keeps both)"))
    .action((id: string, f: DbFlags) => withStore(f, (store) => io.out(`review ${id} undone (review ${undoReview(store, idArg(id, "review"), who())})\n`)));
  withDbFlags(review.command("log").description("the audit log of reviews, newest first"))
    .option("--terminal <id>", "only this terminal")
    .option("--limit <n>", "at most this many", "50")
    .option("--json", "print JSON")
    .action((f: DbFlags & { terminal?: string; limit: string; json?: boolean }) =>
      withStore(f, (store) => {
        const entries = store.reviews.entries(f.terminal ?? null, idArg(f.limit, "--limit"));
        if (f.json) return io.out(JSON.stringify(entries, null, 2) + "\n");
        io.out(entries.length === 0 ? "no reviews yet\n" : table(["id", "at", "by", "via", "target", "action", "reason", "before", "after", "undone by", "uid (as the hub names it)"], entries.map((e) => [e.id, new Date(e.atMs).toISOString(), e.by, e.via ?? "", `${e.target} ${e.targetId}`, e.action, e.reason ?? "", JSON.stringify(e.before), JSON.stringify(e.after), e.undoneBy ?? "", e.uid])));
      }),
    );
}
