/**
 * Asks what answers on a port: an Espruino REPL says its version, board and serial, and whether our firmware
 * runs. Ctrl-C first clears any half-typed line (as the Espruino tools do when they see no prompt).
 */
import { GatewayError } from "../errors.ts";
import { ReplTimeout, type ReplClient } from "./repl-client.ts";
import { parseProbe, PROBE_EXPR, type ProbeAnswer } from "./repl-text.ts";

/** The board's answer, or undefined when nothing answered like an Espruino; `answered` tells which. */
export async function tryProbe(repl: ReplClient): Promise<{ board?: ProbeAnswer; answered: unknown }> {
  repl.write("\x03");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const v = await repl.evaluate(PROBE_EXPR, "process.env.VERSION");
      return { board: parseProbe(v), answered: v };
    } catch (e) {
      if (!(e instanceof ReplTimeout)) throw e;
    }
  }
  return { answered: undefined };
}

/** Like tryProbe, but a port without an Espruino REPL is an error that says what was heard. */
export async function probeBoard(repl: ReplClient, path: string): Promise<ProbeAnswer> {
  const r = await tryProbe(repl);
  if (r.board) return r.board;
  if (r.answered !== undefined) {
    throw new GatewayError("not_espruino", `the device on ${path} is not an Espruino board: asked for process.env.VERSION, it answered ${JSON.stringify(r.answered)}`);
  }
  throw new GatewayError(
    "not_espruino",
    `no Espruino REPL answered on ${path} (asked for process.env.VERSION; heard ${repl.heard()}). Is it an Espruino board with its console on this port? ` +
      `A board flashed with a --raw build has its console on USB: connect to that port instead`,
  );
}
