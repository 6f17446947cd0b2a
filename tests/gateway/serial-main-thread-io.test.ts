/**
 * Serial I/O on the event loop's thread (gateway/ingest/serial-main-thread-io.ts), on a real socat pair opened
 * through serialport: lines go both ways while every libuv pool thread is busy, which the bindings' own
 * thread-pool reads and writes could not do; and a port whose other end goes away still closes.
 */
import { pbkdf2 } from "node:crypto";
import { ReadlineParser } from "@serialport/parser-readline";
import { SerialPort } from "serialport";
import { afterEach, describe, expect, it } from "vitest";
import { serialMainThreadIo } from "../../gateway/ingest/serial-main-thread-io.ts";
import { ptyPair, type PtyPair } from "../support/socat.ts";

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
    /* Far more pool work than threads (4 by default, UV_THREADPOOL_SIZE at most 1024): the pool stays busy. */
    let poolDone = 0;
    for (let i = 0; i < 64; i++) pbkdf2("x", "salt", 200_000, 32, "sha256", () => void poolDone++);
    dev.port.write("up 1\n");
    await until(() => gw.lines.length === 1);
    gw.port.write("ack 1\n");
    await until(() => dev.lines.length === 1);
    expect([gw.lines, dev.lines, poolDone]).toEqual([["up 1"], ["ack 1"], 0]);
    await until(() => poolDone === 64);
  });

  it("still closes a port whose other end disappears", async () => {
    pair = await ptyPair();
    const gw = await open(pair.gateway);
    const closed = new Promise<void>((resolve) => gw.port.once("close", () => resolve()));
    await pair.close();
    await closed;
    expect(gw.port.isOpen).toBe(false);
  });
});
