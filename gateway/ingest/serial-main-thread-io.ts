/**
 * Serial reads and writes on the event loop's own thread. @serialport/bindings-cpp 13 (dist/unix-read.js,
 * dist/unix-write.js) waits for the port with libuv's `poll` but then reads and writes through `fs.read` and
 * `fs.write`, which run in libuv's thread pool: every frame in and every ack out costs two trips to a pool thread
 * and back, each waiting for a turn of a busy event loop. The port is opened O_NONBLOCK by the bindings
 * (serialport_unix.cpp), so a `readSync` or `writeSync` on it never blocks: it returns what is there or fails
 * with EAGAIN, which the bindings already handle by waiting for `poll`. This module gives the bindings'
 * own `unixRead` and `unixWrite` those synchronous calls (their documented `fsReadAsync` / `fsWriteAsync`
 * parameters), so their error handling (EAGAIN, disconnects) is unchanged. Applied by `serialIoOnMainThread()`,
 * which serial-port.ts calls before the gateway opens a port.
 */
import { readSync, writeSync } from "node:fs";
import { createRequire } from "node:module";

type ReadArgs = { fsReadAsync?: unknown } & Record<string, unknown>;
type WriteArgs = { fsWriteAsync?: unknown } & Record<string, unknown>;

const require = createRequire(import.meta.url);
const readMod = require("@serialport/bindings-cpp/dist/unix-read.js") as { unixRead: ((a: ReadArgs) => Promise<unknown>) & { __lbMainThread?: boolean } };
const writeMod = require("@serialport/bindings-cpp/dist/unix-write.js") as { unixWrite: ((a: WriteArgs) => Promise<unknown>) & { __lbMainThread?: boolean } };

/*
 * A read of 0 bytes on a non-blocking tty is end of file: the other side hung up (a USB device unplugged, a
 * pseudo-terminal's master closed). The bindings retry such a read at once; with a synchronous read that retry
 * would be a microtask loop that never lets the event loop turn (it ran a test worker out of memory). Reported
 * as EAGAIN, it sends the bindings back to `poll`, which on Linux reports the hang-up, and the port closes.
 * Where `poll` only says "readable" at end of file (kqueue on macOS), that would be a loop of poll and empty reads:
 * after ZERO_READS of them in a row without a byte between, the read fails as a disconnect (ENXIO, which the
 * bindings mark `disconnect`), so the port closes and SerialLink retries it.
 */
const ZERO_READS = 3;
type Reader = (fd: number, buffer: Buffer, offset: number, length: number, position: number | null) => Promise<{ bytesRead: number; buffer: Buffer }>;
/* One reader per open port (the bindings' object), not per fd: a closed port's fd number is soon another port's. */
const readers = new WeakMap<object, Reader>();
const readerFor = (binding: object): Reader => {
  let reader = readers.get(binding);
  if (reader) return reader;
  let zeroReads = 0;
  reader = async (fd, buffer, offset, length, position) => {
    const bytesRead = readSync(fd, buffer, offset, length, position);
    if (bytesRead > 0 || length === 0) {
      zeroReads = 0;
      return { bytesRead, buffer };
    }
    if (++zeroReads >= ZERO_READS) {
      const n = zeroReads;
      zeroReads = 0;
      throw Object.assign(new Error(`ENXIO: end of file on a serial port ${n} times in a row: the other side hung up`), { code: "ENXIO" });
    }
    throw Object.assign(new Error("EAGAIN: end of file on a serial port, waiting for poll"), { code: "EAGAIN" });
  };
  readers.set(binding, reader);
  return reader;
};
const writeNow = async (fd: number, buffer: Buffer, offset: number, length: number) => ({
  bytesWritten: writeSync(fd, buffer, offset, length),
  buffer,
});

/** Makes the bindings read and write on the event loop's thread (once, however often it is called); true when they do. */
export function serialIoOnMainThread(): boolean {
  if (!readMod.unixRead.__lbMainThread) {
    const original = readMod.unixRead;
    readMod.unixRead = Object.assign((a: ReadArgs) => original({ fsReadAsync: readerFor(a.binding as object), ...a }), { __lbMainThread: true });
  }
  if (!writeMod.unixWrite.__lbMainThread) {
    const original = writeMod.unixWrite;
    writeMod.unixWrite = Object.assign((a: WriteArgs) => original({ fsWriteAsync: writeNow, ...a }), { __lbMainThread: true });
  }
  return readMod.unixRead.__lbMainThread === true && writeMod.unixWrite.__lbMainThread === true;
}

/** The bindings' read, as it stands (for tests). */
export const unixRead = (a: ReadArgs): Promise<unknown> => readMod.unixRead(a);
