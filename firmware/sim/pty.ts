/**
 * Cables a simulated board's frame port to a serial device path, typically one end of a socat pseudo-terminal
 * pair (`socat pty,raw,echo=0,link=/tmp/lb-dev pty,raw,echo=0,link=/tmp/lb-gw`), so that a real program (the
 * gateway) on the other end talks to the board as to a real one. A pty in raw mode needs no baud setting.
 *
 * Read through Node's `tty.ReadStream`: libuv's tty handle waits for the descriptor with the event loop's poll, as
 * a socket does. (A plain `fs` read stream would park one of libuv's four pool threads in a blocking read per
 * cable, so four cables in one process would stall every file, DNS and crypto call in it.)
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { ReadStream } from "node:tty";
import type { SimBoard } from "./board.ts";

export interface SerialCable {
  /** Write what the device sends to the path (pass it as the board's `onWrite`). */
  write(data: string): void;
  close(): void;
}

/**
 * Opens `path` and feeds what arrives to `board.serialInput`. The board must have been created with
 * `onWrite: (d) => cable.write(d)`; use `connectSerialPath(path)` first, then `cable.attach(board)`.
 */
export function connectSerialPath(path: string): SerialCable & { attach(board: SimBoard): void } {
  const fd = openSync(path, "r+");
  let board: SimBoard | undefined;
  let early = "";
  /* libuv opens the tty again for its own non-blocking descriptor; `fd` stays ours, for writes, and is closed here. */
  const rs = new ReadStream(fd);
  rs.setEncoding("latin1");
  rs.on("data", (chunk) => {
    if (board) board.serialInput(String(chunk));
    else early += String(chunk);
  });
  /* The pty reports EIO once the other side has gone: the end of the cable, not a failure. */
  rs.on("error", () => undefined);
  let closed = false;
  return {
    write(data) {
      if (!closed) writeSync(fd, Buffer.from(data, "latin1"));
    },
    attach(b) {
      board = b;
      if (early) b.serialInput(early);
      early = "";
    },
    close() {
      if (closed) return;
      closed = true;
      rs.destroy();
      try {
        closeSync(fd);
      } catch {
        /* closed already */
      }
    },
  };
}
