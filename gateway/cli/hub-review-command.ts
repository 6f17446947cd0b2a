/**
 * `loyalty hub review`: expert review for the chain, at the hub (docs/hub.md#review-sync). The same actions as
 * `loyalty review` at a store, on any store gateway's surveys and periods (named by the store gateway's id and the
 * store's own ids); each reaches its store with the hub's next message to it, and the store's reviews come here.
 */
import type { Command } from "commander";
import { userInfo } from "node:os";
import pg from "pg";
import { GatewayError } from "../errors.ts";
import type { HubConfig } from "../hub/config.ts";
import { rebuildHubQueued } from "../hub/rebuild.ts";
import { hubReviewHistory, hubReviewPeriod, hubReviewSurvey, hubUndoReview, type HubReviewer } from "../hub/review.ts";
import { hubPeriods, hubSurveys, periodZone } from "../hub/review-list.ts";
import { parseDay } from "../reports/query.ts";
import { table } from "../reports/table.ts";
import { terminalDefaults } from "../terminals/config.ts";
import { parseTime } from "../time/zone.ts";
import type { CliIo } from "./io.ts";
import { idArg } from "./review-command.ts";

interface Flags {
  config?: string;
  pgUrl?: string;
  mqttUrl?: string;
}

/** Who reviews: LOYALTY_REVIEWER, else the login (USER, or the system's user name when it is unset, as under cron). */
const who = (): HubReviewer => ({ by: process.env.LOYALTY_REVIEWER || process.env.USER || userInfo().username || "expert", now: Date.now(), via: "cli" });

