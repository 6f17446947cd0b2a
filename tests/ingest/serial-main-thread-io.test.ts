/**
 * Serial I/O on the event loop's thread (gateway/ingest/serial-main-thread-io.ts), on a real socat pair opened
 * through serialport: lines go both ways while every libuv pool thread is busy, which the bindings' own
 * thread-pool reads and writes could not do; and a port whose other end goes away still closes.
 */
import { pbkdf2 } from "node:crypto";
import { EventEmitter } from "node:events";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReadlineParser } from "@serialport/parser-readline";
import { SerialPort } from "serialport";
import { afterEach, describe, expect, it } from "vitest";
import { unixRead } from "../../gateway/ingest/serial-main-thread-io.ts";
import { patchSerialBindings } from "../../gateway/ingest/serial-port.ts";
import { ptyPair, type PtyPair } from "../../gateway/testkit/socat.ts";

const serialMainThreadIo = patchSerialBindings().mainThreadIo;
let pair: PtyPair | undefined;
const ports: SerialPort[] = [];
afterEach(async () => {
  await Promise.all(ports.splice(0).map((p) => new Promise<void>((resolve) => (p.isOpen ? p.close(() => resolve()) : resolve()))));
  await pair?.close();
  pair = undefined;
});

async function open(path: string): Promise<{ port: SerialPort; lines: string[] }> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  ports.push(port);
  const lines: string[] = [];
  port.pipe(new ReadlineParser({ delimiter: "\n" })).on("data", (l: string) => lines.push(l));
  port.on("error", () => undefined);
  return { port, lines };
}

const until = async (what: () => boolean) => {
  while (!what()) await new Promise((r) => setTimeout(r, 5));
};

describe("serial I/O on the event loop's thread", () => {
  it("carries lines both ways while the libuv thread pool is saturated", async () => {
    expect(serialMainThreadIo).toBe(true);
    pair = await ptyPair();
    const gw = await open(pair.gateway);
    const dev = await open(pair.device);
    /* More pool work than threads (4 by default), each job about 0.3 s alone here: the pool stays busy for seconds. */
    let poolDone = 0;
    for (let i = 0; i < 16; i++) pbkdf2("x", "salt", 1_000_000, 32, "sha256", () => void poolDone++);
    dev.port.write("up 1\n");
    await until(() => gw.lines.length === 1);
    gw.port.write("ack 1\n");
    await until(() => dev.lines.length === 1);
    expect([gw.lines, dev.lines, poolDone]).toEqual([["up 1"], ["ack 1"], 0]);
    await until(() => poolDone === 16);
  });

  it("still closes a port whose other end disappears", async () => {
    pair = await ptyPair();
    const gw = await open(pair.gateway);
    const closed = new Promise<void>((resolve) => gw.port.once("close", () => resolve()));
    await pair.close();
    await closed;
    expect(gw.port.isOpen).toBe(false);
  });

  /** The bindings' own read, patched, on a file at its end (it reads 0 bytes, as a hung-up tty does), with a stand-in
      for their poller (the documented `binding` shape: fd, isOpen, poller). */
  async function readAtEndOfFile(poller: EventEmitter, check: (read: Promise<unknown>) => Promise<void>) {
    const dir = mkdtempSync(join(tmpdir(), "lb-eof-"));
    const file = join(dir, "empty");
    writeFileSync(file, "");
    const fd = openSync(file, "r");
    try {
      await check(unixRead({ binding: { fd, isOpen: true, poller }, buffer: Buffer.alloc(64), offset: 0, length: 64 }));
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("waits for poll instead of spinning when a read finds end of file (a device that hung up)", async () => {
    const poller = new EventEmitter();
    await readAtEndOfFile(poller, async (read) => {
      const outcome = read.then(
        () => "read",
        (err: Error) => err.message,
      );
      /* The event loop still turns (a spinning read would starve this timer), and the read waits for poll. */
      await new Promise((r) => setTimeout(r, 20));
      expect(poller.listenerCount("readable")).toBe(1);
      poller.emit("readable", new Error("hung up"));
      expect(await outcome).toBe("hung up");
    });
  });

  it("closes as a disconnect when poll keeps reporting readable at end of file (kqueue's way of saying hang-up)", async () => {
    const poller = new EventEmitter();
    let polls = 0;
    /* A poller that says "readable" every time it is asked, as kqueue does for a tty at end of file. */
    poller.on("newListener", (event) => {
      if (event === "readable") setImmediate(() => (polls++, poller.emit("readable")));
    });
    await readAtEndOfFile(poller, async (read) => {
      const err = await read.then(
        () => undefined,
        (e: Error & { disconnect?: boolean }) => e,
      );
      expect(err?.message).toMatch(/^ENXIO: end of file on a serial port 3 times in a row/);
      expect(err?.disconnect).toBe(true);
      expect(polls).toBe(2);
    });
  });
});
