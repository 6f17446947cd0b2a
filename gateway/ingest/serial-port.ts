/**
 * The serial ports a SerialLink or the installer opens, passed in as node-serialport passes its binding:
 * `realSerialPorts()` for the hardware (serialport on @serialport/bindings-cpp), or a test's own ports. The two
 * fixes of the bindings (serial-poller-fix.ts, serial-main-thread-io.ts) patch the bindings' modules, so they hold
 * for every port of the process: `realSerialPorts()` applies them and is called once by each program's wiring
 * (app.ts for the gateway, cli/main.ts for the installer commands, the testkit's serial transport). Nothing
 * patches the bindings just by being imported.
 */
import { SerialPort } from "serialport";
import { serialIoOnMainThread } from "./serial-main-thread-io.ts";
import { fixSerialPoller } from "./serial-poller-fix.ts";

/** What a SerialLink uses of a port. */
export type SerialPortLike = Pick<SerialPort, "isOpen" | "open" | "write" | "close" | "pipe" | "on" | "off">;

/** Makes a closed port for `path`; the link opens it. */
export type OpenSerialPort = (o: { path: string; baudRate: number }) => SerialPortLike;

/** Applies both fixes of @serialport/bindings-cpp 13; says which are in place. */
export function patchSerialBindings(): { pollerFixed: boolean; mainThreadIo: boolean } {
  return { pollerFixed: fixSerialPoller(), mainThreadIo: serialIoOnMainThread() };
}

/** serialport's ports as they are: the bindings' fixes hold only if the program has called realSerialPorts(). */
export const plainSerialPorts: OpenSerialPort = ({ path, baudRate }) => new SerialPort({ path, baudRate, autoOpen: false });

/** Real serial ports, the bindings patched first: for a program's wiring to call once and pass on. */
export function realSerialPorts(): OpenSerialPort {
  patchSerialBindings();
  return plainSerialPorts;
}
