/** `loyalty test <terminal>`: the installer's press-by-press self-test of a paired terminal (installer/self-test.ts). */
import type { Command } from "commander";
import { GatewayError } from "../errors.ts";
import { settingsOf, terminalDefaults } from "../terminals/config.ts";
import { isTestSurvey, runSelfTest, selfTestSteps, silentDevices, summary, testPresses, SELF_TEST_REASON, type TestPresses } from "../installer/self-test.ts";
import { reviewPeriod, reviewSurvey } from "../review/actions.ts";
import type { Store } from "../store/store.ts";
import type { Config } from "../config/schema.ts";
import { catchUp } from "../reports/report.ts";
import type { CliIo } from "./io.ts";
import { withDbFlags, withStore, type DbFlags } from "./open.ts";
import { ago } from "./ago.ts";

interface TestFlags extends DbFlags {
  timeout: string;
  pollMs: string;
  keep?: boolean;
}

export function registerTest(program: Command, io: CliIo): void {
  withDbFlags(
    program
      .command("test")
      .argument("<terminal>", "terminal id, e.g. msk-01.till-2")
      .description("self-test a paired terminal: press each button in turn and see each press arrive (needs the gateway running)")
      .option("--timeout <s>", "seconds each press may take to arrive", "60")
      .option("--poll-ms <ms>", "how often the database is checked", "200")
      .option("--keep", "count the test's survey and force-majeure period in the indices (by default they are marked invalid and rejected)"),
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
      if (steps.some((s) => s.kind === "long")) warnIfInForceMajeure(store, config, id, now, io);
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
      if (!f.keep) takeOutOfIndices(store, config, testPresses(results), io);
      if (results.filter((r) => r.event).length < steps.length) io.exitCode(1);
    }),
  );
}

/** The test's first long press would end a force-majeure period that is running: say so before it starts. */
function warnIfInForceMajeure(store: Store, config: Config, id: string, now: number, io: CliIo): void {
  catchUp(store, config);
  const running = store.derived.periods(id, now, now + 1).find((p) => p.start <= now && p.end > now);
  if (running) {
    io.out(
      `Warning: ${id} is in force-majeure since ${new Date(running.start).toISOString()} (period ${running.startEventId}). ` +
        `The test's first long press will end it and its second start a new one (which the test then rejects); ` +
        `end it first with a long press, or correct its end afterwards (loyalty review confirm ${running.startEventId} --end ...).\n`,
    );
  }
}

/**
 * Marks the test's survey invalid and rejects the force-majeure periods its long presses started, as reviews by
 * "loyalty test" (loyalty review log lists them; loyalty review undo puts them back). The surveys are derived here
 * first, as `loyalty review` does. A survey a customer answered during the test is left to the expert.
 */
function takeOutOfIndices(store: Store, config: Config, presses: TestPresses, io: CliIo): void {
  catchUp(store, config);
  const who = () => ({ by: "loyalty test", now: Date.now(), via: "cli" as const });
  const done: string[] = [];
  const left: string[] = [];
  for (const id of presses.short) {
    const survey = store.derived.survey(id);
    if (!survey) left.push(`survey ${id} (not derived yet)`);
    else if (!isTestSurvey(survey, presses)) left.push(`survey ${id} (answered by a key the test did not ask for)`);
    else if (reviewSurvey(store, id, false, SELF_TEST_REASON, who()) !== null) done.push(`survey ${id} marked invalid`);
  }
  /* A long press starts a period or ends one; each period the test's presses started is the test's. */
  for (const id of presses.long) {
    if (store.derived.period(id) && reviewPeriod(store, id, "rejected", null, SELF_TEST_REASON, who()) !== null) done.push(`force-majeure period ${id} rejected`);
  }
  if (done.length) io.out(`So that the test does not count in the indices: ${done.join(", ")} (reason "${SELF_TEST_REASON}"; loyalty review log lists it, loyalty review undo <id> puts it back).\n`);
  if (left.length) io.out(`Left as they are, for the expert (loyalty review surveys): ${left.join(", ")}.\n`);
}
