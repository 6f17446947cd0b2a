/**
 * Opens a serial port for the installer's commands (flash, ports) with one clear error per failure: no such port,
 * port busy (serialport locks the port with flock, so a port the running gateway or a terminal program holds
 * cannot be opened twice), or another open failure. Reading and writing are latin1 text, byte for byte. The port
 * comes from the `openPort` the command is given (cli/main.ts passes real ports with the bindings' fixes).
 */
import { existsSync } from "node:fs";
import { GatewayError } from "../errors.ts";
import { plainSerialPorts, type OpenSerialPort } from "../ingest/serial-port.ts";

/** What the REPL client needs from a port: the same shape for a real port and a test's stream. */
export interface TextPort {
  write(text: string): void;
  /** Subscribes to text arriving; returns the unsubscribe function. */
  onData(fn: (text: string) => void): () => void;
  close(): Promise<void>;
}

export function portBusyMessage(path: string): string {
  return (
    `port ${path} is busy: another program holds it (the running gateway, if the port is in its serial.ports, or a ` +
    `terminal program such as screen or minicom). Stop that program, or take the port out of the gateway's config, and run the command again`
  );
}

/**
 * `openPort`: where the port comes from; by default serialport's port as it is (with the bindings' fixes only if
 * the program applied them), which is what flash.ts falls back to when it is given no `open`.
 */
export async function openTextPort(path: string, openPort: OpenSerialPort = plainSerialPorts, baudRate = 115200): Promise<TextPort> {
  if (!existsSync(path)) throw new GatewayError("no_port", `no serial port ${path}: check the cable, then \`loyalty ports\` lists the ports this computer sees`);
  const port = openPort({ path, baudRate });
  await new Promise<void>((resolve, reject) =>
    port.open((err) => {
      if (!err) return resolve();
      if (/cannot lock port|resource temporarily unavailable|busy/i.test(err.message)) return reject(new GatewayError("port_busy", portBusyMessage(path)));
      if (/no such file/i.test(err.message)) return reject(new GatewayError("no_port", `no serial port ${path}: ${err.message}`));
      reject(new GatewayError("no_port", `cannot open ${path} as a serial port: ${err.message}`));
    }),
  );
  port.on("error", () => undefined);
  return {
    write: (text) => void port.write(Buffer.from(text, "latin1")),
    onData(fn) {
      const h = (b: Buffer) => fn(b.toString("latin1"));
      port.on("data", h);
      return () => void port.off("data", h);
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      }),
  };
}
