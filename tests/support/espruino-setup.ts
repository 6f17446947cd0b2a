/**
 * Vitest global setup: builds the real Espruino interpreter once per board profile before any test runs
 * (firmware/interpreter/build.ts; cached in .cache/espruino, so later runs only check the cache). The firmware
 * tests that run on the real runtime (tests/firmware/real-*.test.ts) start these binaries.
 */
import { buildInterpreter, interpreterCommand } from "../../firmware/interpreter/build.ts";
import { INTERPRETER_BOARDS } from "../../firmware/interpreter/boards.ts";

export default function setup(): void {
  for (const board of Object.keys(INTERPRETER_BOARDS)) interpreterCommand(buildInterpreter(board, (l) => process.stdout.write(l + "\n")));
}
