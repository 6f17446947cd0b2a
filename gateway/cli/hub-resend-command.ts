/**
 * `loyalty hub resend` (a store gateway's command): puts the store's rows in its hub outbox again from its tables,
 * numbered after the last number, for a hub that lost rows it had acked (docs/hub.md, "What happens in each outage").
 * The hub stores what it lacks and skips what it has. It writes to the gateway's SQLite from its own process, as
 * `loyalty pair` does; a running gateway's forwarder sends the new rows at its next look at the outbox.
 */
import type { Command } from "commander";
import { GatewayError } from "../errors.ts";
import { parseDay } from "../reports/query.ts";
import { dayStart } from "../time/zone.ts";
import type { CliIo } from "./io.ts";
import { withDbFlags, withStore, type DbFlags } from "./open.ts";

interface ResendFlags extends DbFlags {
  all?: boolean;
  from?: string;
}

export function registerHubResend(hub: Command, io: CliIo): void {
  withDbFlags(
    hub
      .command("resend")
      .description("on a store gateway: put its rows in the hub outbox again (a hub restored from an older backup, or that lost rows)")
      .option("--all", "every row this gateway stores")
      .option("--from <day>", "the events stored from this store-local day on (YYYY-MM-DD, today, yesterday or -N), with every store, terminal, pairing, setting and traffic row"),
  ).action((f: ResendFlags) => {
    /* `loyalty hub` has a --config of its own (the hub's): given after `resend`, it reaches the parent command. */
    const flags: ResendFlags = { ...f, config: f.config ?? (hub.opts() as DbFlags).config };
    if (!!flags.all === (flags.from !== undefined)) throw new GatewayError("invalid", "say which rows to send again: --all, or --from <day> (the events stored from that day, with every other row)");
    return withStore(flags, (store, config) => {
      const state = store.hubOutbox.state();
      if (!state) throw new GatewayError("invalid", `this gateway (${config.database}) has never forwarded to a hub: set hub.url and hub.storeId and start it; its first start sends every row`);
      const sinceMs = flags.from !== undefined ? dayStart(parseDay(flags.from, config.timeZone, Date.now(), "--from"), config.timeZone) : undefined;
      const { rows, last } = store.tx(() => {
        const n = store.hubOutbox.seed({ sinceMs, changes: true });
        return { rows: n, last: store.hubOutbox.lastSeq() };
      });
      io.out(
        `${rows} rows are in the outbox again as numbers ${last - rows + 1}–${last}${sinceMs !== undefined ? ` (events stored from ${flags.from} on)` : ""}. ` +
          `The gateway sends them to the hub as '${state.storeId}', which stores those it lacks; \`loyalty hub status\` at the hub shows the lag.\n`,
      );
    });
  });
}
