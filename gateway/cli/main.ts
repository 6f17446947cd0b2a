/** The `loyalty` command line: one program, one registration per command family. */
import { Command, CommanderError } from "commander";
import { registerFrame } from "./frame-command.ts";
import { processIo, type CliIo } from "./io.ts";

export function buildProgram(io: CliIo): Command {
  const program = new Command("loyalty")
    .description("Loyalty button: gateway and tools for the in-store customer-feedback terminal")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  registerFrame(program, io);
  return program;
}

/** Runs the CLI on `argv` (process.argv form); resolves to the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let code = 0;
  const wrapped: CliIo = { ...io, exitCode: (c) => (code = c) };
  try {
    await buildProgram(wrapped).parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
  return code;
}
