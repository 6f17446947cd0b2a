/**
 * Cables a simulated board's frame port to a serial device path, typically one end of a socat pseudo-terminal
 * pair (`socat pty,raw,echo=0,link=/tmp/lb-dev pty,raw,echo=0,link=/tmp/lb-gw`), so that a real program (the
 * gateway) on the other end talks to the board as to a real one. A pty in raw mode needs no baud setting.
 *
 * Read through Node's `tty.ReadStream`: libuv's tty handle waits for the descriptor with the event loop's poll, as
 * a socket does. (A plain `fs` read stream would park one of libuv's four pool threads in a blocking read per
 * cable, so four cables in one process would stall every file, DNS and crypto call in it.) Writes go through a
 * non-blocking descriptor of their own and a queue: what the pty cannot take yet is written on a later turn, in
 * order. A blocking write would stop the whole process when the reader is in it too (the demo runs the gateway
 * beside its simulated boards) and the pty's buffer is full.
 */
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { ReadStream } from "node:tty";
import type { SimBoard } from "./board.ts";

export interface SerialCable {
  /** Write what the device sends to the path (pass it as the board's `onWrite`). */
  write(data: string): void;
  close(): void;
}

const closeQuietly = (fd: number) => {
  try {
    closeSync(fd);
  } catch {
    /* closed already */
  }
};

/**
 * Opens `path` and feeds what arrives to `board.serialInput`. The board must have been created with
 * `onWrite: (d) => cable.write(d)`; use `connectSerialPath(path)` first, then `cable.attach(board)`.
 */
export function connectSerialPath(path: string): SerialCable & { attach(board: Pick<SimBoard, "serialInput">): void } {
  const readFd = openSync(path, "r");
  let rs: ReadStream;
  try {
    rs = new ReadStream(readFd);
  } catch (err) {
    closeQuietly(readFd);
    throw new Error(`${path} is not a terminal (a serial port or one end of a pseudo-terminal pair): ${(err as Error).message}`);
  }
  const writeFd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  /* Bytes waiting for room in the pty, oldest first; `retry` is set while a later attempt is scheduled. */
  let queue: Buffer[] = [];
  let retry: NodeJS.Timeout | undefined;
  let board: Pick<SimBoard, "serialInput"> | undefined;
  let early = "";
  rs.setEncoding("latin1");
  rs.on("data", (chunk) => {
    if (board) board.serialInput(String(chunk));
    else early += String(chunk);
  });
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearTimeout(retry);
    queue = [];
    rs.destroy();
    closeQuietly(readFd);
    closeQuietly(writeFd);
  };
  const drain = () => {
    retry = undefined;
    while (queue.length && !closed) {
      const head = queue[0]!;
      let n: number;
      try {
        n = writeSync(writeFd, head);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EAGAIN") break;
        return close();
      }
      if (n < head.length) {
        queue[0] = head.subarray(n);
        break;
      }
      queue.shift();
    }
    if (queue.length && !closed) retry = setTimeout(drain, 1);
  };
  /* The other side went away (EIO, or the end of the stream): the end of the cable, not a failure. */
  rs.on("error", close);
  rs.on("end", close);
  return {
    write(data) {
      if (closed) return;
      queue.push(Buffer.from(data, "latin1"));
      if (!retry) drain();
    },
    attach(b) {
      board = b;
      if (early) b.serialInput(early);
      early = "";
    },
    close,
  };
}
