/** `loyalty test <terminal>`: the installer's press-by-press self-test of a paired terminal (installer/self-test.ts). */
import type { Command } from "commander";
import { terminalDefaults } from "../app.ts";
import { GatewayError } from "../errors.ts";
import { settingsOf } from "../ingest/terminal-config.ts";
import { runSelfTest, selfTestSteps, silentDevices, summary } from "../installer/self-test.ts";
import type { CliIo } from "./io.ts";
import { withDbFlags, withStore, type DbFlags } from "./open.ts";
import { ago } from "./table.ts";

interface TestFlags extends DbFlags {
  timeout: string;
  pollMs: string;
}

export function registerTest(program: Command, io: CliIo): void {
  withDbFlags(
    program
      .command("test")
      .argument("<terminal>", "terminal id, e.g. msk-01.till-2")
      .description("self-test a paired terminal: press each button in turn and see each press arrive (needs the gateway running)")
      .option("--timeout <s>", "seconds each press may take to arrive", "60")
      .option("--poll-ms <ms>", "how often the database is checked", "200"),
  ).action((id: string, f: TestFlags) =>
    withStore(f, async (store, config) => {
      if (!store.terminals.terminal(id)) throw new GatewayError("not_found", `terminal ${id} does not exist (loyalty terminals lists them)`);
      const devices = store.terminals.devicesOf(id);
      if (devices.length === 0) throw new GatewayError("invalid", `terminal ${id} has no device paired; pair one first (loyalty pair)`);
      const timeout = Number(f.timeout);
      const poll = Number(f.pollMs);
      if (!(timeout > 0)) throw new GatewayError("invalid", `--timeout '${f.timeout}': expected seconds > 0`);
      if (!(poll >= 10)) throw new GatewayError("invalid", `--poll-ms '${f.pollMs}': expected at least 10`);
      const settings = settingsOf(store, terminalDefaults(config), id)(Date.now());
      const steps = selfTestSteps(devices.map((d) => d.role), settings.longMs);
      io.out(`Self-test of terminal ${id} (${devices.map((d) => `${d.serial} ${d.role}`).join(", ")}). The gateway must be running.\n`);
      const now = Date.now();
      const silent = silentDevices(devices.map((d) => ({ serial: d.serial, lastSeenMs: store.devices.get(d.serial)?.lastSeenMs })), now, settings.heartbeatMs);
      for (const s of silent) io.out(`Warning: ${s} was last heard ${ago(now, store.devices.get(s)?.lastSeenMs)}: is the gateway running and the terminal connected? (loyalty status)\n`);
      const results = await runSelfTest(steps, {
        since: (after) => store.events.since(id, after),
        lastId: () => store.events.lastId(),
        say: io.out,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        now: Date.now,
        pollMs: poll,
        stepTimeoutMs: timeout * 1000,
      });
      io.out("\n" + summary(results, steps.length));
      if (results.filter((r) => r.event).length < steps.length) io.exitCode(1);
    }),
  );
}
