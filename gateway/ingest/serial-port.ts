/**
 * The serial ports a SerialLink opens, passed in as node-serialport passes its binding: `realSerialPorts()` for
 * the hardware (serialport on @serialport/bindings-cpp), or a test's own ports. The two fixes of the bindings
 * (serial-poller-fix.ts, serial-main-thread-io.ts) are applied by `patchSerialBindings()`, once, by whoever wires
 * real ports: nothing patches the bindings just by being imported.
 */
import { SerialPort } from "serialport";
import { serialIoOnMainThread } from "./serial-main-thread-io.ts";
import { fixSerialPoller } from "./serial-poller-fix.ts";

/** What a SerialLink uses of a port. */
export type SerialPortLike = Pick<SerialPort, "isOpen" | "open" | "write" | "close" | "pipe" | "on">;

/** Makes a closed port for `path`; the link opens it. */
export type OpenSerialPort = (o: { path: string; baudRate: number }) => SerialPortLike;

/** Applies both fixes of @serialport/bindings-cpp 13; says which are in place. */
export function patchSerialBindings(): { pollerFixed: boolean; mainThreadIo: boolean } {
  return { pollerFixed: fixSerialPoller(), mainThreadIo: serialIoOnMainThread() };
}

/** Real serial ports, the bindings patched first. */
export function realSerialPorts(): OpenSerialPort {
  patchSerialBindings();
  return ({ path, baudRate }) => new SerialPort({ path, baudRate, autoOpen: false });
}
