/**
 * A terminal session of `loyalty simulate` in tmux (docs/demo.md): the command runs in a real terminal
 * against a running gateway (in this process: SQLite file, embedded broker); keys go in with `tmux send-keys`,
 * the screen comes back with `tmux capture-pane`, and the surveys land in the database.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { testConfig } from "../../gateway/testkit/config.ts";
import { startGateway } from "../../gateway/app.ts";
import { silentLogger } from "../../gateway/log.ts";
import { addStore } from "../../gateway/terminals/stores.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const session = `lb-simulate-${process.pid}`;
const tmux = (...args: string[]) => execFileSync("tmux", args, { encoding: "utf8" });
const screen = () => tmux("capture-pane", "-p", "-t", session);
const alive = () => {
  try {
    return tmux("list-sessions", "-F", "#{session_name}").split("\n").includes(session);
  } catch {
    return false;
  }
};

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("loyalty simulate in a terminal", () => {
  it("pairs itself, shows frames and LEDs, and its key presses become surveys", { timeout: 90_000 }, async () => {
    const config = testConfig({ timeZone: "Europe/Moscow" });
    const gw = await startGateway(config, { log: silentLogger() });
    cleanups.push(() => gw.stop());
    /* --pair-as pairs into a store that exists: loyalty stores add, as an installer does first. */
    addStore(gw.store, { id: "t", timeZone: "Europe/Moscow" }, Date.now());
    const cmd = ["node", "bin/loyalty.js", "simulate", "--db", config.database, "--mqtt", gw.mqttUrl, "--serial", "SIM-TMUX-1", "--pair-as", "t.sim-1", "--employee", "olga"];
    /* The session's shell stays after the command ends (remain-on-exit), so its last screen can be read. */
    tmux("new-session", "-d", "-s", session, "-x", "150", "-y", "40", "-c", ROOT, cmd.join(" "));
    tmux("set-option", "-t", session, "remain-on-exit", "on");
    cleanups.push(() => alive() && tmux("kill-session", "-t", session));

    await waitFor("the simulated board paired and configured", () => screen().includes("← config: terminal t.sim-1, question staff"), 40_000);
    /* The status line is redrawn every 50 ms: wait for it to show the configuration just received. */
    await waitFor("the status line showing the terminal", () => /\[green: (off|on|blinking)\] \[red: (off|on|blinking)\]  terminal t\.sim-1 \(staff\)/.test(screen()));

    const surveys = () => {
      gw.workers.derive();
      return gw.store.derived.surveys("t.sim-1", 0, Date.now() + 60_000);
    };
    tmux("send-keys", "-t", session, "s");
    await waitFor("the short press acked", () => screen().includes("← ack #1"));
    /* The survey window is open: the green LED blinks (docs/firmware.md "LEDs"). */
    await waitFor("green blinking", () => screen().includes("[green: blinking]"));
    tmux("send-keys", "-t", session, "y");
    await waitFor("a Yes survey", () => surveys().length === 1 && surveys()[0]!.answer === "yes");
    tmux("send-keys", "-t", session, "s");
    await waitFor("the second short press acked", () => screen().includes("← ack #3"));
    tmux("send-keys", "-t", session, "n");
    await waitFor("a No survey", () => surveys().length === 2 && surveys()[1]!.answer === "no");
    tmux("send-keys", "-t", session, "l");
    await waitFor("the long press acked", () => screen().includes("→ event #5 long"));
    await waitFor("a force-majeure period", () => (gw.workers.derive(), gw.store.derived.periods("t.sim-1", 0, Date.now() + 3_600_000).length === 1));

    expect(surveys().map((s) => [s.answer, s.questionKind, s.employee])).toEqual([
      ["yes", "staff", "olga"],
      ["no", "staff", "olga"],
    ]);
    tmux("send-keys", "-t", session, "q");
    await waitFor("the command to end", () => screen().includes("Stopped."));
    const status = () => tmux("display-message", "-p", "-t", session, "#{pane_dead} #{pane_dead_status}").trim();
    await waitFor("the command to end", () => status().startsWith("1"), 30_000).catch((e) => {
      throw new Error(`${(e as Error).message}; pane: ${status()}; screen:\n${screen()}`);
    });
    expect(status(), screen()).toBe("1 0");
  });
});