export function registerHubReview(hub: Command, io: CliIo, withFlags: (c: Command) => Command, configOf: (f: Flags) => HubConfig): void {
  const review = hub.command("review").description("expert review for the chain: any store's surveys and periods, synced with the store");
  /** Opens the hub's database for one command, deriving what is queued first so the ids and figures are current. */
  const withPool = async (f: Flags, fn: (pool: pg.Pool, config: HubConfig) => Promise<void>) => {
    const config = configOf(f);
    const pool = new pg.Pool({ connectionString: config.postgres.url, max: 2 });
    pool.on("error", () => undefined);
    try {
      await rebuildHubQueued(pool, terminalDefaults(config), () => undefined);
      await fn(pool, config);
    } finally {
      await pool.end();
    }
  };
  const done = (uid: string | null, store: string, what: string) =>
    io.out(uid === null ? `nothing to change: ${what} already so\n` : `${what} (review ${uid}; undo with \`loyalty hub review undo ${store} ${uid}\`)\n`);
  const days = (f: { from: string; to?: string }, config: HubConfig) => {
    const from = parseDay(f.from, config.timeZone, Date.now(), "--from");
    const to = f.to === undefined ? from : parseDay(f.to, config.timeZone, Date.now(), "--to");
    if (to < from) throw new GatewayError("invalid", `--to ${to} is before --from ${from}`);
    return { from, to };
  };
  const listing = (c: Command) =>
    withFlags(c)
      .option("--from <day>", "first store-local day (YYYY-MM-DD, today, yesterday, -N)", "yesterday")
      .option("--to <day>", "last day, included (default: --from)")
      .option("--terminal <id>", "only this terminal")
      .option("--limit <n>", "at most this many rows", "500")
      .option("--json", "print JSON");
  type ListFlags = Flags & { from: string; to?: string; terminal?: string; limit: string; json?: boolean };

  listing(review.command("surveys").argument("<store>", "the store gateway's hub.storeId").description("a store's surveys at the hub, with the review in force"))
    .option("--invalid", "only surveys marked invalid")
    .action((store: string, f: ListFlags & { invalid?: boolean }) =>
      withPool(f, async (pool, config) => {
        const items = await hubSurveys(pool, store, { ...days(f, config), terminal: f.terminal, invalid: f.invalid, limit: idArg(f.limit, "--limit") });
        if (f.json) return io.out(JSON.stringify(items, null, 2) + "\n");
        io.out(items.length === 0 ? "no surveys match\n" : table(["id", "terminal", "opened", "answer", "employee", "valid"], items.map((s) => [s.id, s.terminal, s.opened, s.answer, s.employee ?? "-", s.valid ? "yes" : `no: ${s.reason}`])));
      }),
    );
  listing(review.command("periods").argument("<store>", "the store gateway's hub.storeId").description("a store's force-majeure periods at the hub, with their review state"))
    .action((store: string, f: ListFlags) =>
      withPool(f, async (pool, config) => {
        const items = await hubPeriods(pool, store, { ...days(f, config), terminal: f.terminal, limit: idArg(f.limit, "--limit") });
        if (f.json) return io.out(JSON.stringify(items, null, 2) + "\n");
        io.out(items.length === 0 ? "no periods match\n" : table(["id", "terminal", "start", "end", "status"], items.map((p) => [p.id, p.terminal, p.start, p.end.slice(11) + (p.corrected ? " (corrected)" : ""), p.status])));
      }),
    );
  withFlags(review.command("invalid").argument("<store>").argument("<survey>").requiredOption("--reason <text>", "why the survey is doubtful").description("mark a store's survey invalid"))
    .action((store: string, id: string, f: Flags & { reason: string }) =>
      withPool(f, async (pool) => done(await hubReviewSurvey(pool, store, idArg(id, "survey"), false, f.reason, who()), store, `survey ${id} of ${store} marked invalid`)),
    );
  withFlags(review.command("valid").argument("<store>").argument("<survey>").description("mark a store's survey valid again"))
    .action((store: string, id: string, f: Flags) =>
      withPool(f, async (pool) => done(await hubReviewSurvey(pool, store, idArg(id, "survey"), true, null, who()), store, `survey ${id} of ${store} marked valid`)),
    );
  for (const [name, status] of [["confirm", "confirmed"], ["reject", "rejected"]] as const) {
    withFlags(review.command(name).argument("<store>").argument("<period>").description(`${name} a store's force-majeure period`))
      .option("--end <time>", "corrected end: store-local YYYY-MM-DD HH:MM[:SS] or an ISO time")
      .option("--reason <text>", "a note for the audit log")
      .action((store: string, id: string, f: Flags & { end?: string; reason?: string }) =>
        withPool(f, async (pool, config) => {
          const n = idArg(id, "period");
          let end: number | null = null;
          if (f.end) {
            const t = parseTime(f.end, (await periodZone(pool, store, n)) ?? config.timeZone, Date.now());
            if (t === undefined) throw new GatewayError("invalid", `--end: expected "YYYY-MM-DD HH:MM[:SS]" in the store's time zone or an ISO time, got "${f.end}"`);
            end = t;
          }
          done(await hubReviewPeriod(pool, store, n, status, end, f.reason ?? null, who()), store, `period ${id} of ${store} ${status}`);
        }),
      );
  }
  withFlags(review.command("undo").argument("<store>").argument("<review>", "the review's uid (made here or at the store)").description("undo a review; the logs of both keep both"))
    .action((store: string, uid: string, f: Flags) => withPool(f, async (pool) => io.out(`review ${uid} undone (review ${await hubUndoReview(pool, store, uid, who())})\n`)));
  withFlags(review.command("log").argument("<store>").description("a store's review log at the hub (reviews made there and here), newest first"))
    .option("--terminal <id>", "only this terminal")
    .option("--limit <n>", "at most this many", "50")
    .option("--json", "print JSON")
    .action((store: string, f: Flags & { terminal?: string; limit: string; json?: boolean }) =>
      withPool(f, async (pool) => {
        const entries = await hubReviewHistory(pool, store, { terminalId: f.terminal, limit: idArg(f.limit, "--limit") });
        if (f.json) return io.out(JSON.stringify(entries, null, 2) + "\n");
        io.out(entries.length === 0 ? "no reviews yet\n" : table(["uid", "at", "by", "made at", "target", "action", "reason", "before", "after", "undone by"], entries.map((e) => [e.uid, new Date(e.atMs).toISOString(), e.by, e.origin, `${e.target} ${e.targetId}`, e.action, e.reason ?? "", JSON.stringify(e.before), JSON.stringify(e.after), e.undoneByUid ?? ""])));
      }),
    );
}
