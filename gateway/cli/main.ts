/** The `loyalty` command line: one program, one registration per command family. */
import { Command, CommanderError } from "commander";
import { ConfigError } from "../config/load.ts";
import { GatewayError } from "../errors.ts";
import { damaged, isDamage } from "../store/damaged.ts";
import { realSerialPorts, type OpenSerialPort } from "../ingest/serial-port.ts";
import { registerAlerts } from "./alerts-command.ts";
import { registerBackup } from "./backup-command.ts";
import { registerFlash } from "./flash-command.ts";
import { registerFrame } from "./frame-command.ts";
import { registerGateway } from "./gateway-command.ts";
import { registerHub } from "./hub-command.ts";
import { processIo, type CliIo } from "./io.ts";
import { registerPairing } from "./pair-commands.ts";
import { registerReport } from "./report-command.ts";
import { registerReview } from "./review-command.ts";
import { registerImport } from "./import-command.ts";
import { registerMosquitto } from "./mosquitto-command.ts";
import { registerSimulate } from "./simulate-command.ts";
import { registerPorts } from "./ports-command.ts";
import { registerStatus } from "./status-command.ts";
import { registerStores } from "./stores-command.ts";
import { registerTerminals } from "./terminals-command.ts";
import { registerTest } from "./test-command.ts";
import { registerTls } from "./tls-command.ts";
import { registerUsers } from "./users-command.ts";

export function buildProgram(io: CliIo): Command {
  const program = new Command("loyalty")
    .description("Loyalty button: gateway and tools for the in-store customer-feedback terminal")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  registerGateway(program, io);
  registerPairing(program, io);
  registerStores(program, io);
  registerTerminals(program, io);
  registerStatus(program, io);
  registerTls(program, io);
  registerReport(program, io);
  registerReview(program, io);
  registerAlerts(program, io);
  registerImport(program, io);
  registerUsers(program, io);
  registerBackup(program, io);
  registerMosquitto(program, io);
  registerHub(program, io);
  registerFrame(program, io);
  registerSimulate(program, io);
  /*
   * The serial ports of the installer commands: real ports, the bindings' fixes applied once, when the first one
   * opens (a command that opens none patches nothing). `loyalty gateway` wires its own ports in app.ts.
   */
  let ports: OpenSerialPort | undefined;
  const openPort: OpenSerialPort = (o) => (ports ??= realSerialPorts())(o);
  registerFlash(program, io, openPort);
  registerPorts(program, io, openPort);
  registerTest(program, io);
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
    if (e instanceof ConfigError || e instanceof GatewayError) {
      io.err(e.message + "\n");
      return 2;
    }
    /* A file damaged after it opened, or a full disk, met by any command: in words, not SQLite's stack. */
    if (isDamage(e)) {
      io.err(damaged(undefined, (e as Error).message).message + "\n");
      return 2;
    }
    if ((e as { code?: string }).code === "SQLITE_FULL") {
      io.err("the disk of the database is full; nothing was changed; free some space and run the command again\n");
      return 2;
    }
    /* Anything else is a fault of ours or of the system (a file, a socket): its message in words, the stack only on request. */
    if (process.env.LOYALTY_DEBUG) throw e;
    io.err(`loyalty: ${e instanceof Error ? e.message : String(e)}\n(set LOYALTY_DEBUG=1 to see where it happened)\n`);
    return 1;
  }
  return code;
}
